// openapi.yaml and the router describe the same routes (SPEC.md §5).
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "api/routes/routes.hpp"
#include "infra/crypto/jwt_signer.hpp"
#include "support/service_graph.hpp"

using namespace guichet;
using namespace guichet::api;

namespace {

// The operations under `paths:` as "METHOD /path", read from the two-space-indented layout
// the file uses (path keys at 2 spaces, methods at 4).
std::set<std::string> documented_operations(const std::string& yaml) {
    std::set<std::string> ops;
    std::istringstream in(yaml);
    std::string line, current;
    bool in_paths = false;
    const std::regex path_re(R"(^  (/[^:]*):\s*$)");
    const std::regex method_re(R"(^    (get|post|put|patch|delete|head|options):\s*$)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (line.rfind("paths:", 0) == 0) {
            in_paths = true;
            continue;
        }
        if (in_paths && !line.empty() && line[0] != ' ' && line[0] != '#') in_paths = false;
        if (!in_paths) continue;
        if (std::regex_match(line, m, path_re)) current = m[1];
        else if (std::regex_match(line, m, method_re) && !current.empty()) {
            std::string method = m[1];
            for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            ops.insert(method + " " + current);
        }
    }
    return ops;
}

}  // namespace

TEST_CASE("every routed operation is in openapi.yaml and every documented one is routed", "[api][openapi]") {
    std::ifstream file(GUICHET_SOURCE_DIR "/openapi.yaml");
    REQUIRE(file);
    std::stringstream text;
    text << file.rdbuf();
    const auto documented = documented_operations(text.str());
    REQUIRE_FALSE(documented.empty());
    CHECK(text.str() == openapi_yaml());  // the binary serves the file it was built from

    testing::ServiceGraph graph;
    auto& services = graph.services;
    std::set<std::string> routed;
    const auto router = build_router(services);
    for (const auto& route : router.routes()) routed.insert(route.method + " " + route.pattern);
    // One route serves every flow step; openapi.yaml describes each step's body on a path of its
    // own, so each step of each flow type stands for one documented operation.
    const std::string step_route = "POST /v1/flows/{id}/steps/{step}";
    REQUIRE(routed.erase(step_route) == 1);
    for (const auto* procedure : services.flows.procedures())
        for (const auto& step : procedure->steps()) routed.insert("POST /v1/flows/{id}/steps/" + step.name);

    for (const auto& op : routed) {
        INFO("routed but not documented: " << op);
        CHECK(documented.contains(op));
    }
    for (const auto& op : documented) {
        INFO("documented but not routed: " << op);
        CHECK(routed.contains(op));
    }
}
