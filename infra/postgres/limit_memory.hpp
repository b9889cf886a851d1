#pragma once
// What one process remembers of the limits it took from PostgreSQL (pg_limits.cpp), so that it
// can answer without a database round trip when the answer cannot be wrong:
// - a refusal, until the time the database would allow the next event: takes only ever push a
//   key's TAT later, so nothing another process does can make an event allowed sooner. A flood
//   from one address is then answered on the HTTP event loop (api/http/server.cpp).
// - a lease: events a policy with `lease` > 1 took from the database at once and spends here.
//   Events are taken before they are spent, so a limit is never exceeded across processes; each
//   is spent within its lease's life (pg_limits.cpp), so at most that late after it was counted.
// Bounded: past `capacity` keys, expired entries are dropped, then everything.
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "domain/limits/limits.hpp"

namespace guichet::infra {

class LimitMemory {
public:
    explicit LimitMemory(std::size_t capacity = 100000) : capacity_(capacity) {}
    void remember_refusal(const std::string& key, LimitClock::time_point now, LimitClock::time_point until, const LimitDecision& refused);
    // The remembered refusal, its Retry-After counted from now.
    std::optional<LimitDecision> refusal(const std::string& key, LimitClock::time_point now) const;
    void add_lease(const std::string& key, LimitClock::time_point now, int events, LimitClock::time_point until, const LimitDecision& taken);
    // One event of a live lease, or nothing.
    std::optional<LimitDecision> spend_lease(const std::string& key, LimitClock::time_point now);

private:
    struct Entry {
        LimitClock::time_point until;
        LimitDecision decision;
        bool refused = false;
        int leased = 0;  // events left to spend, for a lease
    };
    void make_room(LimitClock::time_point now);
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace guichet::infra
