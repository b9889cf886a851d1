#pragma once
#include <pqxx/row>
#include <pqxx/transaction_base>

#include "domain/accounts/account_repository.hpp"
#include "domain/sessions/session.hpp"
#include "infra/crypto/data_cipher.hpp"
#include "infra/postgres/session_cache.hpp"

namespace guichet::infra {

class PgAccountRepository final : public AccountRepository {
public:
    // `writes` hears of every change to an account, for the session cache.
    PgAccountRepository(pqxx::transaction_base& tx, const DataCipher& cipher, CacheWrites& writes)
        : tx_(tx), cipher_(cipher), writes_(writes) {}
    std::optional<AccountId> create_legacy(const LegacyAccount& account) override;
    std::optional<LegacyLogin> find_legacy_login(const NirBody& nir) override;
    void record_login(AccountId id, const std::optional<std::string>& rehashed) override;
    std::optional<AccountProfile> profile(AccountId id) override;
    std::optional<AccountId> create_registered(const RegisteredAccount& account) override;
    bool activate(AccountId id) override;
    std::optional<AccountCredentials> credentials(AccountId id) override;
    void set_pending_actions(AccountId id, const std::vector<std::string>& actions) override;
    void set_contacts(AccountId id, const Email& email, const std::optional<Phone>& mobile, const std::optional<Phone>& landline,
                      const std::optional<Phone>& fax) override;
    void mark_email_verified(AccountId id) override;
    void set_pending_password(AccountId id, const std::string& password_hash, std::chrono::system_clock::time_point expires_at) override;
    void promote_pending_password(AccountId id) override;
    void set_password(AccountId id, const std::string& password_hash,
                      std::optional<std::chrono::system_clock::time_point> temporary_until) override;
    bool switch_to_identity(AccountId id, IdentityId identity) override;

private:
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
    CacheWrites& writes_;
};

// Account rows, read the same way by the session and login throttle adapters.

// The registry's index of the member behind `nir` (the registry indexes full NIRs: the body's
// key is implied); nullopt when no full NIR can be formed.
std::optional<std::string> registry_index(const NirBody& nir, const DataCipher& cipher);

// A row holding the columns of account_find_legacy_login (by name); a NULL id: no account.
std::optional<LegacyLogin> legacy_login_from(const pqxx::row& row);

// A row holding the columns of account_profile (by name): the account's, then the member's
// (member_from_row).
AccountProfile profile_from(const pqxx::row& row, const DataCipher& cipher);

// Required actions stored as comma-separated text (array_to_string); unknown ones are skipped.
std::vector<RequiredAction> split_actions(const std::string& text);

}  // namespace guichet::infra
