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

}  // namespace guichet
