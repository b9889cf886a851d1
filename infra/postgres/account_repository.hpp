#pragma once
#include <pqxx/transaction_base>

#include "domain/accounts/account_repository.hpp"
#include "domain/lockout/login_throttle.hpp"
#include "infra/crypto/data_cipher.hpp"

namespace guichet::infra {

class PgAccountRepository final : public AccountRepository {
public:
    PgAccountRepository(pqxx::transaction_base& tx, const DataCipher& cipher) : tx_(tx), cipher_(cipher) {}
    std::optional<AccountId> create_legacy(const LegacyAccount& account) override;

private:
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
};

// Identifiers are stored as a keyed blind index ("login:" + identifier), never in clear.
class PgLoginThrottle final : public LoginThrottle {
public:
    PgLoginThrottle(pqxx::transaction_base& tx, const DataCipher& cipher, LockoutPolicy policy)
        : tx_(tx), cipher_(cipher), policy_(policy) {}
    int count_attempt(const IdentifierKey& key) override;
    void clear_unless_locked(const IdentifierKey& key) override;
    void set_locked(const IdentifierKey& key, bool locked) override;
    bool is_locked(const IdentifierKey& key) override;

private:
    std::string index(const IdentifierKey& key) const;
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
    LockoutPolicy policy_;
};

}  // namespace guichet::infra
