#include "api/http/router.hpp"

#include <stdexcept>
#include <string_view>

namespace guichet::api {

namespace {

// The segments of a path (or pattern) after its leading '/': "/v1/flows/x" → v1, flows, x.
template <typename Piece>
std::vector<Piece> split_path(std::string_view path) {
    std::vector<Piece> segments;
    std::size_t start = 1;  // paths start with '/'
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        segments.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

bool is_parameter(const std::string& segment) { return segment.size() > 2 && segment.front() == '{' && segment.back() == '}'; }

// Runs on every request against every route: compares without allocating, and only a match
// copies its parameters.
bool matches(const Route& route, const std::vector<std::string_view>& segments, std::map<std::string, std::string>& params) {
    if (route.segments.size() != segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& p = route.segments[i];
        if (is_parameter(p) ? segments[i].empty() : p != segments[i]) return false;
    }
    for (std::size_t i = 0; i < segments.size(); ++i)
        if (is_parameter(route.segments[i])) params[route.segments[i].substr(1, route.segments[i].size() - 2)] = std::string(segments[i]);
    return true;
}

}  // namespace

HttpResponse json_response(int status, const nlohmann::json& body) {
    return HttpResponse{status, "application/json", body.dump(), {}};
}

Route& Router::add(std::string method, std::string pattern, Body body, Access access, Handler handler, Cost cost) {
    if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with /");
    auto segments = split_path<std::string>(pattern);
    routes_.push_back(Route{std::move(method), std::move(pattern), body, access, std::move(handler), cost, std::move(segments)});
    routes_.back().rate = access == Access::public_ ? AddressRate::public_routes : AddressRate::none;
    return routes_.back();
}

Route& Router::add(std::string method, std::string pattern, Body body, Access access, Handler handler, CostOf cost_of) {
    auto& route = add(std::move(method), std::move(pattern), body, access, std::move(handler), Cost::light);
    route.cost_of = std::move(cost_of);
    return route;
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
    Match result;
    if (path.empty() || path.front() != '/') return result;
    const auto segments = split_path<std::string_view>(path);
    for (const auto& route : routes_) {
        std::map<std::string, std::string> params;
        if (!matches(route, segments, params)) continue;
        if (route.method == method) {
            result.route = &route;
            result.params = std::move(params);
            result.others.clear();
            return result;
        }
        result.others.push_back(&route);
    }
    return result;
}

}  // namespace guichet::api
