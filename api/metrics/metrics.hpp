#pragma once
// What /metrics shows, in Prometheus' naming conventions (prometheus-cpp): the HTTP server's
// requests by route pattern, method and status, their latency by route, login outcomes, limits
// hit and the hashing queue's wait, observed as requests are answered; and collectors that the
// composition root adds for what other parts count (outbox, security events, database pool,
// session cache, build), read when scraped.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include "api/http/message.hpp"

namespace guichet::api {

class Metrics {
public:
    using Collector = std::function<std::vector<prometheus::MetricFamily>()>;
    Metrics();
    // Once per answered request (the route is the pattern, never the path).
    void observe(const HttpRequest& request, const HttpResponse& response, std::chrono::steady_clock::duration took);
    // Time a request of the hashing pool waited for a thread.
    void observe_hashing_wait(std::chrono::steady_clock::duration waited);
    void add_collector(Collector collector);
    // The text exposition format (version 0.0.4), with `extra` families read by the caller.
    std::string render(std::vector<prometheus::MetricFamily> extra = {}) const;

private:
    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Histogram>& durations_;
    prometheus::Family<prometheus::Counter>& logins_;
    prometheus::Family<prometheus::Counter>& limited_;
    prometheus::Histogram& hashing_wait_;
    std::vector<Collector> collectors_;
};

// Families for collectors: one sample per label set.
using Samples = std::vector<std::pair<std::vector<prometheus::ClientMetric::Label>, double>>;
prometheus::MetricFamily gauge_family(std::string name, std::string help, const Samples& samples);
prometheus::MetricFamily counter_family(std::string name, std::string help, const Samples& samples);

}  // namespace guichet::api
