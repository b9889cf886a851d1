#include "api/http/router.hpp"

#include <stdexcept>

namespace guichet::api {

namespace {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> segments;
    std::size_t start = 1;  // paths start with '/'
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        segments.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

bool matches(const std::string& pattern, const std::vector<std::string>& segments,
             std::map<std::string, std::string>& params) {
    const auto pattern_segments = split_path(pattern);
    if (pattern_segments.size() != segments.size()) return false;
    std::map<std::string, std::string> found;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& p = pattern_segments[i];
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
            if (segments[i].empty()) return false;
            found[p.substr(1, p.size() - 2)] = segments[i];
        } else if (p != segments[i]) {
            return false;
        }
    }
    params = std::move(found);
    return true;
}

}  // namespace

HttpResponse json_response(int status, const nlohmann::json& body) {
    return HttpResponse{status, "application/json", body.dump(), {}};
}

void Router::add(std::string method, std::string pattern, Body body, Access access, Handler handler, Cost cost) {
    if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with /");
    routes_.push_back(Route{std::move(method), std::move(pattern), body, access, std::move(handler), cost});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
    Match result;
    if (path.empty() || path.front() != '/') return result;
    const auto segments = split_path(path);
    for (const auto& route : routes_) {
        std::map<std::string, std::string> params;
        if (!matches(route.pattern, segments, params)) continue;
        if (route.method == method) {
            result.route = &route;
            result.params = std::move(params);
            result.allowed.clear();
            return result;
        }
        result.allowed.push_back(route.method);
    }
    return result;
}

}  // namespace guichet::api
