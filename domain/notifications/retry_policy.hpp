#pragma once
// When a failed delivery is tried again. Exponential backoff with jitter: with the defaults
// (3 min, doubling, 10 attempts) the nine waits add up to about 25 h, so a provider down for a
// day still delivers, and jitter keeps retries of many messages from arriving all at once.
#include <algorithm>
#include <chrono>
#include <cmath>

namespace guichet {

struct RetryPolicy {
    int max_attempts = 10;
    std::chrono::milliseconds base{std::chrono::minutes(3)};
    std::chrono::milliseconds cap{std::chrono::hours(8)};
    double jitter = 0.2;  // ± fraction of the delay

    bool exhausted(int attempts) const { return attempts >= max_attempts; }

    // Delay before attempt `attempts + 1`; `random01` in [0, 1) spreads it by ± jitter.
    std::chrono::milliseconds delay_after(int attempts, double random01) const {
        const double exponent = std::max(0, attempts - 1);
        const double raw = static_cast<double>(base.count()) * std::pow(2.0, std::min(exponent, 30.0));
        const double capped = std::min(raw, static_cast<double>(cap.count()));
        const double spread = 1.0 + jitter * (2.0 * random01 - 1.0);
        return std::chrono::milliseconds(static_cast<long long>(capped * spread));
    }
};

}  // namespace guichet
