#pragma once
// Limits (SPEC.md §2 and §8): at most `quota` events in any `window`, per key (a client address,
// a session, a NIR, a destination, an account). One component for all of them, behind one port,
// so every route and step that needs a limit uses the same rule and the same answer.
//
// Two rules, one per kind of limit:
// - a rate (request rates: per address, per session) is GCRA, the generic cell rate algorithm: a
//   key holds one timestamp, its theoretical arrival time (TAT). Each event pushes it
//   `window / quota` later; an event is allowed when the pushed TAT is at most `window` ahead of
//   now. A full quota can be spent at once, then one event comes back every window / quota, so a
//   sliding window may see up to twice the quota: right for a rate that protects capacity, and
//   one number per key that a process can lease.
// - an exact window (`exact`: the abuse limits, whose few events protect one member) keeps the
//   times of the key's events within the window: at most `quota` in any window, never more.
// Either is one statement on the key's row in PostgreSQL, so both are exact across processes.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

using LimitClock = std::chrono::system_clock;

struct LimitPolicy {
    std::string name;  // stable: part of the stored key and of the RateLimit headers
    int quota = 0;     // 0: no limit
    std::chrono::seconds window{60};
    // How many events one process may take from the database at once and spend from memory
    // (1: every event is a database statement, exact). A process never spends more than it took,
    // so the limit is never exceeded; unspent events of a lease are lost after their time.
    int lease = 1;
    // At most `quota` in any `window` (the times of the events are kept; no lease), rather than
    // a GCRA rate. For small quotas: each key keeps up to `quota` times.
    bool exact = false;

    bool enabled() const { return quota > 0; }
    // One event comes back every interval; never 0, so a quota above one a microsecond (as
    // GUICHET_RATE_LIMITS may ask) counts as one a microsecond instead of dividing by zero.
    std::chrono::microseconds interval() const {
        return std::max(std::chrono::microseconds(1), std::chrono::duration_cast<std::chrono::microseconds>(window) / quota);
    }
};

// What a refusal or an allowed request tells the caller (the RateLimit headers).
struct LimitDecision {
    bool allowed = true;
    int remaining = 0;                     // events still allowed now
    std::chrono::seconds reset{0};         // until the full quota is back
    std::chrono::seconds retry_after{0};   // until the next event is allowed (refused only)
};

// A decision with the policy it came from: carried by a `rate_limited` Error to the API.
struct LimitInfo {
    std::string policy;
    int quota = 0;
    std::chrono::seconds window{0};
    LimitDecision decision;
};

// The GCRA step in memory: `tat` is the key's stored TAT (none: never seen, or long reset), `cost`
// events at once. Returns the decision and the TAT to store (unchanged when refused). The
// PostgreSQL adapter computes the same in SQL; the limits contract test holds the two together.
struct GcraStep {
    LimitDecision decision;
    LimitClock::time_point tat;
};
GcraStep gcra_take(const LimitPolicy& policy, std::optional<LimitClock::time_point> tat, LimitClock::time_point now,
                   int cost = 1);
// The decision for a stored TAT, after the fact (`allowed` as the step decided).
LimitDecision gcra_decision(const LimitPolicy& policy, LimitClock::time_point tat, LimitClock::time_point now, bool allowed,
                            int cost = 1);

// The exact window in memory: `events` are the key's stored event times (any order, old ones
// included). Returns the decision and the times to store: those within the window, oldest
// first, plus now when allowed. The PostgreSQL adapter does the same in SQL.
struct WindowStep {
    LimitDecision decision;
    std::vector<LimitClock::time_point> events;
};
WindowStep window_take(const LimitPolicy& policy, std::vector<LimitClock::time_point> events, LimitClock::time_point now);
// The decision for the stored times within the window, oldest first, after the fact.
LimitDecision window_decision(const LimitPolicy& policy, const std::vector<LimitClock::time_point>& kept, LimitClock::time_point now,
                              bool allowed);
// When the next event will be allowed (refused: the oldest event that must leave the window).
LimitClock::time_point window_next(const LimitPolicy& policy, const std::vector<LimitClock::time_point>& kept, LimitClock::time_point now);

class Limits {
public:
    virtual ~Limits() = default;
    // Counts one event of `key` under `policy` and says whether it is allowed. A refused event
    // is not counted. `key` is the plain key: adapters that store it store a keyed digest.
    virtual LimitDecision take(const LimitPolicy& policy, const std::string& key, LimitClock::time_point now) = 0;
};

inline LimitInfo limit_info(const LimitPolicy& policy, const LimitDecision& decision) {
    return {policy.name, policy.quota, policy.window, decision};
}

}  // namespace guichet
