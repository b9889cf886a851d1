#pragma once
// PostgreSQL adapter of the one-time code port: codes stored as keyed hashes ("code:" + owner +
// ":" + code), tries counted by an UPDATE that row-locks the code, so parallel tries queue and at
// most the limit are ever compared.
#include <pqxx/transaction_base>

#include "domain/codes/codes.hpp"
#include "infra/crypto/data_cipher.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace code_sql {

inline constexpr Statement discard{"code_discard", R"sql(
DELETE FROM codes WHERE owner = $1 AND purpose = $2 AND used_at IS NULL
)sql"};

inline constexpr Statement issue{"code_issue", R"sql(
INSERT INTO codes (owner, purpose, code_hash, expires_at) VALUES ($1, $2, $3, to_timestamp($4))
)sql"};

inline constexpr Statement last_issued{"code_last_issued", R"sql(
SELECT extract(epoch FROM max(created_at))::float8 FROM codes WHERE owner = $1 AND purpose = $2
)sql"};

inline constexpr Statement count_try{"code_count_try", R"sql(
UPDATE codes SET attempts = attempts + 1
WHERE owner = $1 AND purpose = $2 AND used_at IS NULL AND attempts < $3
RETURNING id, code_hash, extract(epoch FROM expires_at)::float8, attempts
)sql"};

inline constexpr Statement live{"code_live", R"sql(
SELECT 1 FROM codes WHERE owner = $1 AND purpose = $2 AND used_at IS NULL
)sql"};

inline constexpr Statement use{"code_use", R"sql(
UPDATE codes SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id
)sql"};

}  // namespace code_sql

class PgCodeRepository final : public CodeRepository {
public:
    PgCodeRepository(pqxx::transaction_base& tx, const DataCipher& cipher) : tx_(tx), cipher_(cipher) {}
    void issue(CodePurpose purpose, const std::string& owner, const std::string& code,
               std::chrono::system_clock::time_point expires_at) override;
    std::optional<std::chrono::system_clock::time_point> last_issued(CodePurpose purpose, const std::string& owner) override;
    CodeCheck check(CodePurpose purpose, const std::string& owner, const std::string& code,
                    std::chrono::system_clock::time_point now, int max_attempts) override;

private:
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
};

}  // namespace guichet::infra
