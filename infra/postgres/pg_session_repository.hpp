#pragma once
#include <pqxx/transaction_base>

#include "domain/sessions/session.hpp"
#include "infra/crypto/data_cipher.hpp"
#include "infra/postgres/session_cache.hpp"

namespace guichet::infra {

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
    std::optional<LiveProfile> live_profile(const std::string& id, AccountId account_id,
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

}  // namespace guichet::infra
