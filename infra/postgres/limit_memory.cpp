#include "infra/postgres/limit_memory.hpp"

#include <algorithm>

namespace guichet::infra {

void LimitMemory::make_room(LimitClock::time_point now) {
    if (entries_.size() < capacity_) return;
    std::erase_if(entries_, [now](const auto& e) { return e.second.until <= now; });
    if (entries_.size() >= capacity_) entries_.clear();  // forgetting only costs round trips
}

void LimitMemory::remember_refusal(const std::string& key, LimitClock::time_point now, LimitClock::time_point until, const LimitDecision& refused) {
    std::lock_guard lock(mutex_);
    make_room(now);
    entries_[key] = Entry{until, refused, true, 0};
}

std::optional<LimitDecision> LimitMemory::refusal(const std::string& key, LimitClock::time_point now) const {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || !it->second.refused || it->second.until <= now) return std::nullopt;
    auto d = it->second.decision;
    d.retry_after = std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(it->second.until - now));
    return d;
}

void LimitMemory::add_lease(const std::string& key, LimitClock::time_point now, int events, LimitClock::time_point until, const LimitDecision& taken) {
    std::lock_guard lock(mutex_);
    make_room(now);
    // Requests that found the lease spent at once each took one: they add up, none is lost.
    auto& entry = entries_[key];
    if (!entry.refused && entry.leased > 0 && entry.until > now) {
        entry.leased += events;
        entry.until = std::max(entry.until, until);
        entry.decision = taken;
        return;
    }
    entry = Entry{until, taken, false, events};
}

std::optional<LimitDecision> LimitMemory::spend_lease(const std::string& key, LimitClock::time_point now) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.refused || it->second.leased == 0 || it->second.until <= now) return std::nullopt;
    --it->second.leased;
    return it->second.decision;
}

}  // namespace guichet::infra
