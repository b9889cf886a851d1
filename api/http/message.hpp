#pragma once
// Transport-neutral request and response: the router, the handlers and their tests know these,
// only api/http/pistache_server.cpp knows Pistache.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/limits/limits.hpp"

namespace guichet::api {

struct HttpRequest {
    std::string method;                          // "GET", "POST", ...
    std::string path;                            // without the query string
    std::map<std::string, std::string> query;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    std::string request_id;
    std::string trace_id;                        // W3C: the caller's traceparent's, or one started here
    std::string peer;                            // the TCP peer's address
    // Filled by the router and the app before the handler runs:
    std::map<std::string, std::string> params;   // {id} segments of the route pattern
    nlohmann::json json;                         // the parsed body, for routes that take JSON
    std::string route;                           // the matched pattern, what access logs show
    std::optional<LimitInfo> limit;              // the client address's limit taken (RateLimit headers)

    std::optional<std::string> header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string problem_code{};  // the `code` of a problem+json body, for metrics; empty otherwise
};

HttpResponse json_response(int status, const nlohmann::json& body);

}  // namespace guichet::api
