// Login, refresh, logout, the member's own account, and the public keys other sites use to
// check our access tokens (SPEC.md §5-6).
#include "api/http/input.hpp"
#include "api/http/time_format.hpp"
#include "api/problem.hpp"
#include "api/routes/routes.hpp"

namespace guichet::api {

nlohmann::json actions_json(const std::vector<RequiredAction>& actions) {
    auto list = nlohmann::json::array();
    for (auto a : actions) list.push_back(to_string(a));
    return list;
}

nlohmann::json tokens_json(const SessionTokens& t) {
    return {{"access_token", t.access_token},
            {"refresh_token", t.refresh_token},
            {"token_type", "Bearer"},
            {"expires_in", t.expires_in.count()},
            {"required_actions", actions_json(t.required_actions)}};
}

nlohmann::json access_json(const AccessToken& access) {
    return {{"access_token", access.access_token},
            {"token_type", "Bearer"},
            {"expires_in", access.expires_in.count()},
            {"required_actions", actions_json(access.required_actions)}};
}

namespace {

HttpResponse tokens_response(nlohmann::json body) {
    auto response = json_response(200, body);
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

}  // namespace

std::string bearer_token(const HttpRequest& request) {
    const auto auth = request.header("authorization").value_or("");
    const std::string prefix = "Bearer ";
    return auth.rfind(prefix, 0) == 0 ? auth.substr(prefix.size()) : std::string{};
}

HttpResponse access_response(const std::string& message, const AccessToken& access, nlohmann::json extra) {
    auto body = access_json(access);
    body["message"] = message;
    if (extra.is_object()) body.update(extra);
    auto response = json_response(200, body);
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

AuthenticatedSession authenticated(const HttpRequest& request, Sessions& sessions, Sessions::Scope scope) {
    auto session = sessions.authenticate(bearer_token(request), scope);
    if (!session) throw ProblemException(session.error());
    return *session;
}

namespace {

nlohmann::json phone_text(const std::optional<Phone>& p) { return p ? nlohmann::json(p->e164()) : nlohmann::json(nullptr); }

}  // namespace

void add_session_routes(Router& router, Services& services) {
    router.add("POST", "/v1/sessions", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        const auto identifier = required_string(request.json, "identifier", 254);
        const auto password = required_string(request.json, "password", 1024);
        const auto tokens = value_or_problem(services.sessions.login(identifier, password));
        auto body = tokens_json(tokens);
        body["offered_actions"] = actions_json(tokens.offered_actions);
        return tokens_response(std::move(body));
    }, Cost::hashing).rate = AddressRate::login;

    router.add("POST", "/v1/sessions/refresh", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        return tokens_response(tokens_json(value_or_problem(services.sessions.refresh(required_string(request.json, "refresh_token", 256)))));
    });

    router.add("DELETE", "/v1/sessions/current", Body::none, Access::member, [&services](const HttpRequest& request) {
        const auto session = authenticated(request, services.sessions, Sessions::Scope::required_actions);
        check_or_problem(services.sessions.logout(session));
        return HttpResponse{204, "application/json", "", {}};
    });

    router.add("GET", "/v1/sessions", Body::none, Access::member, [&services](const HttpRequest& request) {
        const auto session = authenticated(request, services.sessions);
        auto list = nlohmann::json::array();
        for (const auto& s : services.sessions.list(session))
            list.push_back({{"id", s.id},
                            {"current", s.id == session.claims.session_id},
                            {"created_at", iso8601(s.created_at)},
                            {"last_used_at", iso8601(s.last_used_at)},
                            {"expires_at", iso8601(s.expires_at)}});
        return json_response(200, list);
    });

    router.add("DELETE", "/v1/sessions/{id}", Body::none, Access::member, [&services](const HttpRequest& request) {
        const auto session = authenticated(request, services.sessions);
        check_or_problem(services.sessions.revoke(session, request.params.at("id")));
        return HttpResponse{204, "application/json", "", {}};
    });

    router.add("GET", "/v1/me", Body::none, Access::member, [&services](const HttpRequest& request) {
        const auto p = value_or_problem(services.sessions.me(bearer_token(request)));
        return json_response(200, {{"account_id", p.account_id},
                                   {"identifier_kind", p.identifier_kind},
                                   {"nir", p.masked_nir},
                                   {"first_name", p.member.first_name},
                                   {"last_name", p.member.last_name},
                                   {"member_type", to_string(p.member.type)},
                                   {"status", p.status},
                                   {"contacts",
                                    {{"email", p.member.email ? nlohmann::json(p.member.email->value()) : nlohmann::json(nullptr)},
                                     {"mobile_phone", phone_text(p.member.mobile_phone)},
                                     {"landline_phone", phone_text(p.member.landline_phone)},
                                     {"fax", phone_text(p.fax)}}},
                                   {"required_actions", actions_json(p.required_actions)},
                                   {"offered_actions", actions_json(p.offered_actions)}});
    }, Cost::memory);  // the session cache usually has it: answered on the event loop

    router.add("GET", "/.well-known/jwks.json", Body::none, Access::operations, [&services](const HttpRequest&) {
        auto response = json_response(200, services.jwks);
        response.headers.emplace_back("Cache-Control", "public, max-age=300");
        return response;
    });
}

}  // namespace guichet::api
