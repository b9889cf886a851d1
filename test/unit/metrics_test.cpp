// API: what /metrics counts as requests are answered (issue 15), in Prometheus' conventions.
#include <catch2/catch.hpp>

#include "api/metrics/metrics.hpp"
#include "api/problem.hpp"

using namespace guichet;
using namespace guichet::api;

namespace {

HttpRequest request(std::string method, std::string route) {
    HttpRequest r;
    r.method = std::move(method);
    r.route = std::move(route);
    r.path = "/v1/flows/0b2e6a/steps/code";  // a path carries identifiers: never a label
    return r;
}

bool has_line(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

}  // namespace

TEST_CASE("metrics: requests by route pattern, method and status, and their latency", "[api][metrics]") {
    Metrics m;
    m.observe(request("GET", "/v1/me"), json_response(200, {}), std::chrono::milliseconds(2));
    m.observe(request("GET", "/v1/me"), json_response(200, {}), std::chrono::milliseconds(30));
    m.observe(request("POST", "/v1/flows/{id}/steps/{step}"), json_response(201, {}), std::chrono::milliseconds(4));
    const auto text = m.render();
    CHECK(has_line(text, "# TYPE guichet_http_requests_total counter"));
    CHECK(has_line(text, R"(guichet_http_requests_total{method="GET",route="/v1/me",status="200"} 2)"));
    CHECK(has_line(text, R"(guichet_http_requests_total{method="POST",route="/v1/flows/{id}/steps/{step}",status="201"} 1)"));
    CHECK(has_line(text, "# TYPE guichet_http_request_duration_seconds histogram"));
    CHECK(has_line(text, R"(guichet_http_request_duration_seconds_bucket{method="GET",route="/v1/me",le="0.0025"} 1)"));
    CHECK(has_line(text, R"(guichet_http_request_duration_seconds_bucket{method="GET",route="/v1/me",le="0.05"} 2)"));
    CHECK(has_line(text, R"(guichet_http_request_duration_seconds_count{method="GET",route="/v1/me"} 2)"));
    CHECK(text.find("0b2e6a") == std::string::npos);
}

TEST_CASE("metrics: login outcomes and the limits that refused", "[api][metrics]") {
    Metrics m;
    const auto login = request("POST", "/v1/sessions");
    m.observe(login, json_response(200, {}), {});
    m.observe(login, problem_response(Error{ErrorCode::invalid_credentials, ""}, "/v1/sessions"), {});
    m.observe(login, problem_response(Error{ErrorCode::invalid_credentials, ""}, "/v1/sessions"), {});
    m.observe(login, problem_response(Error{ErrorCode::account_locked, ""}, "/v1/sessions"), {});
    auto limited = problem_response(Error{ErrorCode::rate_limited, ""}, "/v1/flows/recovery");
    limited.headers.emplace_back("RateLimit-Policy", "\"destination_hour\";q=5;w=3600");
    m.observe(request("POST", "/v1/flows/{id}/steps/{step}"), limited, {});
    m.observe_hashing_wait(std::chrono::milliseconds(3));
    const auto text = m.render({gauge_family("guichet_extra", "A family read by the caller.", {{{}, 7}})});
    CHECK(has_line(text, R"(guichet_logins_total{outcome="success"} 1)"));
    CHECK(has_line(text, R"(guichet_logins_total{outcome="invalid_credentials"} 2)"));
    CHECK(has_line(text, R"(guichet_logins_total{outcome="account_locked"} 1)"));
    CHECK(has_line(text, R"(guichet_rate_limited_total{policy="destination_hour"} 1)"));
    CHECK(has_line(text, "guichet_hashing_queue_wait_seconds_count 1"));
    CHECK(has_line(text, "guichet_extra 7"));
}

TEST_CASE("metrics: collectors are read at each scrape", "[api][metrics]") {
    Metrics m;
    double value = 1;
    m.add_collector([&value] { return std::vector{counter_family("guichet_things_total", "Things.", {{{{"kind", "a"}}, value}})}; });
    CHECK(has_line(m.render(), R"(guichet_things_total{kind="a"} 1)"));
    value = 5;
    CHECK(has_line(m.render(), R"(guichet_things_total{kind="a"} 5)"));
}
