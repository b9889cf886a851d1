// Limits through the API without a socket: per-address limits with their headers, the client
// address behind trusted proxies, the per-session limit, and the headers every answer carries.
#include <catch2/catch.hpp>

#include "api/http/app.hpp"
#include "api/http/request_limits.hpp"
#include "domain/network_address.hpp"
#include "infra/config.hpp"
#include "infra/postgres/limit_memory.hpp"
#include "support/service_graph.hpp"

using namespace guichet;
using namespace guichet::api;
using namespace guichet::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::optional<std::string> header(const HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return std::nullopt;
}

struct LimitedApp : ServiceGraph {
    RequestRates rates = [] {
        RequestRates r;
        r.login = LimitPolicy{"login", 3, 60s};
        r.public_routes = LimitPolicy{"public", 2, 60s};
        return r;
    }();
    std::vector<Cidr> proxies{*Cidr::parse("10.0.0.0/8")};
    RequestLimits limits{uow, clock, rates, proxies};
    HttpApp app{build_router(services), AppOptions{64 * 1024, std::nullopt, &limits}};

    HttpResponse call(std::string method, std::string path, std::string peer, std::string body = "{}",
                      std::map<std::string, std::string> headers = {}) {
        HttpRequest request;
        request.method = std::move(method);
        request.path = std::move(path);
        request.body = std::move(body);
        request.headers = std::move(headers);
        request.headers["content-type"] = "application/json";
        request.peer = std::move(peer);
        request.request_id = "r";
        return app.handle(request);
    }
    // Each with another identifier, so that the per-identifier lockout stays out of the way.
    HttpResponse login(const std::string& peer, std::map<std::string, std::string> headers = {}) {
        const auto body = json{{"identifier", "x" + std::to_string(++logins) + "@exemple.fr"}, {"password", "Wrong-pass1!"}};
        return call("POST", "/v1/sessions", peer, body.dump(), std::move(headers));
    }
    int logins = 0;
};

}  // namespace

TEST_CASE("addresses and CIDR blocks, IPv4 and IPv6", "[limits]") {
    CHECK(IpAddress::parse("::ffff:10.1.2.3")->text() == "10.1.2.3");
    CHECK(IpAddress::parse("2001:DB8::1")->text() == "2001:db8::1");
    CHECK_FALSE(IpAddress::parse("10.1.2"));
    CHECK_FALSE(IpAddress::parse("évidemment"));
    CHECK(Cidr::parse("10.0.0.0/8")->contains(*IpAddress::parse("10.255.0.1")));
    CHECK(Cidr::parse("10.0.0.0/8")->contains(*IpAddress::parse("::ffff:10.0.0.1")));
    CHECK_FALSE(Cidr::parse("10.0.0.0/8")->contains(*IpAddress::parse("11.0.0.1")));
    CHECK(Cidr::parse("2001:db8::/32")->contains(*IpAddress::parse("2001:db8:ffff::1")));
    CHECK_FALSE(Cidr::parse("2001:db8::/32")->contains(*IpAddress::parse("2001:db9::1")));
    CHECK(Cidr::parse("127.0.0.1")->contains(*IpAddress::parse("127.0.0.1")));
    CHECK_FALSE(Cidr::parse("127.0.0.1")->contains(*IpAddress::parse("127.0.0.2")));
    CHECK(Cidr::parse("0.0.0.0/0")->contains(*IpAddress::parse("8.8.8.8")));
    for (const auto* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::/129", "nope/8"}) CHECK_FALSE(Cidr::parse(bad));
}

TEST_CASE("the client is the peer, or the rightmost X-Forwarded-For entry that is not a trusted proxy", "[limits]") {
    const std::vector<Cidr> proxies{*Cidr::parse("10.0.0.0/8"), *Cidr::parse("::1")};
    CHECK(client_address("203.0.113.9", std::nullopt, proxies) == "203.0.113.9");
    // An untrusted peer's header is ignored: anyone can write one.
    CHECK(client_address("203.0.113.9", "1.2.3.4", proxies) == "203.0.113.9");
    CHECK(client_address("10.0.0.2", "198.51.100.7", proxies) == "198.51.100.7");
    // The client wrote the leftmost entries; our proxies appended the rest.
    CHECK(client_address("10.0.0.2", "1.1.1.1, 198.51.100.7, 10.0.0.3", proxies) == "198.51.100.7");
    CHECK(client_address("::1", "10.0.0.5,10.0.0.3", proxies) == "10.0.0.5");
    CHECK(client_address("10.0.0.2", "::ffff:198.51.100.7", proxies) == "198.51.100.7");
    CHECK(client_address("10.0.0.2", " , ", proxies) == "10.0.0.2");
    CHECK(client_address("10.0.0.2", "not-an-address", proxies) == "not-an-address");
}

TEST_CASE("a public route over its per-address limit answers 429 with Retry-After and RateLimit headers", "[limits][api]") {
    LimitedApp f;
    for (int i = 0; i < 3; ++i) {
        const auto r = f.login("203.0.113.9");
        CHECK(r.status == 401);  // counted, then answered as usual
        CHECK(header(r, "RateLimit-Policy") == "\"login\";q=3;w=60");
        CHECK(header(r, "RateLimit") == "\"login\";r=" + std::to_string(2 - i) + ";t=" + std::to_string(20 * (i + 1)));
    }
    const auto refused = f.login("203.0.113.9");
    CHECK(refused.status == 429);
    CHECK(json::parse(refused.body)["code"] == "rate_limited");
    CHECK(json::parse(refused.body)["retry_after"] == 20);
    CHECK(header(refused, "Retry-After") == "20");
    CHECK(header(refused, "RateLimit") == "\"login\";r=0;t=60");
    CHECK(f.login("203.0.113.10").status == 401);  // another address
    // Behind a trusted proxy, each forwarded client has its own count.
    for (int i = 0; i < 3; ++i) CHECK(f.login("10.0.0.2", {{"x-forwarded-for", "198.51.100.1"}}).status == 401);
    CHECK(f.login("10.0.0.2", {{"x-forwarded-for", "198.51.100.1"}}).status == 429);
    CHECK(f.login("10.0.0.2", {{"x-forwarded-for", "198.51.100.2"}}).status == 401);
    // Each kind of route has its own limit: the public routes' is not the logins'.
    CHECK(f.call("GET", "/v1/secret-questions", "203.0.113.9", "").status == 200);
}

TEST_CASE("operations and admin routes count against no address limit", "[limits][api]") {
    LimitedApp f;
    for (int i = 0; i < 5; ++i) CHECK(f.call("GET", "/health/live", "203.0.113.9", "").status == 200);
    for (int i = 0; i < 5; ++i) CHECK(f.call("GET", "/openapi.yaml", "203.0.113.9", "").status == 200);
    for (int i = 0; i < 2; ++i) CHECK(f.call("GET", "/v1/secret-questions", "203.0.113.9", "").status == 200);
    CHECK(f.call("GET", "/v1/secret-questions", "203.0.113.9", "").status == 429);
}

TEST_CASE("every answer says nosniff, and no-store unless the route allows caching", "[api][headers]") {
    LimitedApp f;
    const auto me = f.call("GET", "/v1/me", "203.0.113.9", "");
    CHECK(me.status == 401);
    CHECK(header(me, "Cache-Control") == "no-store");
    CHECK(header(me, "X-Content-Type-Options") == "nosniff");
    const auto missing = f.call("GET", "/nowhere", "203.0.113.9", "");
    CHECK(header(missing, "X-Content-Type-Options") == "nosniff");
    const auto jwks = f.call("GET", "/.well-known/jwks.json", "203.0.113.9", "");
    CHECK(header(jwks, "Cache-Control") == "public, max-age=300");
    CHECK(header(jwks, "X-Content-Type-Options") == "nosniff");
}

TEST_CASE("GUICHET_RATE_LIMITS and GUICHET_TRUSTED_PROXIES are checked at start-up", "[limits][config]") {
    auto load = [](std::map<std::string, std::string> vars) {
        vars.emplace("GUICHET_DATABASE_URL", "postgresql://localhost/guichet");
        vars.emplace("GUICHET_DATA_KEY", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
        return infra::load_config([&](const char* n) -> std::optional<std::string> {
            const auto it = vars.find(n);
            return it == vars.end() ? std::nullopt : std::optional(it->second);
        }, infra::ConfigNeeds::database_only);
    };
    const auto off = load({{"GUICHET_RATE_LIMITS", "off"}});
    REQUIRE(off);
    CHECK(off->rate_limits.size() == 5);
    for (const auto& o : off->rate_limits) CHECK(o.quota == 0);
    const auto some = load({{"GUICHET_RATE_LIMITS", "login=100/1m, identity_checks=10/1d,flows=off,session=50/30s"}});
    REQUIRE(some);
    REQUIRE(some->rate_limits.size() == 4);
    CHECK(some->rate_limits[0].name == "login");
    CHECK(some->rate_limits[0].quota == 100);
    CHECK(some->rate_limits[0].window == 60s);
    CHECK(some->rate_limits[1].window == 86400s);
    CHECK(some->rate_limits[2].quota == 0);
    CHECK(some->rate_limits[3].window == 30s);
    // The abuse limits (exact windows) are tuned, never turned off, and stay small.
    REQUIRE(load({{"GUICHET_RATE_LIMITS", "off,destination_hour=2/1h"}}));
    for (const auto* bad : {"logins=1/1m", "login=1", "login=x/1m", "login=1/0m", "login=1/1w", "login", "identity_checks=off",
                            "letters=0/30d", "destination_day=1001/1d"}) {
        INFO(bad);
        const auto refused = load({{"GUICHET_RATE_LIMITS", bad}});
        REQUIRE_FALSE(refused);
        CHECK(refused.error().message.rfind("GUICHET_RATE_LIMITS: ", 0) == 0);
    }
    const auto proxies = load({{"GUICHET_TRUSTED_PROXIES", "10.0.0.0/8, ::1"}});
    REQUIRE(proxies);
    CHECK(proxies->trusted_proxies == std::vector<std::string>{"10.0.0.0/8", "::1"});
    CHECK_FALSE(load({{"GUICHET_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local"}}));
}

TEST_CASE("leases taken at once by several requests add up, and each is spent within its life", "[limits]") {
    infra::LimitMemory memory;
    const auto now = test_clock().now();
    const LimitDecision taken{true, 50, 1s, 0s};
    memory.add_lease("session:s", now, 2, now + 1s, taken);
    memory.add_lease("session:s", now, 2, now + 1s, taken);  // another request found it spent too
    for (int i = 0; i < 4; ++i) CHECK(memory.spend_lease("session:s", now + 500ms));
    CHECK_FALSE(memory.spend_lease("session:s", now + 500ms));  // all 4 spent: the database decides
    memory.add_lease("session:s", now, 3, now + 1s, taken);
    CHECK_FALSE(memory.spend_lease("session:s", now + 1s));  // past its life: lost, never late
}
