#include "infra/postgres/account_repository.hpp"

#include <pqxx/binarystring>
#include <pqxx/result>

#include "infra/postgres/account_sql.hpp"
#include "infra/postgres/conversions.hpp"
#include "infra/postgres/member_repository.hpp"
#include "infra/postgres/registration_sql.hpp"

namespace guichet::infra {

namespace {

std::string join(const std::vector<RequiredAction>& actions) {
    std::string out;
    for (auto a : actions) {
        if (!out.empty()) out += ',';
        out += to_string(a);
    }
    return out;
}

std::vector<RequiredAction> split(const std::string& text) {
    std::vector<RequiredAction> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        if (auto a = required_action_from(std::string_view(text).substr(start, end - start))) out.push_back(*a);
        start = end + 1;
    }
    return out;
}
}  // namespace

namespace {

// The registry indexes full NIRs: the body's key is implied.
std::optional<std::string> registry_index(const NirBody& nir, const DataCipher& cipher) {
    const auto full = Nir::from_body_and_key(nir, std::to_string(nir.key()));
    if (!full) return std::nullopt;
    return cipher.blind_index(full->value());
}

// The columns of the legacy_logins view (migration 0011) from `first` on; NULLs: no account.
std::optional<LegacyLogin> legacy_login_from(const pqxx::row& row, pqxx::row::size_type first) {
    const auto at = [&](pqxx::row::size_type i) { return row[first + i]; };
    if (at(0).is_null()) return std::nullopt;
    LegacyLogin login{at(0).as<AccountId>(), std::nullopt, at(2).as<bool>(), std::nullopt, at(4).as<bool>()};
    if (!at(1).is_null()) login.nir_password_hash = at(1).as<std::string>();
    if (!at(3).is_null()) login.temporary_password_expires_at = from_epoch(at(3).as<double>());
    if (!at(5).is_null()) login.identity_password_hash = at(5).as<std::string>();
    for (auto a : split(at(6).as<std::string>())) login.pending_actions.emplace_back(to_string(a));
    login.has_logged_in = at(7).as<bool>();
    return login;
}

}  // namespace

std::optional<LegacyLogin> PgAccountRepository::find_legacy_login(const NirBody& nir) {
    const auto index = registry_index(nir, cipher_);
    if (!index) return std::nullopt;
    const auto r = tx_.exec_prepared(account_sql::find_legacy_login.name, bytes(*index));
    return r.empty() ? std::nullopt : legacy_login_from(r[0], 0);
}

void PgAccountRepository::record_login(AccountId id, const std::optional<std::string>& rehashed) {
    writes_.account(id);
    tx_.exec_prepared(account_sql::record_login.name, id, rehashed ? rehashed->c_str() : nullptr);
}

namespace {

// The account columns of account_sql::profile and session_sql::live_profile.
AccountOverview overview_from(const pqxx::row& row, const DataCipher& cipher) {
    const pqxx::binarystring sealed(row[1]), index(row[2]);
    const auto clear = cipher.decrypt(sealed.str(), index.str());
    if (!clear) throw std::runtime_error("member NIR does not decrypt");
    auto nir = Nir::parse(*clear);
    if (!nir) throw std::runtime_error("corrupt member NIR");
    AccountOverview overview{row[0].as<AccountId>(), *nir, row[3].as<bool>(), row[4].as<bool>(), row[5].as<std::string>()};
    if (!row[6].is_null()) overview.identity_email = row[6].as<std::string>();
    auto phone = [](const pqxx::field& f) -> std::optional<Phone> {
        if (f.is_null()) return std::nullopt;
        auto parsed = Phone::parse(f.as<std::string>());
        return parsed ? std::optional(*parsed) : std::nullopt;
    };
    overview.mobile_phone = phone(row[7]);
    overview.landline_phone = phone(row[8]);
    if (!row["contact_email"].is_null()) overview.contact_email = row["contact_email"].as<std::string>();
    overview.fax = phone(row["account_fax"]);
    return overview;
}

}  // namespace

static AccountProfile profile_from(const pqxx::row& row, const DataCipher& cipher) {
    auto account = overview_from(row, cipher);
    auto member = member_from_row(row, account.nir);
    return AccountProfile{std::move(account), std::move(member)};
}

std::optional<AccountProfile> PgAccountRepository::profile(AccountId id) {
    const auto r = tx_.exec_prepared(account_sql::profile.name, id);
    if (r.empty()) return std::nullopt;
    return profile_from(r[0], cipher_);
}

std::optional<AccountProfile> PgSessionRepository::live_profile(const std::string& id, AccountId account_id,
                                                                std::chrono::system_clock::time_point now) {
    if (cache_)
        if (auto hit = cache_->live_profile(id, account_id, now)) return hit;
    const auto seen = cache_ ? cache_->epoch() : 0;
    const auto r = tx_.exec_prepared(session_sql::live_profile.name, id, account_id, epoch(now));
    if (r.empty()) return std::nullopt;
    auto profile = profile_from(r[0], cipher_);
    if (cache_) cache_->store(seen, id, SessionCache::Entry{account_id, from_epoch(r[0]["session_expires_at"].as<double>()), std::nullopt, profile});
    return profile;
}

std::optional<AccountId> PgAccountRepository::create_registered(const RegisteredAccount& a) {
    const auto mobile = a.mobile_phone ? std::optional(a.mobile_phone->e164()) : std::nullopt;
    const auto landline = a.landline_phone ? std::optional(a.landline_phone->e164()) : std::nullopt;
    const auto r = tx_.exec_prepared(registration_sql::create_account.name, bytes(cipher_.blind_index(a.nir.value())), a.identity,
                                     mobile ? mobile->c_str() : nullptr, landline ? landline->c_str() : nullptr);
    if (r.empty()) return std::nullopt;
    return r[0][0].as<AccountId>();
}

std::optional<AccountCredentials> PgAccountRepository::credentials(AccountId id) {
    const auto r = tx_.exec_prepared(registration_sql::credentials.name, id);
    if (r.empty()) return std::nullopt;
    const pqxx::binarystring sealed(r[0][1]), index(r[0][2]);
    const auto clear = cipher_.decrypt(sealed.str(), index.str());
    auto nir = clear ? Nir::parse(*clear) : Result<Nir>(fail(ErrorCode::invalid_nir));
    if (!nir) throw std::runtime_error("member NIR does not decrypt");
    AccountCredentials c{r[0][0].as<AccountId>(), *nir};
    if (!r[0][3].is_null()) c.identity = r[0][3].as<IdentityId>();
    if (!r[0][4].is_null()) c.identity_email = r[0][4].as<std::string>();
    if (!r[0][5].is_null()) c.password_hash = r[0][5].as<std::string>();
    c.password_is_temporary = r[0][6].as<bool>();
    if (!r[0][7].is_null()) c.secret_answer_hash = r[0][7].as<std::string>();
    return c;
}

void PgAccountRepository::set_pending_actions(AccountId id, const std::vector<std::string>& actions) {
    writes_.account(id);
    std::string joined;
    for (const auto& a : actions) joined += (joined.empty() ? "" : ",") + a;
    tx_.exec_prepared(account_sql::set_pending_actions.name, id, joined);
}

void PgAccountRepository::set_contacts(AccountId id, const Email& email, const std::optional<Phone>& mobile,
                                       const std::optional<Phone>& landline, const std::optional<Phone>& fax) {
    writes_.account(id);
    auto e164 = [](const std::optional<Phone>& p) { return p ? std::optional(p->e164()) : std::nullopt; };
    const auto m = e164(mobile), l = e164(landline), f = e164(fax);
    tx_.exec_prepared(account_sql::set_contacts.name, id, email.value(), m ? m->c_str() : nullptr, l ? l->c_str() : nullptr,
                      f ? f->c_str() : nullptr);
}

void PgAccountRepository::mark_email_verified(AccountId id) {
    writes_.account(id);
    tx_.exec_prepared(account_sql::mark_email_verified.name, id);
}

void PgAccountRepository::set_password(AccountId id, const std::string& password_hash,
                                       std::optional<std::chrono::system_clock::time_point> temporary_until) {
    writes_.account(id);
    const auto until = temporary_until ? std::optional(std::to_string(epoch(*temporary_until))) : std::nullopt;
    tx_.exec_prepared(registration_sql::set_password.name, id, password_hash, temporary_until.has_value(),
                      until ? until->c_str() : nullptr);
}

bool PgAccountRepository::switch_to_identity(AccountId id, IdentityId identity) {
    writes_.account(id);
    tx_.exec_prepared(registration_sql::identity_lock.name, identity);
    return !tx_.exec_prepared(registration_sql::switch_identity.name, id, identity).empty();
}

bool PgAccountRepository::activate(AccountId id) {
    writes_.account(id);
    return !tx_.exec_prepared(registration_sql::activate.name, id).empty();
}

void PgSessionRepository::create(const SessionInfo& s, const std::string& refresh_token) { create(s, refresh_token, std::nullopt); }

void PgSessionRepository::create(const SessionInfo& s, const std::string& refresh_token, const std::optional<std::string>& clear_index) {
    const auto run = [&](const auto& clear) {
        tx_.exec_prepared(session_sql::create.name, s.id, s.account_id, join(s.required_actions), epoch(s.created_at),
                          epoch(s.expires_at), bytes(cipher_.blind_index("refresh:" + refresh_token)), s.opened_by, clear);
    };
    if (clear_index) run(bytes(*clear_index));
    else run(static_cast<const char*>(nullptr));  // NULL: no row to clear
}

Rotation PgSessionRepository::rotate(const std::string& presented, const std::string& replacement,
                                     std::chrono::system_clock::time_point now) {
    const auto presented_hash = bytes(cipher_.blind_index("refresh:" + presented));
    const auto used = tx_.exec_prepared(session_sql::use_refresh.name, presented_hash);
    if (used.empty()) {
        const auto owner = tx_.exec_prepared(session_sql::refresh_owner.name, presented_hash);
        if (owner.empty()) return {RotationOutcome::unknown, std::nullopt};
        for (const auto& row : tx_.exec_prepared(session_sql::revoke_any.name, owner[0][0].as<std::string>()))  // reuse: theft suspected
            writes_.account(row[0].as<AccountId>());
        return {RotationOutcome::reused, std::nullopt};
    }
    auto session = read_active(used[0][0].as<std::string>(), now);
    if (!session) return {RotationOutcome::unknown, std::nullopt};
    writes_.account(session->account_id);
    tx_.exec_prepared(session_sql::add_refresh.name, bytes(cipher_.blind_index("refresh:" + replacement)), session->id);
    tx_.exec_prepared(session_sql::touch.name, session->id);
    return {RotationOutcome::rotated, session};
}

namespace {
SessionInfo session_from(const pqxx::row& r) {
    return SessionInfo{r[0].as<std::string>(), r[1].as<AccountId>(), split(r[2].as<std::string>()),
                       from_epoch(r[3].as<double>()), from_epoch(r[4].as<double>()), from_epoch(r[5].as<double>())};
}
}  // namespace

std::optional<SessionInfo> PgSessionRepository::read_active(const std::string& id, std::chrono::system_clock::time_point now) {
    const auto r = tx_.exec_prepared(session_sql::find_active.name, id, epoch(now));
    if (r.empty()) return std::nullopt;
    return session_from(r[0]);
}

std::optional<SessionInfo> PgSessionRepository::find_active(const std::string& id, std::chrono::system_clock::time_point now) {
    if (!cache_) return read_active(id, now);
    if (auto hit = cache_->live_session(id, now)) return hit;
    const auto seen = cache_->epoch();
    auto session = read_active(id, now);
    if (session) cache_->store(seen, id, SessionCache::Entry{session->account_id, session->expires_at, session, std::nullopt});
    return session;
}

std::vector<SessionInfo> PgSessionRepository::list_active(AccountId account_id, std::chrono::system_clock::time_point now) {
    std::vector<SessionInfo> out;
    for (const auto& row : tx_.exec_prepared(session_sql::list_active.name, account_id, epoch(now))) out.push_back(session_from(row));
    return out;
}

void PgSessionRepository::set_required_actions(const std::string& id, const std::vector<RequiredAction>& actions) {
    for (const auto& row : tx_.exec_prepared(session_sql::set_actions.name, id, join(actions))) writes_.account(row[0].as<AccountId>());
}

int PgSessionRepository::revoke_all(AccountId account_id, const std::string& keep) {
    writes_.account(account_id);
    return static_cast<int>(tx_.exec_prepared(session_sql::revoke_all.name, account_id, keep).affected_rows());
}

void PgSessionRepository::drop_required_actions(AccountId account_id, const std::vector<RequiredAction>& done) {
    writes_.account(account_id);
    tx_.exec_prepared(session_sql::drop_actions.name, account_id, join(done));
}

bool PgSessionRepository::revoke(const std::string& id, AccountId account_id) {
    writes_.account(account_id);
    return tx_.exec_prepared(session_sql::revoke.name, id, account_id).affected_rows() == 1;
}

std::optional<AccountId> PgAccountRepository::create_legacy(const LegacyAccount& a) {
    const auto expires = a.temporary_password_expires_at ? std::optional(std::to_string(epoch(*a.temporary_password_expires_at)))
                                                         : std::nullopt;
    const auto result = tx_.exec_prepared(account_sql::create_legacy.name, bytes(cipher_.blind_index(a.nir.value())),
                                          a.nir_password_hash ? a.nir_password_hash->c_str() : nullptr,
                                          a.password_is_temporary, expires ? expires->c_str() : nullptr, a.has_logged_in);
    if (result.empty()) return std::nullopt;
    return result[0][0].as<AccountId>();
}

std::string PgLoginThrottle::index(const IdentifierKey& key) const { return cipher_.blind_index("login:" + key.normalised); }

int PgLoginThrottle::count_attempt(const IdentifierKey& key) {
    return tx_.exec_prepared1(throttle_sql::count_attempt.name, bytes(index(key)), policy_.count_cap())[0].as<int>();
}

CountedLogin PgLoginThrottle::count_attempt_and_find(const IdentifierKey& key, const NirBody& nir) {
    // A body whose full NIR cannot be formed has no account: the attempt is counted all the same.
    const auto nir_index = registry_index(nir, cipher_);
    if (!nir_index) return {count_attempt(key), std::nullopt};
    const auto row = tx_.exec_prepared1(throttle_sql::count_attempt_and_find.name, bytes(index(key)), policy_.count_cap(), bytes(*nir_index));
    return {row[0].as<int>(), legacy_login_from(row, 1)};
}

void PgLoginThrottle::clear_after_success(const IdentifierKey& key) {
    tx_.exec_prepared(throttle_sql::clear.name, bytes(index(key)));
}

void PgLoginThrottle::set_locked(const IdentifierKey& key, bool locked) {
    tx_.exec_prepared(throttle_sql::set_failures.name, bytes(index(key)), locked ? policy_.max_failures : 0);
}

bool PgLoginThrottle::is_locked(const IdentifierKey& key) {
    const auto result = tx_.exec_prepared(throttle_sql::failures.name, bytes(index(key)));
    return !result.empty() && result[0][0].as<int>() >= policy_.max_failures;
}

}  // namespace guichet::infra
