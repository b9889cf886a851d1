#include "infra/postgres/pg_identity_repository.hpp"

#include <pqxx/result>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

GUICHET_SQL(identity_find_by_email, R"sql(
SELECT i.id, i.email, i.password_hash, i.validated, a.id AS account_id, a.status AS account_status, i.secret_answer_hash
FROM connect_identities i LEFT JOIN accounts a ON a.identity_id = i.id
WHERE i.email = $1
)sql");

GUICHET_SQL(identity_find, R"sql(
SELECT i.id, i.email, i.password_hash, i.validated, a.id AS account_id, a.status AS account_status, i.secret_answer_hash
FROM connect_identities i LEFT JOIN accounts a ON a.identity_id = i.id
WHERE i.id = $1
)sql");

// ON CONFLICT: the email is already an identity; no row comes back.
GUICHET_SQL(identity_create, R"sql(
INSERT INTO connect_identities (email, password_hash, secret_question, secret_answer_hash, validated)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (email) DO NOTHING
RETURNING id
)sql");

GUICHET_SQL(identity_set_password, R"sql(
UPDATE connect_identities SET password_hash = $2, updated_at = now() WHERE id = $1
)sql");

GUICHET_SQL(identity_mark_validated, R"sql(
UPDATE connect_identities SET validated = true, updated_at = now() WHERE id = $1
)sql");


std::optional<ConnectIdentity> identity_from(const pqxx::result& r) {
    if (r.empty()) return std::nullopt;
    const auto row = r[0];
    ConnectIdentity identity{row["id"].as<IdentityId>(), row["email"].as<std::string>(), std::nullopt, row["validated"].as<bool>(),
                             std::nullopt, ""};
    if (!row["password_hash"].is_null()) identity.password_hash = row["password_hash"].as<std::string>();
    if (!row["account_id"].is_null()) {
        identity.account_id = row["account_id"].as<AccountId>();
        identity.account_status = row["account_status"].as<std::string>();
    }
    if (!row["secret_answer_hash"].is_null()) identity.secret_answer_hash = row["secret_answer_hash"].as<std::string>();
    return identity;
}

}  // namespace

std::optional<ConnectIdentity> PgIdentityRepository::find_by_email(const Email& email) {
    return identity_from(tx_.exec_prepared(identity_find_by_email.name, email.lookup_key()));
}

std::optional<ConnectIdentity> PgIdentityRepository::find(IdentityId id) {
    return identity_from(tx_.exec_prepared(identity_find.name, id));
}

std::optional<IdentityId> PgIdentityRepository::create(const NewIdentity& i) {
    // An identity imported from another site may have no secret question yet: NULL, not ''.
    const auto r = tx_.exec_prepared(identity_create.name, i.email.lookup_key(), i.password_hash,
                                     i.secret_question.empty() ? nullptr : i.secret_question.c_str(),
                                     i.secret_answer_hash.empty() ? nullptr : i.secret_answer_hash.c_str(), i.validated);
    if (r.empty()) return std::nullopt;
    return r[0]["id"].as<IdentityId>();
}

void PgIdentityRepository::set_password_hash(IdentityId id, const std::string& password_hash) {
    tx_.exec_prepared(identity_set_password.name, id, password_hash);
}

void PgIdentityRepository::mark_validated(IdentityId id) { tx_.exec_prepared(identity_mark_validated.name, id); }

}  // namespace guichet::infra
