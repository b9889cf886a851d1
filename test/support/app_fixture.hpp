#pragma once
// The HTTP app without a socket, over the in-memory service graph, with a token for each kind of
// back-office caller: what the API tests call.
#include <map>
#include <optional>
#include <string>

#include "api/http/app.hpp"
#include "support/service_graph.hpp"

namespace guichet::testing {

inline const std::string kAdminToken = "admin-token-0123456789";
inline const std::string kPrintToken = "print-token-0123456789";
inline const std::string kMetricsToken = "metrics-token-0123456789";

inline api::AppOptions app_options() {
    return {.admin_token = kAdminToken, .print_token = kPrintToken, .metrics_token = kMetricsToken};
}

using Headers = std::map<std::string, std::string>;

// A JSON request of a caller with this bearer token, naming its agent when one is given.
inline Headers bearer(const std::string& token, const std::optional<std::string>& agent = std::nullopt) {
    Headers headers{{"content-type", "application/json"}, {"authorization", "Bearer " + token}};
    if (agent) headers["x-agent-id"] = *agent;
    return headers;
}

inline std::optional<std::string> header_of(const api::HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return std::nullopt;
}

struct AppFixture : ServiceGraph {
    explicit AppFixture(api::AppOptions options = app_options()) : app(api::build_router(services), std::move(options)) {}
    api::HttpApp app;

    api::HttpResponse call(std::string method, std::string path, std::string body = {},
                           Headers headers = {{"content-type", "application/json"}}) {
        api::HttpRequest request;
        request.method = std::move(method);
        request.path = std::move(path);
        request.body = std::move(body);
        request.headers = std::move(headers);
        request.request_id = "test-request";
        return app.handle(request);
    }
};

}  // namespace guichet::testing
