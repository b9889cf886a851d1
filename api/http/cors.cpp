#include "api/http/cors.hpp"

#include <algorithm>
#include <optional>

#include "api/problem.hpp"

namespace guichet::api {

namespace {

bool for_browsers(const std::vector<const Route*>& routes) {
    return !routes.empty() && std::ranges::all_of(routes, [](const Route* route) {
        return route->access == Access::public_ || route->access == Access::member || route->access == Access::operations;
    });
}

std::optional<std::string> allowed_origin(const HttpRequest& request, const std::vector<std::string>& origins) {
    auto origin = request.header("origin");
    if (!origin || std::ranges::find(origins, *origin) == origins.end()) return std::nullopt;
    return origin;
}

}  // namespace

bool is_preflight(const HttpRequest& request) {
    return request.method == "OPTIONS" && request.header("origin") && request.header("access-control-request-method");
}

HttpResponse preflight_response(const HttpRequest& request, const std::vector<const Route*>& routes,
                                const std::vector<std::string>& origins) {
    const auto origin = for_browsers(routes) ? allowed_origin(request, origins) : std::nullopt;
    if (!origin) throw ProblemException(Error{ErrorCode::forbidden, "cette origine ne peut pas appeler cette adresse depuis un navigateur"});
    std::vector<std::string> methods;
    for (const auto* route : routes)
        if (std::ranges::find(methods, route->method) == methods.end()) methods.push_back(route->method);
    std::string allow;
    for (const auto& method : methods) allow += (allow.empty() ? "" : ", ") + method;
    // Cached by the browser for 10 minutes: one preflight per path, not one per call.
    return HttpResponse{204, "", "", {{"Access-Control-Allow-Origin", *origin},
                                      {"Access-Control-Allow-Methods", allow},
                                      {"Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id, traceparent"},
                                      {"Access-Control-Max-Age", "600"}}};
}

void add_cors_headers(HttpResponse& response, const HttpRequest& request, const std::vector<const Route*>& routes,
                      const std::vector<std::string>& origins) {
    if (origins.empty() || !for_browsers(routes)) return;
    // Whatever the origin, even none: a cache must not serve one origin's answer to another.
    response.headers.emplace_back("Vary", "Origin");
    if (is_preflight(request)) return;  // its own headers
    if (const auto origin = allowed_origin(request, origins)) {
        response.headers.emplace_back("Access-Control-Allow-Origin", *origin);
        response.headers.emplace_back("Access-Control-Expose-Headers", "Retry-After, RateLimit, RateLimit-Policy, X-Request-Id");
    }
}

}  // namespace guichet::api
