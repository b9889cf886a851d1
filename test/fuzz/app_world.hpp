#pragma once
// The HTTP app of the fuzzing harnesses: HttpApp over the in-memory service graph of the unit
// tests (test/support/service_graph.hpp), with the limits, CORS and every back-office token on,
// a few members, accounts and Connect identities, and a reader of requests written as text:
//
//   POST /v1/sessions?x=1              method, path, optional query string
//   content-type: application/json     headers until an empty line (names lower-cased)
//
//   {"identifier":"184027512345674","password":"Ancien-Mot2passe!"}      the body, to the end
//   ===                                a line of "===" starts the next request
//
// In paths, header values and bodies, $id, $access and $refresh stand for the last "id",
// "access_token" and "refresh_token" answered, $token, $code and $password for those of the newest
// message sent (links, codes, temporary passwords), and $admin, $print and $metrics for the
// back-office tokens, so that a short input goes through a whole flow. Each input gets a world of
// its own: what one does cannot change what the next one sees, and every crash replays alone.
#include <string>
#include <vector>

#include "api/http/request_limits.hpp"
#include "domain/network_address.hpp"
#include "domain/text.hpp"
#include "fuzz.hpp"
#include "support/app_fixture.hpp"

namespace guichet::fuzz {

inline constexpr const char* kPassword = "Ancien-Mot2passe!";  // of every account below
inline constexpr const char* kPortal = "https://espace.exemple.fr";

struct AppWorld : testing::ServiceGraph {
    std::vector<Cidr> proxies{*Cidr::parse("10.0.0.0/8"), *Cidr::parse("::1")};
    api::RequestLimits limits{uow, clock, testing::test_rules().rates, proxies};
    api::HttpApp app{api::build_router(services), options()};
    std::map<std::string, std::string> last;  // what $id, $access… stand for

    AppWorld() {
        uow.run([&](Transaction& tx) {
            for (const auto& member : members()) tx.members().upsert(member);
            const auto hash = std::string("plain$") + kPassword;
            tx.accounts().create_legacy(LegacyAccount{*Nir::parse("184027512345674"), hash, false, std::nullopt, true});
            tx.accounts().create_legacy(LegacyAccount{*Nir::parse("175057505612393"), hash, false, std::nullopt, false});
            tx.accounts().create_legacy(LegacyAccount{*Nir::parse("293026938112301"), hash, false, std::nullopt, true});
            tx.identities().create(NewIdentity{*Email::parse("elodie@exemple.fr"), hash, "", "", true});
            tx.identities().create(NewIdentity{*Email::parse("brouillon@exemple.fr"), hash, "", "", false});
        });
        last["admin"] = testing::kAdminToken;
        last["print"] = testing::kPrintToken;
        last["metrics"] = testing::kMetricsToken;
    }

    // Parsed once (libphonenumber is most of the cost of a world otherwise).
    static const std::vector<Member>& members() {
        static const std::vector<Member> all = [] {
            using testing::sample_record;
            auto claire = sample_record("269029935004220");  // no account: she can register
            claire.last_name = "Durand";
            claire.first_name = "Claire";
            claire.birth_date = "1969-02-11";
            auto pierre = sample_record("175057505612393");  // an exploitant, a mobile and no email
            pierre.last_name = "Dubois";
            pierre.member_type = "exploitant";
            pierre.email = "";
            pierre.mobile_phone = "0645123456";
            auto anne = sample_record("293026938112301");  // a Guadeloupe mobile
            anne.last_name = "Bernard";
            anne.email = "anne.bernard@exemple.fr";
            anne.mobile_phone = "0690123456";
            std::vector<Member> out;
            for (const auto& record : {sample_record(), claire, pierre, anne}) {
                auto member = parse_member(record, CalendarDate{2026, 11, 25});
                if (!member) std::abort();
                out.push_back(std::move(*member));
            }
            return out;
        }();
        return all;
    }

    api::AppOptions options() {
        auto o = testing::app_options();
        o.max_body_bytes = 4096;  // small enough for the fuzzer to cross
        o.limits = &limits;
        o.cors_origins = {kPortal};
        return o;
    }

    std::string substituted(std::string text) const {
        for (const auto& [name, value] : last) {
            const auto placeholder = "$" + name;
            for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
                text.replace(at, placeholder.size(), value);
        }
        return text;
    }

    // One request written as above (without its "===").
    api::HttpRequest request_of(std::string_view text) const {
        api::HttpRequest request;
        request.request_id = "fuzz";
        request.peer = "10.0.0.1";  // a trusted proxy: X-Forwarded-For is read
        const auto line_end = std::min(text.find('\n'), text.size());
        const auto line = text.substr(0, line_end);
        const auto space = std::min(line.find(' '), line.size());
        request.method = std::string(line.substr(0, space));
        auto target = substituted(std::string(line.substr(std::min(space + 1, line.size()))));
        if (const auto q = target.find('?'); q != std::string::npos) {
            std::string_view query(target);
            query.remove_prefix(q + 1);
            while (!query.empty()) {
                const auto amp = std::min(query.find('&'), query.size());
                const auto pair = query.substr(0, amp);
                const auto eq = std::min(pair.find('='), pair.size());
                request.query[std::string(pair.substr(0, eq))] = std::string(pair.substr(std::min(eq + 1, pair.size())));
                query.remove_prefix(std::min(amp + 1, query.size()));
            }
            target.resize(q);
        }
        request.path = std::move(target);
        text.remove_prefix(std::min(line_end + 1, text.size()));
        while (!text.empty()) {
            const auto end = std::min(text.find('\n'), text.size());
            const auto header = text.substr(0, end);
            text.remove_prefix(std::min(end + 1, text.size()));
            if (header.empty()) break;
            const auto colon = std::min(header.find(':'), header.size());
            auto value = header.substr(std::min(colon + 1, header.size()));
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            request.headers[ascii_lower(header.substr(0, colon))] = substituted(std::string(value));
        }
        request.body = substituted(std::string(text));
        return request;
    }

    // Remembers what the answer and the newest message hold for the next requests.
    void remember(const api::HttpResponse& response) {
        if (response.content_type == "application/json") {
            const auto body = nlohmann::json::parse(response.body, nullptr, false);
            if (body.is_object())
                for (const char* name : {"id", "access_token", "refresh_token"}) {
                    const auto it = body.find(name);
                    if (it == body.end()) continue;
                    const auto key = std::string(name) == "id" ? "id" : std::string(name) == "access_token" ? "access" : "refresh";
                    last[key] = it->is_string() ? it->get<std::string>() : it->dump();
                }
        }
        if (!uow.outbox().empty())
            for (const char* name : {"token", "code", "password"})
                if (const auto it = uow.outbox().back().params.find(name); it != uow.outbox().back().params.end()) last[name] = it->second;
    }

    // SPEC.md §5 and STYLE.md: nothing a client sends makes the app fail (no 500, nothing thrown), every
    // error is problem+json with its status and a stable code (OAuth's own JSON errors on /oauth2/), every JSON answer is JSON, and no
    // header carries a line break (response splitting).
    static void check(const api::HttpRequest& request, const api::HttpResponse& response) {
        FUZZ_CHECK(response.status >= 200 && response.status < 500);
        for (const auto& [name, value] : response.headers)
            FUZZ_CHECK(name.find_first_of("\r\n") == std::string::npos && value.find_first_of("\r\n") == std::string::npos);
        FUZZ_CHECK(testing::header_of(response, "X-Request-Id") == request.request_id);
        if (response.status >= 400 && request.path.rfind("/oauth2/", 0) == 0 && response.content_type == "application/json") {
            // The token, userinfo and revocation endpoints answer RFC 6749 §5.2 errors, not problems.
            const auto error = nlohmann::json::parse(response.body, nullptr, false);
            FUZZ_CHECK(error.is_object() && error.contains("error") && error["error"].is_string());
        } else if (response.status >= 400) {
            FUZZ_CHECK(response.content_type == "application/problem+json");
            const auto problem = nlohmann::json::parse(response.body, nullptr, false);
            FUZZ_CHECK(problem.is_object());
            FUZZ_CHECK(problem.value("status", 0) == response.status);
            FUZZ_CHECK(problem.contains("code") && problem["code"].is_string() && !problem["code"].get<std::string>().empty());
            FUZZ_CHECK(problem.contains("title") && problem["title"].is_string());
            if (response.status == 405) FUZZ_CHECK(testing::header_of(response, "Allow").has_value());
        } else if (response.status == 204) {
            FUZZ_CHECK(response.body.empty());
        } else if (response.content_type == "application/json") {
            FUZZ_CHECK(!nlohmann::json::parse(response.body, nullptr, false).is_discarded());
        }
    }

    api::HttpResponse call(api::HttpRequest request) {
        const auto triage = app.triage(request);  // what the server asks first, on the event loop
        (void)triage;
        auto response = app.handle(request);
        check(request, response);
        remember(response);
        return response;
    }
};

// The requests of an input, split at its "===" lines; at most `limit` of them.
inline std::vector<std::string_view> requests_of(std::string_view input, std::size_t limit = 8) {
    std::vector<std::string_view> out;
    while (out.size() < limit) {
        const auto end = input.find("\n===\n");
        out.push_back(input.substr(0, end));
        if (end == std::string_view::npos) break;
        input.remove_prefix(end + 5);
    }
    return out;
}

}  // namespace guichet::fuzz
