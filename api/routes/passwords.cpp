// Password helpers for forms: the secret-question list and the live strength gauge (seeds 003, 004).
#include "api/http/input.hpp"
#include "api/routes/routes.hpp"
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
               });
}

}  // namespace guichet::api
