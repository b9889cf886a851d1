#include "infra/postgres/pg_login_throttle.hpp"

#include <pqxx/result>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/pg_account_repository.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

// Counted in one statement, so N parallel attempts see N distinct counts. $2 caps the count two
// above the maximum: a locked identifier stays "over the limit" without growing, and the first
// refused attempt (maximum + 1) can be told from the later ones.
GUICHET_SQL(throttle_count_attempt, R"sql(
INSERT INTO login_throttle (identifier_key, failures) VALUES ($1, 1)
ON CONFLICT (identifier_key) DO UPDATE SET failures = LEAST(login_throttle.failures + 1, $2), updated_at = now()
RETURNING failures
)sql");

// A NIR login's first round trip: the attempt counted as by throttle_count_attempt, and the
// account behind the NIR ($3, the registry's index) read as by account_find_legacy_login: the
// count first, then the same columns of the view, NULL when no account has that NIR.
GUICHET_SQL(throttle_count_attempt_and_find, R"sql(
WITH counted AS (
    INSERT INTO login_throttle (identifier_key, failures) VALUES ($1, 1)
    ON CONFLICT (identifier_key) DO UPDATE SET failures = LEAST(login_throttle.failures + 1, $2), updated_at = now()
    RETURNING failures
)
SELECT counted.failures, l.id, l.nir_password_hash, l.password_is_temporary, l.temporary_password_expires_at, l.migrated,
       l.identity_password_hash, l.pending_actions, l.has_logged_in, l.pending_password_hash, l.pending_password_expires_at
FROM counted LEFT JOIN legacy_logins l ON l.nir_index = $3
)sql");

GUICHET_SQL(throttle_clear, R"sql(
UPDATE login_throttle SET failures = 0, updated_at = now() WHERE identifier_key = $1
)sql");

GUICHET_SQL(throttle_set_failures, R"sql(
INSERT INTO login_throttle (identifier_key, failures) VALUES ($1, $2)
ON CONFLICT (identifier_key) DO UPDATE SET failures = EXCLUDED.failures, updated_at = now()
)sql");

GUICHET_SQL(throttle_failures, R"sql(
SELECT failures FROM login_throttle WHERE identifier_key = $1
)sql");

}  // namespace

std::string PgLoginThrottle::index(const IdentifierKey& key) const { return cipher_.blind_index("login:" + key.normalised); }

int PgLoginThrottle::count_attempt(const IdentifierKey& key) {
    return tx_.exec_prepared1(throttle_count_attempt.name, bytes(index(key)), policy_.count_cap())["failures"].as<int>();
}

CountedLogin PgLoginThrottle::count_attempt_and_find(const IdentifierKey& key, const NirBody& nir) {
    // A body whose full NIR cannot be formed has no account: the attempt is counted all the same.
    const auto nir_index = registry_index(nir, cipher_);
    if (!nir_index) return {count_attempt(key), std::nullopt};
    const auto row = tx_.exec_prepared1(throttle_count_attempt_and_find.name, bytes(index(key)), policy_.count_cap(), bytes(*nir_index));
    return {row["failures"].as<int>(), legacy_login_from(row)};
}

void PgLoginThrottle::clear_after_success(const IdentifierKey& key) {
    tx_.exec_prepared(throttle_clear.name, bytes(index(key)));
}

void PgLoginThrottle::set_locked(const IdentifierKey& key, bool locked) {
    tx_.exec_prepared(throttle_set_failures.name, bytes(index(key)), locked ? policy_.max_failures : 0);
}

bool PgLoginThrottle::is_locked(const IdentifierKey& key) {
    const auto result = tx_.exec_prepared(throttle_failures.name, bytes(index(key)));
    return !result.empty() && result[0]["failures"].as<int>() >= policy_.max_failures;
}

}  // namespace guichet::infra
