// The route table (api/http/router.hpp) on any method and path, against a plain model of
// matching: a path matches a pattern when it has as many '/'-separated segments and each is the
// pattern's, or any non-empty text for a {parameter}; the first route with the method wins, else
// the path's routes are the other methods (405), else nothing (404).
#include <string>
#include <vector>

#include "app_world.hpp"

using namespace guichet;

namespace {

std::vector<std::string> segments_of(std::string_view path) {
    std::vector<std::string> out;
    path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        out.emplace_back(path.substr(0, slash));
        if (slash == std::string_view::npos) return out;
        path.remove_prefix(slash + 1);
    }
}

bool model_matches(const std::string& pattern, const std::vector<std::string>& path, std::map<std::string, std::string>& params) {
    const auto parts = segments_of(pattern);
    if (parts.size() != path.size()) return false;
    std::map<std::string, std::string> found;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const bool parameter = parts[i].size() > 2 && parts[i].front() == '{' && parts[i].back() == '}';
        if (parameter ? path[i].empty() : parts[i] != path[i]) return false;
        if (parameter) found[parts[i].substr(1, parts[i].size() - 2)] = path[i];
    }
    params = std::move(found);
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static guichet::fuzz::AppWorld world;  // matching reads the table only
    const auto& router = world.app.router();
    const auto text = fuzz::text_of(data, size);
    const auto space = std::min(text.find(' '), text.size());
    const std::string method(text.substr(0, space));
    const std::string path(text.substr(std::min(space + 1, text.size())));

    const auto match = router.match(method, path);
    const api::Route* expected = nullptr;
    std::map<std::string, std::string> expected_params;
    std::vector<const api::Route*> others;
    if (!path.empty() && path.front() == '/') {
        const auto segments = segments_of(path);
        for (const auto& route : router.routes()) {
            std::map<std::string, std::string> params;
            if (!model_matches(route.pattern, segments, params)) continue;
            if (route.method == method) {
                expected = &route;
                expected_params = std::move(params);
                break;
            }
            others.push_back(&route);
        }
    }
    FUZZ_CHECK(match.route == expected);
    if (expected != nullptr) {
        FUZZ_CHECK(match.params == expected_params);
        FUZZ_CHECK(match.others.empty());
    } else {
        FUZZ_CHECK(match.others == others);
    }
    // What the server asks before it picks a pool never fails.
    (void)world.app.cost_of(method, path);
    return 0;
}
