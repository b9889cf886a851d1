#pragma once
#include <pqxx/transaction_base>

#include "domain/accounts/account_repository.hpp"
#include "domain/lockout/login_throttle.hpp"
#include "domain/sessions/session.hpp"
#include "domain/unit_of_work.hpp"
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
    void set_password(AccountId id, const std::string& password_hash,
                      std::optional<std::chrono::system_clock::time_point> temporary_until) override;
    bool switch_to_identity(AccountId id, IdentityId identity) override;

private:
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
    CacheWrites& writes_;
};

// Refresh tokens are stored as a keyed hash ("refresh:" + token). With a `cache` (reads outside a
// transaction only), find_active and live_profile are served from it when it has them.
class PgSessionRepository final : public SessionRepository {
public:
    PgSessionRepository(pqxx::transaction_base& tx, const DataCipher& cipher, SessionCache* cache, CacheWrites& writes)
        : tx_(tx), cipher_(cipher), cache_(cache), writes_(writes) {}
    void create(const SessionInfo& session, const std::string& refresh_token) override;
    // The same, clearing in the same statement the login throttle's row of `clear_index`
    // (PgLoginThrottle::index) when given: Transaction::create_session.
    void create(const SessionInfo& session, const std::string& refresh_token, const std::optional<std::string>& clear_index);
    Rotation rotate(const std::string& presented, const std::string& replacement,
                    std::chrono::system_clock::time_point now) override;
    std::optional<SessionInfo> find_active(const std::string& id, std::chrono::system_clock::time_point now) override;
    bool revoke(const std::string& id, AccountId account_id) override;
    std::vector<SessionInfo> list_active(AccountId account_id, std::chrono::system_clock::time_point now) override;
    std::optional<AccountProfile> live_profile(const std::string& id, AccountId account_id,
                                               std::chrono::system_clock::time_point now) override;
    void set_required_actions(const std::string& id, const std::vector<RequiredAction>& actions) override;
    int revoke_all(AccountId account_id, const std::string& keep) override;
    void drop_required_actions(AccountId account_id, const std::vector<RequiredAction>& done) override;

private:
    std::optional<SessionInfo> read_active(const std::string& id, std::chrono::system_clock::time_point now);
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
    SessionCache* cache_;
    CacheWrites& writes_;
};

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
