// Back-office callers (SPEC.md §4, §8): each token opens its own routes only (the agents', the
// print provider's, a scraper's), every admin write names its agent and is recorded with it.
#include <catch2/catch.hpp>

#include <regex>

#include "support/app_fixture.hpp"

using namespace guichet;
using namespace guichet::api;
using namespace guichet::testing;
using nlohmann::json;

namespace {

const std::string kMember =
    R"([{"nir":"184027512345674","last_name":"Martin","first_name":"Jean","birth_date":"1984-02-29","member_type":"particulier",)"
    R"("address":"12 rue de la Paix, 75002 Paris"}])";

std::string code_of(const HttpResponse& r) { return json::parse(r.body).value("code", ""); }

// The events recorded so far, newest last.
std::vector<SecurityEvent> events(AppFixture& f) {
    std::vector<SecurityEvent> out;
    for (const auto& e : f.uow.events()) out.push_back(e.event);
    return out;
}

void add_dead_message_and_letter(AppFixture& f) {
    const auto now = std::chrono::system_clock::now();
    f.uow.outbox_rows().messages.push_back(
        MessageSummary{7, Channel::sms, MessageKind::security_code, "06 •• •• •• 78", MessageStatus::dead, 1, "HTTP 400", now, {}, {}});
    f.uow.outbox_rows().letters.push_back(Letter{9, "Jean Martin\n75002 Paris", RenderedMessage{"Votre mot de passe", "Tmp-9xQ!w2"}, now, {}});
    f.uow.outbox_rows().letters.push_back(Letter{10, "Jean Martin\n75002 Paris", RenderedMessage{"Votre mot de passe", "Tmp-7kP!z4"}, now, {}});
}

}  // namespace

TEST_CASE("the print provider's token opens the print queue and nothing else, and agents no longer read letters", "[api][admin][roles]") {
    AppFixture f;
    add_dead_message_and_letter(f);
    auto letters = f.call("GET", "/v1/admin/letters", "", bearer(kPrintToken));
    REQUIRE(letters.status == 200);
    CHECK(json::parse(letters.body).size() == 2);

    // The letters hold temporary passwords in clear: the agents' token is known, and refused.
    for (const auto& [method, path] : {std::pair{"GET", "/v1/admin/letters"}, std::pair{"POST", "/v1/admin/letters/9/printed"}}) {
        INFO(method << " " << path);
        const auto agents = f.call(method, path, "", bearer(kAdminToken, "agent.dupont"));
        CHECK(agents.status == 403);
        CHECK(code_of(agents) == "forbidden");
        const auto anonymous = f.call(method, path, "", {});
        CHECK(anonymous.status == 401);
        CHECK(header_of(anonymous, "WWW-Authenticate") == "Bearer");
        CHECK(f.call(method, path, "", bearer("print-token-012345678")).status == 401);  // one character short
        CHECK(f.call(method, path, "", bearer(kMetricsToken)).status == 403);
    }
    CHECK(f.uow.outbox_rows().letters[0].content.text == "Tmp-9xQ!w2");  // nothing printed by a refused call

    // …and the print provider's token opens no agent route.
    CHECK(f.call("GET", "/v1/admin/messages", "", bearer(kPrintToken)).status == 403);
    CHECK(f.call("POST", "/v1/admin/members", kMember, bearer(kPrintToken, "imprimeur")).status == 403);
    CHECK(f.call("POST", "/v1/admin/messages/7/retry", "", bearer(kPrintToken, "imprimeur")).status == 403);
    CHECK(f.uow.member_count() == 0);

    // Unset, the print queue answers like the disabled admin API, whatever the token.
    AppFixture no_print{AppOptions{.admin_token = kAdminToken}};
    for (const auto& token : {kPrintToken, kAdminToken}) {
        const auto r = no_print.call("GET", "/v1/admin/letters", "", bearer(token));
        CHECK(r.status == 403);
        CHECK(code_of(r) == "forbidden");
    }
    CHECK(no_print.call("GET", "/v1/admin/messages", "", bearer(kAdminToken)).status == 200);
}

TEST_CASE("/metrics is not readable anonymously: the metrics token or the agents'", "[api][roles]") {
    AppFixture f;
    const auto anonymous = f.call("GET", "/metrics");
    CHECK(anonymous.status == 401);
    CHECK(code_of(anonymous) == "unauthorized");
    CHECK(header_of(anonymous, "WWW-Authenticate") == "Bearer");
    CHECK(f.call("GET", "/metrics", "", bearer("metrics-token-01234567890")).status == 401);
    CHECK(f.call("GET", "/metrics", "", bearer(kMetricsToken)).status == 200);
    CHECK(f.call("GET", "/metrics", "", bearer(kAdminToken)).status == 200);
    CHECK(f.call("GET", "/metrics", "", bearer(kPrintToken)).status == 403);
    // The scraper's token opens nothing else.
    CHECK(f.call("GET", "/v1/admin/messages", "", bearer(kMetricsToken)).status == 403);

    AppFixture admin_only{AppOptions{.admin_token = kAdminToken}};
    CHECK(admin_only.call("GET", "/metrics").status == 401);
    CHECK(admin_only.call("GET", "/metrics", "", bearer(kAdminToken)).status == 200);
    AppFixture closed{AppOptions{}};
    CHECK(closed.call("GET", "/metrics", "", bearer(kMetricsToken)).status == 403);
}

TEST_CASE("every admin write needs X-Agent-Id, before anything else", "[api][admin][roles]") {
    AppFixture f;
    int writes = 0;
    for (const auto& route : f.app.router().routes()) {
        if ((route.access != Access::admin && route.access != Access::print) || route.method == "GET") continue;
        ++writes;
        const auto path = std::regex_replace(route.pattern, std::regex(R"(\{[a-z_]+\})"), "1");
        const std::string body = route.body == Body::json_array ? "[]" : route.body == Body::json_object ? "{}" : "";
        const std::optional<std::string> absent, spaced{"agent dupont"}, empty{""}, long_one{std::string(65, 'a')};
        for (const auto* agent : {&absent, &spaced, &empty, &long_one}) {
            INFO(route.method << " " << path << " agent=" << agent->value_or("(none)"));
            const auto r = f.call(route.method, path, body, bearer(route.access == Access::print ? kPrintToken : kAdminToken, *agent));
            CHECK(r.status == 400);
            CHECK(json::parse(r.body).value("field", "") == "X-Agent-Id");
        }
    }
    CHECK(writes >= 7);  // members, accounts, identities, password reset, unlock, message retry, letter printed
    CHECK(f.uow.events().empty());
    CHECK(f.uow.member_count() == 0);
}

TEST_CASE("each admin write is recorded as a security event with its agent, in its transaction", "[api][admin][roles]") {
    AppFixture f;
    add_dead_message_and_letter(f);
    const auto agent = bearer(kAdminToken, "agent.dupont");

    REQUIRE(f.call("POST", "/v1/admin/members", kMember, agent).status == 200);
    auto recorded = events(f);
    REQUIRE(recorded.size() == 1);
    CHECK(recorded[0].kind == SecurityEventKind::members_imported);
    CHECK_FALSE(recorded[0].account_id);  // records of the registry, no account
    CHECK(recorded[0].agent_id == "agent.dupont");
    CHECK(recorded[0].detail == "created 1, updated 0, unchanged 0");

    const auto account = f.call("POST", "/v1/admin/accounts", R"({"nir":"184027512345674","has_logged_in":false})", agent);
    REQUIRE(account.status == 201);
    const auto id = json::parse(account.body)["id"].get<AccountId>();
    const auto listed = json::parse(f.call("GET", "/v1/admin/accounts/" + std::to_string(id) + "/events", "", agent).body);
    REQUIRE(listed.size() == 2);  // newest first: this very reading, then the import
    CHECK(listed[1]["kind"] == "account_imported");
    CHECK(listed[1]["agent_id"] == "agent.dupont");
    CHECK(listed[1]["detail"] == "temporary password by letter");

    REQUIRE(f.call("POST", "/v1/admin/identities", R"({"email":"jean.martin@exemple.fr","password_hash":"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"})",
                   bearer(kAdminToken, "agent.leroy"))
                .status == 201);
    REQUIRE(f.call("POST", "/v1/admin/messages/7/retry", "", agent).status == 200);
    CHECK(f.call("POST", "/v1/admin/messages/8/retry", "", agent).status == 404);  // refused: nothing recorded
    CHECK(f.call("POST", "/v1/admin/letters/9/printed", "", bearer(kPrintToken)).status == 400);  // SPEC.md §8: every admin write
    REQUIRE(f.call("POST", "/v1/admin/letters/9/printed", "", bearer(kPrintToken, "print-provider")).status == 200);
    REQUIRE(f.call("POST", "/v1/admin/letters/10/printed", "", bearer(kPrintToken, "imprimeur.lyon")).status == 200);
    CHECK(f.call("POST", "/v1/admin/letters/10/printed", "", bearer(kPrintToken, "imprimeur lyon")).status == 400);

    recorded = events(f);
    const auto back_office = std::vector(recorded.end() - 4, recorded.end());
    REQUIRE(recorded.size() == 7);  // members, account, the agent reading its events, then these four
    CHECK(back_office[0].kind == SecurityEventKind::identity_imported);
    CHECK(back_office[0].agent_id == "agent.leroy");
    CHECK_FALSE(back_office[0].account_id);
    CHECK(back_office[0].detail.find("jean.martin") == std::string::npos);  // masked
    CHECK(back_office[1].kind == SecurityEventKind::message_retried);
    CHECK(back_office[1].detail == "message 7");
    CHECK(back_office[1].agent_id == "agent.dupont");
    CHECK(back_office[2].kind == SecurityEventKind::letter_printed);
    CHECK(back_office[2].detail == "message 9");
    CHECK(back_office[2].agent_id == "print-provider");
    CHECK(back_office[3].agent_id == "imprimeur.lyon");
    for (const auto& e : back_office) CHECK_FALSE(e.account_id);
}
