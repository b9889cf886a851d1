#include "api/metrics/metrics.hpp"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace guichet::api {

namespace {

// Seconds, from a cache hit (sub-millisecond) to a login under load (seconds).
const prometheus::Histogram::BucketBoundaries kLatency{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,    0.25,  0.5,    1,     2.5,  5,     10};

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// "destination_hour";q=2;w=3600 → destination_hour
std::string policy_of(const HttpResponse& response) {
    for (const auto& [name, value] : response.headers)
        if (name == "RateLimit-Policy") {
            const auto open = value.find('"');
            const auto close = value.find('"', open + 1);
            if (open != std::string::npos && close != std::string::npos) return value.substr(open + 1, close - open - 1);
        }
    return response.problem_code.empty() ? "unknown" : response.problem_code;
}

prometheus::MetricFamily family(std::string name, std::string help, prometheus::MetricType type, const Samples& samples) {
    prometheus::MetricFamily f{std::move(name), std::move(help), type, {}};
    for (const auto& [labels, value] : samples) {
        prometheus::ClientMetric m;
        m.label = labels;
        if (type == prometheus::MetricType::Counter)
            m.counter.value = value;
        else
            m.gauge.value = value;
        f.metric.push_back(std::move(m));
    }
    return f;
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("guichet_http_requests_total")
                    .Help("HTTP requests answered, by route pattern, method and status.")
                    .Register(*registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("guichet_http_request_duration_seconds")
                     .Help("Time from a request's parsing to its answer, by route pattern.")
                     .Register(*registry_)),
      logins_(prometheus::BuildCounter()
                  .Name("guichet_logins_total")
                  .Help("Answers to POST /v1/sessions: success, or the problem's code (invalid_credentials, account_locked...).")
                  .Register(*registry_)),
      limited_(prometheus::BuildCounter()
                   .Name("guichet_rate_limited_total")
                   .Help("Requests refused 429, by the limit's policy (SPEC.md section 2).")
                   .Register(*registry_)),
      hashing_wait_(prometheus::BuildHistogram()
                        .Name("guichet_hashing_queue_wait_seconds")
                        .Help("Time a request that hashes a password waited for a thread of the hashing pool.")
                        .Register(*registry_)
                        .Add({}, kLatency)) {}

void Metrics::observe(const HttpRequest& request, const HttpResponse& response, std::chrono::steady_clock::duration took) {
    const std::string& route = request.route.empty() ? std::string("(none)") : request.route;
    requests_.Add({{"route", route}, {"method", request.method}, {"status", std::to_string(response.status)}}).Increment();
    durations_.Add({{"route", route}, {"method", request.method}}, kLatency).Observe(seconds(took));
    if (route == "/v1/sessions" && request.method == "POST")
        logins_.Add({{"outcome", response.status < 300 ? "success" : response.problem_code}}).Increment();
    if (response.status == 429) limited_.Add({{"policy", policy_of(response)}}).Increment();
}

void Metrics::observe_hashing_wait(std::chrono::steady_clock::duration waited) { hashing_wait_.Observe(seconds(waited)); }

void Metrics::add_collector(Collector collector) { collectors_.push_back(std::move(collector)); }

std::string Metrics::render(std::vector<prometheus::MetricFamily> extra) const {
    auto families = registry_->Collect();
    families.insert(families.end(), std::make_move_iterator(extra.begin()), std::make_move_iterator(extra.end()));
    for (const auto& collect : collectors_) {
        auto more = collect();
        families.insert(families.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    }
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, families);
    return out.str();
}

prometheus::MetricFamily gauge_family(std::string name, std::string help, const Samples& samples) {
    return family(std::move(name), std::move(help), prometheus::MetricType::Gauge, samples);
}

prometheus::MetricFamily counter_family(std::string name, std::string help, const Samples& samples) {
    return family(std::move(name), std::move(help), prometheus::MetricType::Counter, samples);
}

}  // namespace guichet::api
