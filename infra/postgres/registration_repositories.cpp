#include "infra/postgres/registration_repositories.hpp"

#include <pqxx/binarystring>
#include <pqxx/result>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/registration_sql.hpp"

namespace guichet::infra {

namespace {

std::optional<ConnectIdentity> identity_from(const pqxx::result& r) {
    if (r.empty()) return std::nullopt;
    ConnectIdentity identity{r[0][0].as<IdentityId>(), r[0][1].as<std::string>(), std::nullopt, r[0][3].as<bool>(), std::nullopt, ""};
    if (!r[0][2].is_null()) identity.password_hash = r[0][2].as<std::string>();
    if (!r[0][4].is_null()) {
        identity.account_id = r[0][4].as<AccountId>();
        identity.account_status = r[0][5].as<std::string>();
    }
    if (!r[0][6].is_null()) identity.secret_answer_hash = r[0][6].as<std::string>();
    return identity;
}

std::optional<std::string> id_text(const std::optional<std::int64_t>& id) {
    return id ? std::optional(std::to_string(*id)) : std::nullopt;
}

const char* or_null(const std::optional<std::string>& text) { return text ? text->c_str() : nullptr; }

}  // namespace

std::optional<ConnectIdentity> PgIdentityRepository::find_by_email(const Email& email) {
    return identity_from(tx_.exec_prepared(identity_sql::find_by_email.name, email.lookup_key()));
}

std::optional<ConnectIdentity> PgIdentityRepository::find(IdentityId id) {
    return identity_from(tx_.exec_prepared(identity_sql::find.name, id));
}

std::optional<IdentityId> PgIdentityRepository::create(const NewIdentity& i) {
    // An identity imported from another site may have no secret question yet: NULL, not ''.
    const auto r = tx_.exec_prepared(identity_sql::create.name, i.email.lookup_key(), i.password_hash,
                                     i.secret_question.empty() ? nullptr : i.secret_question.c_str(),
                                     i.secret_answer_hash.empty() ? nullptr : i.secret_answer_hash.c_str(), i.validated);
    if (r.empty()) return std::nullopt;
    return r[0][0].as<IdentityId>();
}

void PgIdentityRepository::set_password_hash(IdentityId id, const std::string& password_hash) {
    tx_.exec_prepared(identity_sql::set_password.name, id, password_hash);
}

void PgIdentityRepository::mark_validated(IdentityId id) { tx_.exec_prepared(identity_sql::mark_validated.name, id); }

void PgFlowRepository::create(const FlowRecord& f) {
    tx_.exec_prepared(flow_sql::create.name, f.id, f.type, f.state, bytes(cipher_.encrypt(f.data, "flow:" + f.id)),
                      epoch(f.expires_at));
}

std::optional<FlowRecord> PgFlowRepository::find(const std::string& id) {
    const auto r = tx_.exec_prepared(flow_sql::find.name, id);
    if (r.empty()) return std::nullopt;
    const pqxx::binarystring sealed(r[0][4]);
    auto data = cipher_.decrypt(sealed.str(), "flow:" + id);
    if (!data) throw std::runtime_error("flow data does not decrypt");
    return FlowRecord{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>(), r[0][3].as<int>(),
                      std::move(*data), from_epoch(r[0][5].as<double>())};
}

bool PgFlowRepository::advance(const std::string& id, const std::string& from, const std::string& to, const std::string& data) {
    return !tx_.exec_prepared(flow_sql::advance.name, id, from, to, bytes(cipher_.encrypt(data, "flow:" + id))).empty();
}

void PgFlowRepository::extend(const std::string& id, std::chrono::system_clock::time_point expires_at) {
    tx_.exec_prepared(flow_sql::extend.name, id, epoch(expires_at));
}

int PgFlowRepository::count_attempt(const std::string& id) {
    const auto r = tx_.exec_prepared(flow_sql::count_attempt.name, id);
    return r.empty() ? 0 : r[0][0].as<int>();
}

void PgLinkTokenRepository::issue(LinkPurpose purpose, const std::string& token, const LinkSubject& subject,
                                  std::chrono::system_clock::time_point expires_at) {
    const auto account = id_text(subject.account), identity = id_text(subject.identity);
    tx_.exec_prepared(link_sql::issue.name, bytes(cipher_.blind_index("link:" + token)), std::string(to_string(purpose)),
                      or_null(account), or_null(identity), epoch(expires_at),
                      subject.flow ? subject.flow->c_str() : nullptr);
}

LinkUse PgLinkTokenRepository::consume(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) {
    const auto hash = bytes(cipher_.blind_index("link:" + token));
    const std::string kind(to_string(purpose));
    const auto used = tx_.exec_prepared(link_sql::consume.name, hash, kind, epoch(now));
    if (!used.empty()) {
        LinkSubject subject;
        if (!used[0][0].is_null()) subject.account = used[0][0].as<AccountId>();
        if (!used[0][1].is_null()) subject.identity = used[0][1].as<IdentityId>();
        if (!used[0][2].is_null()) subject.flow = used[0][2].as<std::string>();
        return {LinkState::valid, subject};
    }
    const auto state = tx_.exec_prepared(link_sql::state.name, hash, kind);
    if (state.empty()) return {LinkState::unknown, {}};
    return {state[0][0].as<bool>() ? LinkState::used : LinkState::expired, {}};
}

LinkUse PgLinkTokenRepository::peek(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) {
    const auto r = tx_.exec_prepared(link_sql::peek.name, bytes(cipher_.blind_index("link:" + token)), std::string(to_string(purpose)),
                                     epoch(now));
    if (r.empty()) return {LinkState::unknown, {}};
    if (r[0][2].as<bool>()) return {LinkState::used, {}};
    if (!r[0][3].as<bool>()) return {LinkState::expired, {}};
    LinkSubject subject;
    if (!r[0][0].is_null()) subject.account = r[0][0].as<AccountId>();
    if (!r[0][1].is_null()) subject.identity = r[0][1].as<IdentityId>();
    if (!r[0][4].is_null()) subject.flow = r[0][4].as<std::string>();
    return {LinkState::valid, subject};
}

int PgLinkTokenRepository::count_attempt(LinkPurpose purpose, const std::string& token) {
    const auto r = tx_.exec_prepared(link_sql::count_attempt.name, bytes(cipher_.blind_index("link:" + token)),
                                     std::string(to_string(purpose)));
    return r.empty() ? 0 : r[0][0].as<int>();
}

bool PgLinkTokenRepository::issued_since(LinkPurpose purpose, const LinkSubject& subject,
                                         std::chrono::system_clock::time_point since) {
    const auto account = id_text(subject.account), identity = id_text(subject.identity);
    return !tx_.exec_prepared(link_sql::issued_since.name, std::string(to_string(purpose)), or_null(account), or_null(identity),
                              epoch(since))
                .empty();
}

}  // namespace guichet::infra
