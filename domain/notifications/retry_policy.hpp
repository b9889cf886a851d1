#pragma once
// When a failed delivery is tried again (issue 15). The member is waiting in front of the
// screen, so retries start within seconds: 2 s, doubled, at most 10 s apart, ± 20 % jitter so
// that the messages of one outage do not all come back at once. After an outage of a minute,
// every message is tried again within 10 s of its end (12 s with the jitter).
//
// A message is never tried after its life (Rules::message_lifetime): that, not a number of
// attempts, is what ends its retries. So that an outage of days does not mean an attempt every
// 10 s for each message, the wait may also grow to a tenth of the message's age: the attempts
// of a message grow with the logarithm of its age (about 110 over the 15 days of an activation
// link), and a long outage is over for a message within a tenth of its length.
#include <algorithm>
#include <chrono>
#include <cmath>

namespace guichet {

struct RetryPolicy {
    std::chrono::milliseconds base{2000};
    std::chrono::milliseconds cap{10000};
    double age_fraction = 0.1;  // a wait may grow past the cap to this fraction of the message's age
    double jitter = 0.2;        // ± fraction of the delay

    // Delay before attempt `attempts + 1` of a message queued `age` ago; `random01` in [0, 1)
    // spreads it by ± jitter.
    std::chrono::milliseconds delay_after(int attempts, std::chrono::milliseconds age, double random01) const {
        const double exponent = std::max(0, attempts - 1);
        const double raw = static_cast<double>(base.count()) * std::pow(2.0, std::min(exponent, 30.0));
        const double limit = std::max(static_cast<double>(cap.count()), age_fraction * static_cast<double>(age.count()));
        const double spread = 1.0 + jitter * (2.0 * random01 - 1.0);
        return std::chrono::milliseconds(static_cast<long long>(std::min(raw, limit) * spread));
    }
};

}  // namespace guichet
