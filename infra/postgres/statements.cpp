#include <array>

#include "infra/postgres/account_sql.hpp"
#include "infra/postgres/member_sql.hpp"
#include "infra/postgres/code_repository.hpp"
#include "infra/postgres/event_log.hpp"
#include "infra/postgres/outbox_sql.hpp"
#include "infra/postgres/registration_sql.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

std::span<const Statement> all_statements() {
    static constexpr std::array statements{
        member_sql::upsert,
        member_sql::find_by_nir,
        outbox_sql::enqueue,
        outbox_sql::claim_due,
        outbox_sql::mark_sent,
        outbox_sql::schedule_retry,
        outbox_sql::mark_dead,
        outbox_sql::list,
        outbox_sql::retry_dead,
        outbox_sql::letters,
        outbox_sql::mark_printed,
        outbox_sql::stats,
        account_sql::create_legacy,
        throttle_sql::count_attempt,
        throttle_sql::count_attempt_and_find,
        throttle_sql::clear,
        throttle_sql::set_failures,
        throttle_sql::failures,
        account_sql::find_legacy_login,
        account_sql::record_login,
        account_sql::profile,
        account_sql::set_pending_actions,
        account_sql::set_contacts,
        account_sql::mark_email_verified,
        session_sql::create,
        session_sql::add_refresh,
        session_sql::use_refresh,
        session_sql::refresh_owner,
        session_sql::find_active,
        session_sql::touch,
        session_sql::list_active,
        session_sql::revoke,
        session_sql::revoke_any,
        identity_sql::find_by_email,
        identity_sql::find,
        identity_sql::create,
        identity_sql::set_password,
        identity_sql::mark_validated,
        registration_sql::create_account,
        registration_sql::activate,
        flow_sql::create,
        flow_sql::find,
        flow_sql::advance,
        flow_sql::count_attempt,
        link_sql::issue,
        link_sql::consume,
        link_sql::state,
        link_sql::issued_since,
        link_sql::peek,
        link_sql::count_attempt,
        registration_sql::credentials,
        registration_sql::set_password,
        session_sql::set_actions,
        session_sql::live_profile,
        code_sql::discard,
        code_sql::issue,
        code_sql::last_issued,
        code_sql::count_try,
        code_sql::live,
        code_sql::use,
        session_sql::revoke_all,
        session_sql::drop_actions,
        flow_sql::extend,
        registration_sql::identity_lock,
        registration_sql::switch_identity,
        event_sql::record,
        event_sql::list,
    };
    return statements;
}

}  // namespace guichet::infra
