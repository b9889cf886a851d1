#pragma once
// PostgreSQL adapter of the single-use link token port (migrations/0005_registration.sql).
#include <pqxx/transaction_base>

#include "domain/links/link_tokens.hpp"
#include "infra/crypto/data_cipher.hpp"

namespace guichet::infra {

// Tokens are stored as a keyed hash ("link:" + token).
class PgLinkTokenRepository final : public LinkTokenRepository {
public:
    PgLinkTokenRepository(pqxx::transaction_base& tx, const DataCipher& cipher) : tx_(tx), cipher_(cipher) {}
    void issue(LinkPurpose purpose, const std::string& token, const LinkSubject& subject,
               std::chrono::system_clock::time_point expires_at) override;
    LinkUse consume(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) override;
    LinkUse peek(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) override;
    int count_attempt(LinkPurpose purpose, const std::string& token) override;
    bool issued_since(LinkPurpose purpose, const LinkSubject& subject, std::chrono::system_clock::time_point since) override;

private:
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
};

}  // namespace guichet::infra
