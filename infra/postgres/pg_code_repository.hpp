#pragma once
// PostgreSQL adapter of the one-time code port: codes stored as keyed hashes ("code:" + owner +
// ":" + code), tries counted by an UPDATE that row-locks the code, so parallel tries queue and at
// most the limit are ever compared.
#include <pqxx/transaction_base>

#include "domain/codes/codes.hpp"
#include "infra/crypto/data_cipher.hpp"

namespace guichet::infra {

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
