#include "infra/postgres/pg_identity_repository.hpp"

#include <pqxx/result>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

GUICHET_SQL(identity_find_by_email, R"sql(
SELECT i.id, i.email, i.password_hash, i.validated, a.id, a.status, i.secret_answer_hash
FROM connect_identities i LEFT JOIN accounts a ON a.identity_id = i.id
WHERE i.email = $1
)sql");

GUICHET_SQL(identity_find, R"sql(
SELECT i.id, i.email, i.password_hash, i.validated, a.id, a.status, i.secret_answer_hash
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
    ConnectIdentity identity{r[0][0].as<IdentityId>(), r[0][1].as<std::string>(), std::nullopt, r[0][3].as<bool>(), std::nullopt, ""};
    if (!r[0][2].is_null()) identity.password_hash = r[0][2].as<std::string>();
    if (!r[0][4].is_null()) {
        identity.account_id = r[0][4].as<AccountId>();
        identity.account_status = r[0][5].as<std::string>();
    }
    if (!r[0][6].is_null()) identity.secret_answer_hash = r[0][6].as<std::string>();
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
    return r[0][0].as<IdentityId>();
}

void PgIdentityRepository::set_password_hash(IdentityId id, const std::string& password_hash) {
    tx_.exec_prepared(identity_set_password.name, id, password_hash);
}

void PgIdentityRepository::mark_validated(IdentityId id) { tx_.exec_prepared(identity_mark_validated.name, id); }

}  // namespace guichet::infra
