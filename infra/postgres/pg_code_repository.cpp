#include "infra/postgres/pg_code_repository.hpp"

#include <sodium.h>

#include <pqxx/binarystring>
#include <pqxx/result>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

GUICHET_SQL(code_discard, R"sql(
DELETE FROM codes WHERE owner = $1 AND purpose = $2 AND used_at IS NULL
)sql");

GUICHET_SQL(code_issue, R"sql(
INSERT INTO codes (owner, purpose, code_hash, expires_at) VALUES ($1, $2, $3, to_timestamp($4))
)sql");

GUICHET_SQL(code_last_issued, R"sql(
SELECT extract(epoch FROM max(created_at))::float8 AS last_issued FROM codes WHERE owner = $1 AND purpose = $2
)sql");

GUICHET_SQL(code_count_try, R"sql(
UPDATE codes SET attempts = attempts + 1
WHERE owner = $1 AND purpose = $2 AND used_at IS NULL AND attempts < $3
RETURNING id, code_hash, extract(epoch FROM expires_at)::float8 AS expires_at, attempts
)sql");

GUICHET_SQL(code_live, R"sql(
SELECT 1 FROM codes WHERE owner = $1 AND purpose = $2 AND used_at IS NULL
)sql");

GUICHET_SQL(code_use, R"sql(
UPDATE codes SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id
)sql");

std::string hash_of(const DataCipher& cipher, const std::string& owner, const std::string& code) {
    return cipher.blind_index("code:" + owner + ":" + code);
}
}  // namespace

void PgCodeRepository::issue(CodePurpose purpose, const std::string& owner, const std::string& code,
                             std::chrono::system_clock::time_point expires_at) {
    const std::string kind(to_string(purpose));
    tx_.exec_prepared(code_discard.name, owner, kind);
    tx_.exec_prepared(code_issue.name, owner, kind, bytes(hash_of(cipher_, owner, code)), epoch(expires_at));
}

std::optional<std::chrono::system_clock::time_point> PgCodeRepository::last_issued(CodePurpose purpose, const std::string& owner) {
    const auto r = tx_.exec_prepared(code_last_issued.name, owner, std::string(to_string(purpose)));
    return optional_time(r[0]["last_issued"]);
}

CodeCheck PgCodeRepository::check(CodePurpose purpose, const std::string& owner, const std::string& code,
                                  std::chrono::system_clock::time_point now, int max_attempts) {
    const std::string kind(to_string(purpose));
    const auto counted = tx_.exec_prepared(code_count_try.name, owner, kind, max_attempts);
    if (counted.empty()) {
        const bool live = !tx_.exec_prepared(code_live.name, owner, kind).empty();
        return {live ? CodeOutcome::exhausted : CodeOutcome::none};
    }
    const auto row = counted[0];
    if (from_epoch(row["expires_at"].as<double>()) <= now) return {CodeOutcome::expired};
    const pqxx::binarystring stored(row["code_hash"]);
    const auto presented = hash_of(cipher_, owner, code);
    const bool same = stored.size() == presented.size() &&
                      sodium_memcmp(stored.data(), presented.data(), presented.size()) == 0;
    if (same && !tx_.exec_prepared(code_use.name, row["id"].as<std::int64_t>()).empty()) return {CodeOutcome::valid};
    const int left = max_attempts - row["attempts"].as<int>();
    return {left > 0 ? CodeOutcome::invalid : CodeOutcome::exhausted, left};
}

}  // namespace guichet::infra
