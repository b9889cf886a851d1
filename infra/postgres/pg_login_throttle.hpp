#pragma once
#include <pqxx/transaction_base>

#include "domain/lockout/login_throttle.hpp"
#include "domain/unit_of_work.hpp"
#include "infra/crypto/data_cipher.hpp"

namespace guichet::infra {

// Identifiers are stored as a keyed blind index ("login:" + identifier), never in clear.
class PgLoginThrottle final : public LoginThrottle {
public:
    PgLoginThrottle(pqxx::transaction_base& tx, const DataCipher& cipher, LockoutPolicy policy)
        : tx_(tx), cipher_(cipher), policy_(policy) {}
    int count_attempt(const IdentifierKey& key) override;
    void clear_after_success(const IdentifierKey& key) override;
    void set_locked(const IdentifierKey& key, bool locked) override;
    bool is_locked(const IdentifierKey& key) override;
    // count_attempt and AccountRepository::find_legacy_login in one statement:
    // Transaction::count_attempt_and_find.
    CountedLogin count_attempt_and_find(const IdentifierKey& key, const NirBody& nir);
    std::string index(const IdentifierKey& key) const;

private:
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
    LockoutPolicy policy_;
};

}  // namespace guichet::infra
