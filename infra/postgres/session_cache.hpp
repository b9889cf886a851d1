#pragma once
// An in-process copy of live sessions and the profiles behind them, so that checking a bearer
// token and answering GET /v1/me cost no database round trip (issue 4: /v1/me at half the
// speed of a bare route). It must never keep a revoked session alive, so:
//  - it serves only reads made outside a transaction (UnitOfWork::autocommit); a transaction
//    always reads the database;
//  - PostgreSQL triggers (migrations/0008) NOTIFY every change to sessions, accounts, members
//    and Connect identities; a listener thread (CacheInvalidation) evicts the account named, in
//    this process and in every other `guichet serve` on the same database;
//  - the cache only serves while that listener is connected and listening: when its connection
//    breaks, the cache is emptied and turned off until it listens again;
//  - the writes of this process evict their accounts as soon as they commit (CacheWrites), so a
//    caller sees its own logout or contact change at once, without waiting for the notification;
//  - a read that raced with an eviction is not stored (the epoch), and every entry dies after
//    `ttl` whatever happens (default 5 s), which bounds the damage of a change made with triggers
//    disabled.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "domain/accounts/account_repository.hpp"
#include "domain/events/security_events.hpp"
#include "domain/sessions/session.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet::infra {

class SessionCache {
public:
    struct Entry {
        AccountId account_id{};
        std::chrono::system_clock::time_point expires_at{};  // the session's: the reader checks it
        std::optional<SessionInfo> session{};                // as find_active reads it
        std::optional<LiveProfile> profile{};                // as live_profile reads it
    };

    explicit SessionCache(std::size_t capacity = 20000, std::chrono::milliseconds ttl = std::chrono::seconds(5))
        : capacity_(capacity), ttl_(ttl) {}

    // Taken before a database read; store() drops the result if anything was evicted since.
    std::uint64_t epoch() const;
    std::optional<Entry> find(const std::string& session_id) const;
    // What find_active and live_profile would read, when held and still live at `now`.
    std::optional<SessionInfo> live_session(const std::string& session_id, std::chrono::system_clock::time_point now) const;
    std::optional<LiveProfile> live_profile(const std::string& session_id, AccountId account,
                                            std::chrono::system_clock::time_point now) const;
    // Merges what was read into the session's entry, unless evictions happened since `epoch`
    // or the cache is off.
    void store(std::uint64_t epoch, const std::string& session_id, const Entry& read);

    void forget_account(AccountId account);
    void clear();
    // Off: empty, serves nothing, stores nothing (the listener is not listening).
    void set_enabled(bool enabled);
    bool enabled() const;
    // Reads of live sessions and profiles served from memory, and those that went to the database.
    std::uint64_t hits() const { return hits_; }
    std::uint64_t misses() const { return misses_; }
    std::size_t size() const;

private:
    struct Stored {
        Entry entry;
        std::chrono::steady_clock::time_point stored_at;
    };
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Stored> entries_;
    std::uint64_t epoch_ = 0;
    bool enabled_ = false;
    mutable std::atomic<std::uint64_t> hits_{0}, misses_{0};
    std::size_t capacity_;
    std::chrono::milliseconds ttl_;
};

// The SessionRepository of work run where it must not wait (domain/unit_of_work.hpp NoWaiting):
// live sessions and profiles from the cache, WouldWait for everything else.
class CachedSessionReads final : public SessionRepository {
public:
    explicit CachedSessionReads(const SessionCache* cache) : cache_(cache) {}
    std::optional<SessionInfo> find_active(const std::string& id, std::chrono::system_clock::time_point now) override;
    std::optional<LiveProfile> live_profile(const std::string& id, AccountId account_id,
                                               std::chrono::system_clock::time_point now) override;
    void create(const SessionInfo&, const std::string&) override { throw WouldWait(); }
    Rotation rotate(const std::string&, const std::string&, std::chrono::system_clock::time_point) override { throw WouldWait(); }
    bool revoke(const std::string&, AccountId) override { throw WouldWait(); }
    std::vector<SessionInfo> list_active(AccountId, std::chrono::system_clock::time_point) override { throw WouldWait(); }
    void set_required_actions(const std::string&, const std::vector<RequiredAction>&) override { throw WouldWait(); }
    int revoke_all(AccountId, const std::string&) override { throw WouldWait(); }
    void drop_required_actions(AccountId, const std::vector<RequiredAction>&) override { throw WouldWait(); }

private:
    const SessionCache* cache_;
};

// What a unit of work wrote that the cache may hold; evicted when (and only if) it commits.
// What a unit of work wrote that matters once it commits: the accounts whose cached sessions
// it evicts, and the security events it recorded (SecurityEventCounters).
struct CacheWrites {
    std::vector<AccountId> accounts;
    std::vector<SecurityEventKind> events;
    void account(AccountId id) { accounts.push_back(id); }
};

// The listener: its own connection, LISTEN guichet_cache, evicts what each notification names
// ("a:<account id>", or "*" for all). Reconnects every second while the database is away, with
// the cache off meanwhile.
class CacheInvalidation {
public:
    // `on_change` hears "listening" and "stopped listening: <why>" (the composition root logs them).
    using Observer = std::function<void(const std::string&)>;
    CacheInvalidation(std::string database_url, SessionCache& cache, Observer on_change = {});
    ~CacheInvalidation();
    CacheInvalidation(const CacheInvalidation&) = delete;
    CacheInvalidation& operator=(const CacheInvalidation&) = delete;
    // Waits up to `timeout` for the first LISTEN, so a server starts with its cache on.
    bool wait_listening(std::chrono::milliseconds timeout);

private:
    void loop();
    std::string url_;
    SessionCache& cache_;
    Observer on_change_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable changed_;
    bool listening_ = false;
    std::thread thread_;
};

inline constexpr const char* kCacheChannel = "guichet_cache";

}  // namespace guichet::infra
