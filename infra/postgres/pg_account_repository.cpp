#include "infra/postgres/pg_account_repository.hpp"

#include <pqxx/binarystring>
#include <pqxx/result>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/pg_member_repository.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

// ON CONFLICT: the member already has an account (one per member): no row comes back.
GUICHET_SQL(account_create_legacy, R"sql(
INSERT INTO accounts (member_id, status, nir_password_hash, password_is_temporary, temporary_password_expires_at, has_logged_in)
SELECT id, 'active', $2, $3, to_timestamp($4), $5 FROM members WHERE nir_index = $1
ON CONFLICT (member_id) DO NOTHING
RETURNING id
)sql");

// The view's columns (migration 0011) that legacy_login_from() reads.
GUICHET_SQL(account_find_legacy_login, R"sql(
SELECT id, nir_password_hash, password_is_temporary, temporary_password_expires_at, migrated, identity_password_hash,
       pending_actions, has_logged_in, pending_password_hash, pending_password_expires_at
FROM legacy_logins WHERE nir_index = $1
)sql");

// Writes only when something changes (a first login, a rehash): most logins leave the row, its
// WAL and the session cache's notification alone.
// A login with the current password also ends a temporary password waiting beside it.
GUICHET_SQL(account_record_login, R"sql(
UPDATE accounts SET has_logged_in = true, nir_password_hash = coalesce($2, nir_password_hash),
                    pending_password_hash = NULL, pending_password_expires_at = NULL
WHERE id = $1 AND (NOT has_logged_in OR $2::text IS NOT NULL OR pending_password_hash IS NOT NULL)
)sql");

GUICHET_SQL(account_set_pending_password, R"sql(
UPDATE accounts SET pending_password_hash = $2, pending_password_expires_at = to_timestamp($3) WHERE id = $1
)sql");

GUICHET_SQL(account_promote_pending_password, R"sql(
UPDATE accounts SET nir_password_hash = pending_password_hash, password_is_temporary = true,
                    temporary_password_expires_at = pending_password_expires_at,
                    pending_password_hash = NULL, pending_password_expires_at = NULL
WHERE id = $1 AND pending_password_hash IS NOT NULL AND identity_id IS NULL
)sql");

// The account's columns, then the member's under member_find_by_nir's names.
GUICHET_SQL(account_profile, R"sql(
SELECT a.id, m.nir_cipher, m.nir_index, a.migrated_at IS NOT NULL OR a.identity_id IS NOT NULL AS migrated, a.has_logged_in, a.status,
       i.email AS identity_email, a.mobile_phone AS account_mobile, a.landline_phone AS account_landline, a.contact_email, a.email_verified_at IS NOT NULL AS email_verified, a.fax AS account_fax,
       m.last_name, m.first_name, to_char(m.birth_date, 'YYYY-MM-DD') AS birth_date, m.member_type,
       m.email, m.mobile_phone, m.landline_phone, m.address, m.carte_vitale_serial, m.recent_amounts
FROM accounts a JOIN members m ON m.id = a.member_id LEFT JOIN connect_identities i ON i.id = a.identity_id
WHERE a.id = $1
)sql");

// A changed contact email must be verified again.
GUICHET_SQL(account_set_contacts, R"sql(
UPDATE accounts SET email_verified_at = CASE WHEN contact_email IS DISTINCT FROM $2 THEN NULL ELSE email_verified_at END,
                    contact_email = $2, mobile_phone = $3, landline_phone = $4, fax = $5
WHERE id = $1
)sql");

GUICHET_SQL(account_mark_email_verified, R"sql(
UPDATE accounts SET email_verified_at = now() WHERE id = $1
)sql");

GUICHET_SQL(account_set_pending_actions, R"sql(
UPDATE accounts SET required_actions = coalesce(string_to_array(nullif($2, ''), ','), '{}') WHERE id = $1
)sql");

// Registration (migrations/0005_registration.sql). Both unique constraints (one account per
// member, one account per identity) answer "no row".
GUICHET_SQL(account_create_registered, R"sql(
INSERT INTO accounts (member_id, identity_id, status, mobile_phone, landline_phone)
SELECT id, $2, 'pending_activation', $3, $4 FROM members WHERE nir_index = $1
ON CONFLICT DO NOTHING
RETURNING id
)sql");

GUICHET_SQL(account_activate, R"sql(
WITH activated AS (
    UPDATE accounts SET status = 'active' WHERE id = $1 AND status = 'pending_activation' RETURNING identity_id
)
UPDATE connect_identities SET validated = true, updated_at = now()
WHERE id = (SELECT identity_id FROM activated)
RETURNING id
)sql");

// The identifier switch (seed 002). The identity's row is locked first (account_switch_identity_lock),
// so that of two accounts racing for one identity the second waits, then sees the first's link in
// this statement's fresh snapshot and changes nothing, instead of failing on the unique constraint.
GUICHET_SQL(account_switch_identity_lock, R"sql(
SELECT id FROM connect_identities WHERE id = $1 FOR UPDATE
)sql");

GUICHET_SQL(account_switch_identity, R"sql(
UPDATE accounts
SET identity_id = $2, migrated_at = now(), password_is_temporary = false, temporary_password_expires_at = NULL
WHERE id = $1 AND identity_id IS NULL AND migrated_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM accounts other WHERE other.identity_id = $2)
RETURNING id
)sql");

GUICHET_SQL(account_credentials, R"sql(
SELECT a.id, m.nir_cipher, m.nir_index, a.identity_id, i.email AS identity_email,
       CASE WHEN a.identity_id IS NULL THEN a.nir_password_hash ELSE i.password_hash END AS password_hash,
       a.password_is_temporary, i.secret_answer_hash
FROM accounts a JOIN members m ON m.id = a.member_id LEFT JOIN connect_identities i ON i.id = a.identity_id
WHERE a.id = $1
)sql");

// The password lives on the identity once the account has one, on the account otherwise.
GUICHET_SQL(account_set_password, R"sql(
WITH account AS (
    UPDATE accounts
    SET nir_password_hash = CASE WHEN identity_id IS NULL THEN $2 ELSE nir_password_hash END,
        password_is_temporary = $3, temporary_password_expires_at = to_timestamp($4),
        pending_password_hash = NULL, pending_password_expires_at = NULL
    WHERE id = $1
    RETURNING identity_id
)
UPDATE connect_identities SET password_hash = $2, updated_at = now() WHERE id = (SELECT identity_id FROM account)
)sql");

// The account columns of account_profile and session_live_profile.
AccountOverview overview_from(const pqxx::row& row, const DataCipher& cipher) {
    const pqxx::binarystring sealed(row["nir_cipher"]), index(row["nir_index"]);
    const auto clear = cipher.decrypt(sealed.str(), index.str());
    if (!clear) throw std::runtime_error("member NIR does not decrypt");
    auto nir = Nir::parse(*clear);
    if (!nir) throw std::runtime_error("corrupt member NIR");
    AccountOverview overview{row["id"].as<AccountId>(), *nir, row["migrated"].as<bool>(), row["has_logged_in"].as<bool>(),
                             row["status"].as<std::string>()};
    if (!row["identity_email"].is_null()) overview.identity_email = row["identity_email"].as<std::string>();
    auto phone = [](const pqxx::field& f) -> std::optional<Phone> {
        if (f.is_null()) return std::nullopt;
        auto parsed = Phone::parse(f.as<std::string>());
        return parsed ? std::optional(*parsed) : std::nullopt;
    };
    overview.mobile_phone = phone(row["account_mobile"]);
    overview.landline_phone = phone(row["account_landline"]);
    if (!row["contact_email"].is_null()) overview.contact_email = row["contact_email"].as<std::string>();
    overview.fax = phone(row["account_fax"]);
    overview.email_verified = row["email_verified"].as<bool>();
    return overview;
}

}  // namespace

std::vector<RequiredAction> split_actions(const std::string& text) {
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

std::optional<std::string> registry_index(const NirBody& nir, const DataCipher& cipher) {
    const auto full = Nir::from_body_and_key(nir, std::to_string(nir.key()));
    if (!full) return std::nullopt;
    return cipher.blind_index(full->value());
}

std::optional<LegacyLogin> legacy_login_from(const pqxx::row& row) {
    if (row["id"].is_null()) return std::nullopt;
    LegacyLogin login{row["id"].as<AccountId>(), std::nullopt, row["password_is_temporary"].as<bool>(), std::nullopt,
                      row["migrated"].as<bool>()};
    if (!row["nir_password_hash"].is_null()) login.nir_password_hash = row["nir_password_hash"].as<std::string>();
    if (!row["temporary_password_expires_at"].is_null())
        login.temporary_password_expires_at = from_epoch(row["temporary_password_expires_at"].as<double>());
    if (!row["identity_password_hash"].is_null()) login.identity_password_hash = row["identity_password_hash"].as<std::string>();
    for (auto a : split_actions(row["pending_actions"].as<std::string>())) login.pending_actions.emplace_back(to_string(a));
    login.has_logged_in = row["has_logged_in"].as<bool>();
    if (!row["pending_password_hash"].is_null()) login.pending_password_hash = row["pending_password_hash"].as<std::string>();
    login.pending_password_expires_at = optional_time(row["pending_password_expires_at"]);
    return login;
}

AccountProfile profile_from(const pqxx::row& row, const DataCipher& cipher) {
    auto account = overview_from(row, cipher);
    auto member = member_from_row(row, account.nir);
    return AccountProfile{std::move(account), std::move(member)};
}

std::optional<AccountId> PgAccountRepository::create_legacy(const LegacyAccount& a) {
    const auto expires = a.temporary_password_expires_at ? std::optional(std::to_string(epoch(*a.temporary_password_expires_at)))
                                                         : std::nullopt;
    const auto result = tx_.exec_prepared(account_create_legacy.name, bytes(cipher_.blind_index(a.nir.value())),
                                          a.nir_password_hash ? a.nir_password_hash->c_str() : nullptr,
                                          a.password_is_temporary, expires ? expires->c_str() : nullptr, a.has_logged_in);
    if (result.empty()) return std::nullopt;
    return result[0]["id"].as<AccountId>();
}

std::optional<LegacyLogin> PgAccountRepository::find_legacy_login(const NirBody& nir) {
    const auto index = registry_index(nir, cipher_);
    if (!index) return std::nullopt;
    const auto r = tx_.exec_prepared(account_find_legacy_login.name, bytes(*index));
    return r.empty() ? std::nullopt : legacy_login_from(r[0]);
}

void PgAccountRepository::record_login(AccountId id, const std::optional<std::string>& rehashed) {
    writes_.account(id);
    tx_.exec_prepared(account_record_login.name, id, rehashed ? rehashed->c_str() : nullptr);
}

std::optional<AccountProfile> PgAccountRepository::profile(AccountId id) {
    const auto r = tx_.exec_prepared(account_profile.name, id);
    if (r.empty()) return std::nullopt;
    return profile_from(r[0], cipher_);
}

std::optional<AccountId> PgAccountRepository::create_registered(const RegisteredAccount& a) {
    const auto mobile = a.mobile_phone ? std::optional(a.mobile_phone->e164()) : std::nullopt;
    const auto landline = a.landline_phone ? std::optional(a.landline_phone->e164()) : std::nullopt;
    const auto r = tx_.exec_prepared(account_create_registered.name, bytes(cipher_.blind_index(a.nir.value())), a.identity,
                                     mobile ? mobile->c_str() : nullptr, landline ? landline->c_str() : nullptr);
    if (r.empty()) return std::nullopt;
    return r[0]["id"].as<AccountId>();
}

bool PgAccountRepository::activate(AccountId id) {
    writes_.account(id);
    return !tx_.exec_prepared(account_activate.name, id).empty();
}

std::optional<AccountCredentials> PgAccountRepository::credentials(AccountId id) {
    const auto r = tx_.exec_prepared(account_credentials.name, id);
    if (r.empty()) return std::nullopt;
    const auto row = r[0];
    const pqxx::binarystring sealed(row["nir_cipher"]), index(row["nir_index"]);
    const auto clear = cipher_.decrypt(sealed.str(), index.str());
    auto nir = clear ? Nir::parse(*clear) : Result<Nir>(fail(ErrorCode::invalid_nir));
    if (!nir) throw std::runtime_error("member NIR does not decrypt");
    AccountCredentials c{row["id"].as<AccountId>(), *nir};
    if (!row["identity_id"].is_null()) c.identity = row["identity_id"].as<IdentityId>();
    if (!row["identity_email"].is_null()) c.identity_email = row["identity_email"].as<std::string>();
    if (!row["password_hash"].is_null()) c.password_hash = row["password_hash"].as<std::string>();
    c.password_is_temporary = row["password_is_temporary"].as<bool>();
    if (!row["secret_answer_hash"].is_null()) c.secret_answer_hash = row["secret_answer_hash"].as<std::string>();
    return c;
}

void PgAccountRepository::set_pending_actions(AccountId id, const std::vector<std::string>& actions) {
    writes_.account(id);
    std::string joined;
    for (const auto& a : actions) joined += (joined.empty() ? "" : ",") + a;
    tx_.exec_prepared(account_set_pending_actions.name, id, joined);
}

void PgAccountRepository::set_contacts(AccountId id, const Email& email, const std::optional<Phone>& mobile,
                                       const std::optional<Phone>& landline, const std::optional<Phone>& fax) {
    writes_.account(id);
    auto e164 = [](const std::optional<Phone>& p) { return p ? std::optional(p->e164()) : std::nullopt; };
    const auto m = e164(mobile), l = e164(landline), f = e164(fax);
    tx_.exec_prepared(account_set_contacts.name, id, email.value(), m ? m->c_str() : nullptr, l ? l->c_str() : nullptr,
                      f ? f->c_str() : nullptr);
}

void PgAccountRepository::mark_email_verified(AccountId id) {
    writes_.account(id);
    tx_.exec_prepared(account_mark_email_verified.name, id);
}

void PgAccountRepository::set_password(AccountId id, const std::string& password_hash,
                                       std::optional<std::chrono::system_clock::time_point> temporary_until) {
    writes_.account(id);
    const auto until = temporary_until ? std::optional(std::to_string(epoch(*temporary_until))) : std::nullopt;
    tx_.exec_prepared(account_set_password.name, id, password_hash, temporary_until.has_value(),
                      until ? until->c_str() : nullptr);
}

void PgAccountRepository::set_pending_password(AccountId id, const std::string& password_hash,
                                               std::chrono::system_clock::time_point expires_at) {
    writes_.account(id);
    tx_.exec_prepared(account_set_pending_password.name, id, password_hash, epoch(expires_at));
}

void PgAccountRepository::promote_pending_password(AccountId id) {
    writes_.account(id);
    tx_.exec_prepared(account_promote_pending_password.name, id);
}

bool PgAccountRepository::switch_to_identity(AccountId id, IdentityId identity) {
    writes_.account(id);
    tx_.exec_prepared(account_switch_identity_lock.name, identity);
    return !tx_.exec_prepared(account_switch_identity.name, id, identity).empty();
}

}  // namespace guichet::infra
