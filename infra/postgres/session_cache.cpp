#include "infra/postgres/session_cache.hpp"

#include <pqxx/connection>
#include <pqxx/notification>

namespace guichet::infra {

std::uint64_t SessionCache::epoch() const {
    std::lock_guard lock(mutex_);
    return epoch_;
}

std::optional<SessionCache::Entry> SessionCache::find(const std::string& session_id) const {
    std::lock_guard lock(mutex_);
    if (!enabled_) return std::nullopt;
    const auto it = entries_.find(session_id);
    if (it == entries_.end() || std::chrono::steady_clock::now() - it->second.stored_at >= ttl_) return std::nullopt;
    return it->second.entry;
}

std::optional<SessionInfo> SessionCache::live_session(const std::string& session_id, std::chrono::system_clock::time_point now) const {
    auto hit = find(session_id);
    if (!hit || !hit->session || hit->expires_at <= now) {
        ++misses_;
        return std::nullopt;
    }
    ++hits_;
    return std::move(hit->session);
}

std::optional<LiveProfile> SessionCache::live_profile(const std::string& session_id, AccountId account,
                                                         std::chrono::system_clock::time_point now) const {
    auto hit = find(session_id);
    if (!hit || !hit->profile || hit->account_id != account || hit->expires_at <= now) {
        ++misses_;
        return std::nullopt;
    }
    ++hits_;
    return std::move(hit->profile);
}

std::optional<SessionInfo> CachedSessionReads::find_active(const std::string& id, std::chrono::system_clock::time_point now) {
    if (auto session = cache_ ? cache_->live_session(id, now) : std::nullopt) return session;
    throw WouldWait();
}

std::optional<LiveProfile> CachedSessionReads::live_profile(const std::string& id, AccountId account_id,
                                                               std::chrono::system_clock::time_point now) {
    if (auto profile = cache_ ? cache_->live_profile(id, account_id, now) : std::nullopt) return profile;
    throw WouldWait();
}

void SessionCache::store(std::uint64_t epoch, const std::string& session_id, const Entry& read) {
    std::lock_guard lock(mutex_);
    if (!enabled_ || epoch != epoch_) return;
    const auto now = std::chrono::steady_clock::now();
    auto it = entries_.find(session_id);
    if (it != entries_.end() && (it->second.entry.account_id != read.account_id || now - it->second.stored_at >= ttl_)) {
        entries_.erase(it);
        it = entries_.end();
    }
    if (it == entries_.end()) {
        if (entries_.size() >= capacity_) entries_.erase(entries_.begin());  // any one: the cache only saves time
        entries_.emplace(session_id, Stored{read, now});
        return;
    }
    // Both parts were read after the same epoch, so they may sit together; the entry lives as long
    // as its oldest part.
    if (read.session) it->second.entry.session = read.session;
    if (read.profile) it->second.entry.profile = read.profile;
}

void SessionCache::forget_account(AccountId account) {
    std::lock_guard lock(mutex_);
    ++epoch_;
    std::erase_if(entries_, [account](const auto& item) { return item.second.entry.account_id == account; });
}

void SessionCache::clear() {
    std::lock_guard lock(mutex_);
    ++epoch_;
    entries_.clear();
}

void SessionCache::set_enabled(bool enabled) {
    std::lock_guard lock(mutex_);
    ++epoch_;
    entries_.clear();
    enabled_ = enabled;
}

bool SessionCache::enabled() const {
    std::lock_guard lock(mutex_);
    return enabled_;
}

std::size_t SessionCache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

namespace {

class Evictor final : public pqxx::notification_receiver {
public:
    Evictor(pqxx::connection_base& conn, SessionCache& cache) : pqxx::notification_receiver(conn, kCacheChannel), cache_(cache) {}
    void operator()(const std::string& payload, int) override {
        if (payload.rfind("a:", 0) == 0) {
            try {
                cache_.forget_account(std::stoll(payload.substr(2)));
                return;
            } catch (const std::exception&) {
                // not an account id: fall through and forget everything
            }
        }
        cache_.clear();
    }

private:
    SessionCache& cache_;
};

}  // namespace

CacheInvalidation::CacheInvalidation(std::string database_url, SessionCache& cache, Observer on_change)
    : url_(std::move(database_url)), cache_(cache), on_change_(std::move(on_change)) {
    thread_ = std::thread([this] { loop(); });
}

CacheInvalidation::~CacheInvalidation() {
    stopping_ = true;
    changed_.notify_all();
    thread_.join();
    cache_.set_enabled(false);
}

bool CacheInvalidation::wait_listening(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return listening_; });
}

void CacheInvalidation::loop() {
    auto set_listening = [this](bool listening) {
        {
            std::lock_guard lock(mutex_);
            listening_ = listening;
        }
        changed_.notify_all();
    };
    while (!stopping_) {
        try {
            pqxx::connection conn(url_);
            Evictor evictor(conn, cache_);  // issues LISTEN at once: we are outside any transaction
            const int backend = conn.backendpid();
            cache_.set_enabled(true);
            set_listening(true);
            if (on_change_) on_change_("listening");
            while (!stopping_) {
                conn.await_notification(0, 200 * 1000);  // wakes to see `stopping_`
                // libpqxx may reopen a closed connection by itself and LISTEN again: whatever was
                // said in between is lost, so a new backend counts as a break.
                if (!conn.is_open() || conn.backendpid() != backend) throw std::runtime_error("listener connection was reset");
            }
        } catch (const std::exception& e) {
            // Whatever was missed while not listening may be stale: serve nothing until we listen again.
            cache_.set_enabled(false);
            const bool was_listening = [this] {
                std::lock_guard lock(mutex_);
                return listening_;
            }();
            set_listening(false);
            if (was_listening && on_change_) on_change_(std::string("stopped listening: ") + e.what());
            std::unique_lock lock(mutex_);
            changed_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
        }
    }
    cache_.set_enabled(false);
}

}  // namespace guichet::infra
