// Passwords: the secret-question list and the live strength gauge for forms (seeds 003, 004),
// setting a new password from an email link, and changing or personalising it while logged in.
#include "api/http/input.hpp"
#include "api/problem.hpp"
#include "api/routes/routes.hpp"
#include "domain/texts/catalogue.hpp"
#include "domain/secret_questions.hpp"

namespace guichet::api {

void add_password_routes(Router& router, Services& services) {
    router.add("GET", "/v1/secret-questions", Body::none, Access::public_, [](const HttpRequest&) {
        auto list = nlohmann::json::array();
        for (const auto& q : secret_questions()) list.push_back({{"id", q.id}, {"label", q.label}});
        return json_response(200, list);
    });

    router.add("POST", "/v1/password-strength", Body::json_object, Access::public_,
               [&services](const HttpRequest& request) {
                   const auto& body = request.json;
                   const auto password = required_string(body, "password", 1024);
                   const auto& ctx = optional_object(body, "context");
                   StrengthContext context{
                       optional_string(ctx, "email", 254).value_or(""),
                       optional_string(ctx, "last_name", 200).value_or(""),
                       optional_string(ctx, "first_name", 200).value_or(""),
                       optional_string(ctx, "birth_date", 32).value_or(""),
                       "",
                   };
                   const auto strength = services.password_strength.run(password, context);
                   return json_response(200, {{"level", to_string(strength.level)},
                                              {"accepted", strength.accepted},
                                              {"feedback", strength.feedback}});
               }).rate = AddressRate::strength;

    router.add("POST", "/v1/password-resets", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        const auto& body = request.json;
        const auto done = value_or_problem(services.password_change.reset(
            required_string(body, "token", 256),
            NewPassword{required_string(body, "password", 1024), required_string(body, "password_confirmation", 1024)},
            optional_string(body, "secret_answer", 200)));
        nlohmann::json answer = done.session ? tokens_json(*done.session) : nlohmann::json::object();
        answer["message"] = text(Text::password_changed);
        auto response = json_response(200, answer);
        response.headers.emplace_back("Cache-Control", "no-store");
        return response;
    }, Cost::hashing);

    router.add("PUT", "/v1/me/password", Body::json_object, Access::member, [&services](const HttpRequest& request) {
        const auto session = authenticated(request, services.sessions, Sessions::Scope::required_actions);
        const auto& body = request.json;
        const auto changed = value_or_problem(services.password_change.change(
            session, optional_string(body, "current_password", 1024),
            NewPassword{required_string(body, "password", 1024), required_string(body, "password_confirmation", 1024)}));
        return access_response(text(Text::password_changed), changed.access,
                               {{"other_sessions_ended", changed.other_sessions_ended}});
    }, Cost::hashing);
}

}  // namespace guichet::api
