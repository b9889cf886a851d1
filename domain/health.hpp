#pragma once
// Port: can the service do its work right now (used by /health/ready)?
#include <atomic>

namespace guichet {

class ReadinessProbe {
public:
    virtual ~ReadinessProbe() = default;
    virtual bool ready() = 0;
};

// Set once the process is stopping (SIGTERM): /health/ready answers 503 at once, so the load
// balancer sends new requests elsewhere while those in flight finish.
struct Lifecycle {
    std::atomic<bool> stopping{false};
};

}  // namespace guichet
