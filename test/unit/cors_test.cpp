// CORS (SPEC.md §4, GUICHET_CORS_ORIGINS): exact origins; a preflight answers 204 with the path's
// methods and the headers a front-end sends, Vary: Origin, never credentials; back-office routes
// never answer CORS; unset, no CORS header at all.
#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"

using namespace guichet;
using namespace guichet::api;
using namespace guichet::testing;
using nlohmann::json;

namespace {

const std::string kPortal = "https://espace.mgen.fr";

AppOptions with_cors() {
    auto options = app_options();
    options.cors_origins = {kPortal, "http://localhost:3000"};
    return options;
}

Headers preflight_from(const std::string& origin, const std::string& method = "POST") {
    return {{"origin", origin}, {"access-control-request-method", method}, {"access-control-request-headers", "content-type"}};
}

void check_no_cors(const HttpResponse& r) {
    for (const char* name : {"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
                             "Access-Control-Max-Age", "Access-Control-Expose-Headers", "Vary"}) {
        INFO(name);
        CHECK_FALSE(header_of(r, name));
    }
}

}  // namespace

TEST_CASE("cors: a preflight from an allowed origin answers 204 with the path's methods, no credentials", "[api][cors]") {
    AppFixture f{with_cors()};
    const auto r = f.call("OPTIONS", "/v1/sessions", "", preflight_from(kPortal));
    CHECK(r.status == 204);
    CHECK(r.body.empty());
    CHECK(r.content_type.empty());
    CHECK(header_of(r, "Access-Control-Allow-Origin") == kPortal);
    CHECK(header_of(r, "Access-Control-Allow-Methods") == "POST, GET");  // login, and the list of sessions
    CHECK(header_of(r, "Access-Control-Allow-Headers") == "Authorization, Content-Type, X-Request-Id, traceparent");
    CHECK(header_of(r, "Access-Control-Max-Age") == "600");
    CHECK(header_of(r, "Vary") == "Origin");
    CHECK_FALSE(header_of(r, "Access-Control-Allow-Credentials"));
    CHECK_FALSE(header_of(r, "Access-Control-Expose-Headers"));  // for actual answers only
    CHECK(header_of(r, "X-Request-Id") == "test-request");

    // A path with parameters, and a path whose routes differ by method only.
    CHECK(header_of(f.call("OPTIONS", "/v1/flows/abc/steps/code", "", preflight_from(kPortal)), "Access-Control-Allow-Methods") == "POST");
    const auto me = f.call("OPTIONS", "/v1/me", "", preflight_from("http://localhost:3000", "GET"));
    CHECK(me.status == 204);
    CHECK(header_of(me, "Access-Control-Allow-Origin") == "http://localhost:3000");
    CHECK(header_of(f.call("OPTIONS", "/v1/sessions/abc", "", preflight_from(kPortal, "DELETE")), "Access-Control-Allow-Methods") == "DELETE");
}

TEST_CASE("cors: a preflight from another origin, or to a back-office route, is a 403 without CORS headers", "[api][cors]") {
    AppFixture f{with_cors()};
    for (const char* origin : {"https://evil.example", "https://ESPACE.mgen.fr", "https://espace.mgen.fr:8443", "null",
                               "https://espace.mgen.fr.evil.example"}) {
        INFO(origin);
        const auto r = f.call("OPTIONS", "/v1/sessions", "", preflight_from(origin));
        CHECK(r.status == 403);
        CHECK(json::parse(r.body)["code"] == "forbidden");
        CHECK_FALSE(header_of(r, "Access-Control-Allow-Origin"));
        CHECK_FALSE(header_of(r, "Access-Control-Allow-Methods"));
        CHECK(header_of(r, "Vary") == "Origin");
    }
    // Back-office tools are not browsers on other origins: not even the portal's origin gets CORS there.
    for (const char* path : {"/v1/admin/members", "/v1/admin/letters", "/v1/admin/accounts/1/unlock", "/metrics"}) {
        INFO(path);
        const auto r = f.call("OPTIONS", path, "", preflight_from(kPortal));
        CHECK(r.status == 403);
        check_no_cors(r);
    }
    CHECK(f.call("OPTIONS", "/v1/nothing-here", "", preflight_from(kPortal)).status == 404);
    // OPTIONS that is not a preflight is what it was: a method no route has.
    const auto plain = f.call("OPTIONS", "/v1/sessions", "", {{"origin", kPortal}});
    CHECK(plain.status == 405);
    CHECK(header_of(plain, "Allow") == "POST, GET");
}

TEST_CASE("cors: answers to an allowed origin name it and expose the limit headers and the request id", "[api][cors]") {
    AppFixture f{with_cors()};
    Headers from_portal{{"content-type", "application/json"}, {"origin", kPortal}};
    const auto ok = f.call("POST", "/v1/password-strength", R"({"password":"Secret123!"})", from_portal);
    CHECK(ok.status == 200);
    CHECK(header_of(ok, "Access-Control-Allow-Origin") == kPortal);
    CHECK(header_of(ok, "Vary") == "Origin");
    CHECK(header_of(ok, "Access-Control-Expose-Headers") == "Retry-After, RateLimit, RateLimit-Policy, X-Request-Id");
    CHECK_FALSE(header_of(ok, "Access-Control-Allow-Credentials"));
    // A problem is read by the front-end too (invalid credentials, a validation error, 405).
    const auto bad = f.call("POST", "/v1/password-strength", "{}", from_portal);
    CHECK(bad.status == 400);
    CHECK(header_of(bad, "Access-Control-Allow-Origin") == kPortal);
    CHECK(header_of(f.call("PUT", "/v1/password-strength", "{}", from_portal), "Access-Control-Allow-Origin") == kPortal);
    CHECK(header_of(f.call("GET", "/.well-known/jwks.json", "", from_portal), "Access-Control-Allow-Origin") == kPortal);

    // Another origin, or none: the answer still varies by Origin, and names no origin.
    const auto other = f.call("POST", "/v1/password-strength", "{}", {{"content-type", "application/json"}, {"origin", "https://evil.example"}});
    CHECK(header_of(other, "Vary") == "Origin");
    CHECK_FALSE(header_of(other, "Access-Control-Allow-Origin"));
    CHECK(header_of(f.call("GET", "/v1/secret-questions"), "Vary") == "Origin");

    // Back-office answers never carry CORS headers, nor do unknown paths.
    auto admin = bearer(kAdminToken, "agent.dupont");
    admin["origin"] = kPortal;
    check_no_cors(f.call("GET", "/v1/admin/messages", "", admin));
    admin["authorization"] = "Bearer " + kMetricsToken;
    check_no_cors(f.call("GET", "/metrics", "", admin));
    check_no_cors(f.call("GET", "/v1/nothing-here", "", from_portal));
}

TEST_CASE("cors: unset, no CORS header at all and OPTIONS is a 405 as before", "[api][cors]") {
    AppFixture f;
    const auto preflight = f.call("OPTIONS", "/v1/sessions", "", preflight_from(kPortal));
    CHECK(preflight.status == 405);
    check_no_cors(preflight);
    check_no_cors(f.call("POST", "/v1/password-strength", R"({"password":"x"})", {{"content-type", "application/json"}, {"origin", kPortal}}));
}
