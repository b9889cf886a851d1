#include "domain/limits/limits.hpp"

#include <algorithm>

namespace guichet {

namespace {

using std::chrono::microseconds;

std::chrono::seconds ceil_seconds(microseconds us) {
    return std::chrono::ceil<std::chrono::seconds>(std::max(us, microseconds(0)));
}

}  // namespace

LimitDecision gcra_decision(const LimitPolicy& policy, LimitClock::time_point tat, LimitClock::time_point now, bool allowed,
                            int cost) {
    const auto interval = policy.interval();
    const auto window = std::chrono::duration_cast<microseconds>(policy.window);
    const auto ahead = std::max(std::chrono::duration_cast<microseconds>(tat - now), microseconds(0));
    LimitDecision d;
    d.allowed = allowed;
    d.remaining = static_cast<int>(std::max<std::int64_t>(0, (window - ahead) / interval));
    d.reset = ceil_seconds(ahead);
    if (!allowed) d.retry_after = std::max(std::chrono::seconds(1), ceil_seconds(ahead + interval * cost - window));
    return d;
}

GcraStep gcra_take(const LimitPolicy& policy, std::optional<LimitClock::time_point> tat, LimitClock::time_point now, int cost) {
    const auto window = std::chrono::duration_cast<microseconds>(policy.window);
    const auto base = std::max(tat.value_or(now), now);
    const auto pushed = base + policy.interval() * cost;
    const bool allowed = pushed - now <= window;
    const auto stored = allowed ? pushed : base;
    return {gcra_decision(policy, stored, now, allowed, cost), stored};
}

LimitClock::time_point window_next(const LimitPolicy& policy, const std::vector<LimitClock::time_point>& kept,
                                   LimitClock::time_point now) {
    const auto size = static_cast<int>(kept.size());
    if (size < policy.quota) return now;
    return kept[static_cast<std::size_t>(size - policy.quota)] + policy.window;
}

LimitDecision window_decision(const LimitPolicy& policy, const std::vector<LimitClock::time_point>& kept, LimitClock::time_point now,
                              bool allowed) {
    LimitDecision d;
    d.allowed = allowed;
    d.remaining = std::max(0, policy.quota - static_cast<int>(kept.size()));
    d.reset = kept.empty() ? std::chrono::seconds(0) : ceil_seconds(std::chrono::duration_cast<microseconds>(kept.back() + policy.window - now));
    if (!allowed)
        d.retry_after =
            std::max(std::chrono::seconds(1), ceil_seconds(std::chrono::duration_cast<microseconds>(window_next(policy, kept, now) - now)));
    return d;
}

WindowStep window_take(const LimitPolicy& policy, std::vector<LimitClock::time_point> events, LimitClock::time_point now) {
    std::erase_if(events, [&](LimitClock::time_point t) { return t <= now - policy.window; });
    const bool allowed = static_cast<int>(events.size()) < policy.quota;
    if (allowed) events.push_back(now);
    std::sort(events.begin(), events.end());  // oldest first (another process's clock may be ahead)
    return {window_decision(policy, events, now, allowed), std::move(events)};
}

}  // namespace guichet
