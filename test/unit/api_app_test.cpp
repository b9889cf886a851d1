// API layer without a socket: routing, the catch-all and every hostile input answer problem+json.
#include <catch2/catch.hpp>

#include <set>

#include "api/http/app.hpp"
#include "api/problem.hpp"
#include "api/routes/routes.hpp"
#include "infra/crypto/jwt_signer.hpp"
#include "support/app_fixture.hpp"

using namespace guichet;
using namespace guichet::api;
using namespace guichet::testing;
using nlohmann::json;

namespace {

using Fixture = AppFixture;

json problem_of(const HttpResponse& r) {
    REQUIRE(r.content_type == "application/problem+json");
    auto body = json::parse(r.body);
    CHECK(body["status"] == r.status);
    CHECK(body["title"].is_string());
    CHECK(body["type"].is_string());
    return body;
}

bool has_header(const HttpResponse& r, const std::string& name, const std::string& value) {
    for (const auto& [n, v] : r.headers)
        if (n == name && v == value) return true;
    return false;
}

const Headers kAdmin = bearer(kAdminToken, "agent.dupont");
const Headers kPrint = bearer(kPrintToken, "print-provider");

}  // namespace

TEST_CASE("health routes answer JSON and carry the request id", "[api]") {
    Fixture f;
    auto live = f.call("GET", "/health/live");
    CHECK(live.status == 200);
    CHECK(json::parse(live.body)["status"] == "live");
    CHECK(has_header(live, "X-Request-Id", "test-request"));

    CHECK(f.call("GET", "/health/ready").status == 200);
    f.readiness.is_ready = false;
    auto down = f.call("GET", "/health/ready");
    CHECK(down.status == 503);
    CHECK(problem_of(down)["code"] == "unavailable");

    f.readiness.is_ready = true;
    f.lifecycle.stopping = true;  // SIGTERM: the load balancer must look elsewhere
    auto stopping = f.call("GET", "/health/ready");
    CHECK(stopping.status == 503);
    CHECK(problem_of(stopping)["detail"].get<std::string>().find("s'arrête") != std::string::npos);
    CHECK(f.call("GET", "/health/live").status == 200);  // still alive: not to be killed
}

TEST_CASE("unknown route is a 404 problem, wrong method a 405 with Allow", "[api]") {
    Fixture f;
    auto missing = f.call("GET", "/v1/nothing-here");
    CHECK(missing.status == 404);
    CHECK(problem_of(missing)["code"] == "not_found");
    CHECK(has_header(missing, "X-Request-Id", "test-request"));

    auto wrong = f.call("DELETE", "/v1/password-strength");
    CHECK(wrong.status == 405);
    CHECK(problem_of(wrong)["code"] == "method_not_allowed");
    CHECK(has_header(wrong, "Allow", "POST"));

    CHECK(f.call("GET", "").status == 404);
    CHECK(f.call("GET", "//").status == 404);
    CHECK(f.call("GET", "/health/live/").status == 404);
}

TEST_CASE("routes that hash a password are told apart, so the server runs them on their own pool", "[api][cost]") {
    Fixture f;
    CHECK(f.app.cost_of("POST", "/v1/sessions") == Cost::hashing);
    CHECK(f.app.cost_of("POST", "/v1/admin/accounts") == Cost::hashing);
    CHECK(f.app.cost_of("POST", "/v1/flows/abc/steps/identity") == Cost::hashing);
    CHECK(f.app.cost_of("GET", "/v1/flows/abc") == Cost::light);
    CHECK(f.app.cost_of("GET", "/v1/me") == Cost::memory);
    CHECK(f.app.cost_of("POST", "/v1/sessions/refresh") == Cost::light);
    CHECK(f.app.cost_of("DELETE", "/v1/sessions/abc") == Cost::light);
    CHECK(f.app.cost_of("GET", "/health/live") == Cost::light);
    // No route: light (answered 404/405 at once), whatever the path looks like.
    CHECK(f.app.cost_of("GET", "/v1/sessions-and-more") == Cost::light);
    CHECK(f.app.cost_of("GET", "/v1/sessions") == Cost::light);  // another route of the same path
    CHECK(f.app.cost_of("PUT", "/v1/sessions") == Cost::light);  // 405
    CHECK(f.app.cost_of("GET", "") == Cost::light);

    Router router;
    router.add("GET", "/a/{id}", Body::none, Access::public_, [](const HttpRequest&) { return json_response(200, {}); });
    router.add("POST", "/a/{id}", Body::none, Access::public_, [](const HttpRequest&) { return json_response(200, {}); }, Cost::hashing);
    const HttpApp app(std::move(router), AppOptions{});
    CHECK(app.cost_of("GET", "/a/1") == Cost::light);  // the default
    CHECK(app.cost_of("POST", "/a/1") == Cost::hashing);
    CHECK(app.cost_of("POST", "/a") == Cost::light);
}

TEST_CASE("a route tried without waiting is handed back when it needs the database", "[api][cost]") {
    Router router;
    int runs = 0;
    router.add("GET", "/cached/{id}", Body::none, Access::public_, [&runs](const HttpRequest& r) {
        ++runs;
        if (r.params.at("id") == "miss" && NoWaiting::active()) throw WouldWait();  // as the unit of work does
        return json_response(200, {{"id", r.params.at("id")}});
    }, Cost::memory);
    const HttpApp app(std::move(router), AppOptions{});
    HttpRequest hit;
    hit.method = "GET";
    hit.path = "/cached/hit";
    auto answered = app.handle_without_waiting(hit);
    REQUIRE(answered);
    CHECK(answered->status == 200);
    HttpRequest miss = hit;
    miss.path = "/cached/miss";
    CHECK_FALSE(app.handle_without_waiting(miss));  // for a worker to run again
    CHECK_FALSE(NoWaiting::active());                // the scope ended with the attempt
    CHECK(app.handle(miss).status == 200);
    CHECK(runs == 3);
    // A WouldWait outside any NoWaiting scope is an adapter's bug: a 500, never an escape.
    Router broken;
    broken.add("GET", "/x", Body::none, Access::public_, [](const HttpRequest&) -> HttpResponse { throw WouldWait(); });
    const HttpApp broken_app(std::move(broken), AppOptions{});
    HttpRequest x;
    x.method = "GET";
    x.path = "/x";
    CHECK(broken_app.handle(x).status == 500);
}

TEST_CASE("password strength: Secret123! is faible and refused (issue acceptance)", "[api]") {
    Fixture f;
    auto r = f.call("POST", "/v1/password-strength", R"({"password":"Secret123!"})");
    REQUIRE(r.status == 200);
    auto body = json::parse(r.body);
    CHECK(body["level"] == "faible");
    CHECK(body["accepted"] == false);
    CHECK(body["feedback"].is_array());

    auto strong = json::parse(f.call("POST", "/v1/password-strength", R"({"password":"Vélo-Grenier-Horloge-42!"})").body);
    CHECK(strong["accepted"] == true);
    CHECK(strong["level"] != "faible");
}

TEST_CASE("hostile bodies answer problem+json 4xx, never 500", "[api][hostile]") {
    Fixture f;
    struct Case {
        const char* name;
        std::string body;
        std::map<std::string, std::string> headers;
        int status;
        const char* code;
    };
    const std::map<std::string, std::string> json_ct{{"content-type", "application/json"}};
    std::vector<Case> cases{
        {"malformed JSON", R"({"password":)", json_ct, 400, "validation_error"},
        {"empty body", "", json_ct, 400, "validation_error"},
        {"array instead of object", R"(["x"])", json_ct, 400, "validation_error"},
        {"number instead of string", R"({"password":12345678})", json_ct, 400, "validation_error"},
        {"null password", R"({"password":null})", json_ct, 400, "validation_error"},
        {"missing password", R"({})", json_ct, 400, "validation_error"},
        {"context not an object", R"({"password":"x","context":"y"})", json_ct, 400, "validation_error"},
        {"escaped NUL in a string", R"({"password":"abc\u0000def"})", json_ct, 400, "validation_error"},
        {"raw NUL byte", std::string("{\"password\":\"a\0b\"}", 18), json_ct, 400, "validation_error"},
        {"invalid UTF-8", "{\"password\":\"\xC3\x28\xFF\"}", json_ct, 400, "validation_error"},
        {"lone surrogate escape", R"({"password":"\ud800"})", json_ct, 400, "validation_error"},
        {"1 MB body", std::string(1024 * 1024, 'a'), json_ct, 413, "payload_too_large"},
        {"no content type", R"({"password":"x"})", {}, 415, "unsupported_media_type"},
        {"form content type", "password=x", {{"content-type", "application/x-www-form-urlencoded"}}, 415,
         "unsupported_media_type"},
        {"deep nesting", std::string(20000, '[') + std::string(20000, ']'), json_ct, 400, "validation_error"},
        {"huge string", "{\"password\":\"" + std::string(5000, 'A') + "\"}", json_ct, 400, "validation_error"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        auto r = f.call("POST", "/v1/password-strength", c.body, c.headers);
        CHECK(r.status == c.status);
        CHECK(problem_of(r)["code"] == c.code);
    }
    // Content type parameters and case do not matter.
    CHECK(f.call("POST", "/v1/password-strength", R"({"password":"x"})", {{"content-type", "Application/JSON; charset=utf-8"}}).status == 200);
    // Unicode is fine where it is valid.
    CHECK(f.call("POST", "/v1/password-strength", R"({"password":"Mötörhead 🎸 ünïcödé"})").status == 200);
}

TEST_CASE("admin routes need the bearer token, compared in full", "[api][admin]") {
    Fixture f;
    const std::string one = R"([{"nir":"184027512345674","last_name":"Martin","first_name":"Jean","birth_date":"1984-02-29","member_type":"particulier"}])";
    auto none = f.call("POST", "/v1/admin/members", one);
    CHECK(none.status == 401);
    CHECK(problem_of(none)["code"] == "unauthorized");
    CHECK(has_header(none, "WWW-Authenticate", "Bearer"));
    for (const char* wrong : {"Bearer admin-token-012345678", "Bearer admin-token-01234567890", "Basic admin-token-0123456789",
                              "Bearer ", "admin-token-0123456789"}) {
        INFO(wrong);
        CHECK(f.call("POST", "/v1/admin/members", one, {{"content-type", "application/json"}, {"authorization", wrong}}).status == 401);
    }
    auto ok = f.call("POST", "/v1/admin/members", one, kAdmin);
    REQUIRE(ok.status == 200);
    CHECK(json::parse(ok.body) == json{{"created", 1}, {"updated", 0}, {"unchanged", 0}});
    CHECK(json::parse(f.call("POST", "/v1/admin/members", one, kAdmin).body)["unchanged"] == 1);

    // Disabled admin API: 403 whatever the token.
    Fixture closed{AppOptions{}};
    auto r = closed.call("POST", "/v1/admin/members", one, kAdmin);
    CHECK(r.status == 403);
    CHECK(problem_of(r)["code"] == "forbidden");
}

TEST_CASE("admin import reports each bad record and writes nothing", "[api][admin]") {
    Fixture f;
    const std::string body = R"([
      {"nir":"184027512345674","last_name":"Martin","first_name":"Jean","birth_date":"1984-02-29","member_type":"particulier"},
      {"nir":"184027512345675","last_name":"Martin","first_name":"Jean","birth_date":"1984-02-29","member_type":"particulier"},
      "not an object",
      {"nir":"269029935004220","last_name":42,"first_name":"Élodie","birth_date":"1969-02-01","member_type":"particulier"}
    ])";
    auto r = f.call("POST", "/v1/admin/members", body, kAdmin);
    CHECK(r.status == 400);
    auto problem = problem_of(r);
    CHECK(problem["code"] == "validation_error");
    REQUIRE(problem["errors"].size() == 2);  // shape errors first; row rules once shapes are right
    CHECK(problem["errors"][0]["index"] == 2);
    CHECK(problem["errors"][1]["index"] == 3);
    CHECK(problem["errors"][1]["field"] == "last_name");
    CHECK(f.uow.member_count() == 0);

    const std::string rules = R"([
      {"nir":"184027512345674","last_name":"Martin","first_name":"Jean","birth_date":"1984-02-29","member_type":"particulier"},
      {"nir":"184027512345675","last_name":"Martin","first_name":"Jean","birth_date":"1984-02-29","member_type":"particulier"}
    ])";
    auto r2 = problem_of(f.call("POST", "/v1/admin/members", rules, kAdmin));
    REQUIRE(r2["errors"].size() == 1);
    CHECK(r2["errors"][0]["index"] == 1);
    CHECK(r2["errors"][0]["field"] == "nir");
    CHECK(r2["errors"][0]["code"] == "invalid_nir");
    CHECK(f.uow.member_count() == 0);

    CHECK(f.call("POST", "/v1/admin/members", "{}", kAdmin).status == 400);
}

TEST_CASE("infrastructure failure is a 503 problem, not a crash", "[api]") {
    Fixture f;
    f.uow.fail_next_with_unavailable = true;
    const std::string one = R"([{"nir":"184027512345674","last_name":"Martin","first_name":"Jean","birth_date":"1984-02-29","member_type":"particulier"}])";
    auto r = f.call("POST", "/v1/admin/members", one, kAdmin);
    CHECK(r.status == 503);
    CHECK(problem_of(r)["code"] == "unavailable");
}

TEST_CASE("secret questions list ids and French labels", "[api]") {
    Fixture f;
    auto list = json::parse(f.call("GET", "/v1/secret-questions").body);
    REQUIRE(list.is_array());
    REQUIRE(list.size() >= 3);
    for (const auto& q : list) {
        CHECK(q["id"].is_string());
        CHECK(q["label"].get<std::string>().back() == '?');
    }
}

TEST_CASE("every error code has a status, a French title and its own name", "[api]") {
    std::set<std::string_view> names;
    for (const auto code : every_error_code) {  // the one list, whatever a code's position in it
        const auto info = problem_info(code);
        INFO(to_string(code));
        CHECK(info.status >= 400);
        CHECK(info.status < 600);
        CHECK_FALSE(info.title.empty());
        CHECK(names.insert(to_string(code)).second);
        const auto problem = json::parse(problem_response(Error(code), "/x").body);
        CHECK(problem["code"] == std::string(to_string(code)));
        CHECK(problem["status"] == info.status);
    }
    CHECK(names.size() == std::size(every_error_code));
    CHECK(problem_info(ErrorCode::account_not_locked).title == "Votre compte n'est pas bloqué.");
}

TEST_CASE("admin outbox routes: masked listings, retry of dead messages, the print queue", "[api][admin]") {
    Fixture f;
    const auto now = std::chrono::system_clock::now();
    f.uow.outbox_rows().messages.push_back(MessageSummary{7, Channel::sms, MessageKind::security_code, "06 •• •• •• 78",
                                                          MessageStatus::dead, 1, "HTTP 400", now, std::nullopt, std::nullopt});
    f.uow.outbox_rows().letters.push_back(Letter{9, "Jean Martin\n75002 Paris", RenderedMessage{"Votre mot de passe", "texte"}, now, std::nullopt});

    auto dead = f.call("GET", "/v1/admin/messages", "", kAdmin);
    REQUIRE(dead.status == 200);
    auto list = json::parse(dead.body);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["recipient"] == "06 •• •• •• 78");
    CHECK(list[0]["last_error"] == "HTTP 400");

    HttpRequest bad_status;
    bad_status.method = "GET";
    bad_status.path = "/v1/admin/messages";
    bad_status.query = {{"status", "lost"}};
    bad_status.headers = kAdmin;
    CHECK(f.app.handle(bad_status).status == 400);

    CHECK(f.call("POST", "/v1/admin/messages/7/retry", "", kAdmin).status == 200);
    CHECK(f.call("POST", "/v1/admin/messages/7/retry", "", kAdmin).status == 404);  // no longer dead
    for (const char* id : {"0", "-1", "x", "99999999999999999999999"})
        CHECK(f.call("POST", std::string("/v1/admin/messages/") + id + "/retry", "", kAdmin).status == 404);
    CHECK(f.call("GET", "/v1/admin/messages", "", {}).status == 401);

    auto letters = json::parse(f.call("GET", "/v1/admin/letters", "", kPrint).body);
    REQUIRE(letters.size() == 1);
    CHECK(letters[0]["postal_address"] == "Jean Martin\n75002 Paris");
    CHECK(letters[0]["printed_at"].is_null());
    CHECK(f.call("POST", "/v1/admin/letters/9/printed", "", kPrint).status == 200);
    CHECK(f.call("POST", "/v1/admin/letters/9/printed", "", kPrint).status == 404);
    CHECK(json::parse(f.call("GET", "/v1/admin/letters", "", kPrint).body).empty());
}

TEST_CASE("metrics are Prometheus text with the outbox gauges and delivery counters", "[api]") {
    Fixture f;
    f.counters.sent = 5;
    f.counters.dead = 1;
    auto r = f.call("GET", "/metrics", "", bearer(kMetricsToken));
    CHECK(r.status == 200);
    CHECK(r.content_type.rfind("text/plain", 0) == 0);
    CHECK(r.body.find("guichet_messages_sent_total 5\n") != std::string::npos);
    CHECK(r.body.find("guichet_messages_dead_total 1\n") != std::string::npos);
    CHECK(r.body.find("# TYPE guichet_outbox_pending gauge\n") != std::string::npos);
}

TEST_CASE("the step route picks its pool by the step: only steps that hash go to the hashing pool", "[api][flows]") {
    Fixture f;
    for (const char* step : {"identity", "channel", "code", "security_answer", "credentials", "connect_password"}) {
        INFO(step);
        CHECK(f.app.cost_of("POST", std::string("/v1/flows/abc/steps/") + step) == Cost::hashing);
    }
    for (const char* step : {"personal_info", "resend", "email", "inconnue"}) {
        INFO(step);
        CHECK(f.app.cost_of("POST", std::string("/v1/flows/abc/steps/") + step) == Cost::light);
    }
    CHECK(f.app.cost_of("POST", "/v1/flows/unlock") == Cost::hashing);  // one known channel: a temporary password at once
    CHECK(f.app.cost_of("POST", "/v1/flows/recovery") == Cost::light);
}
