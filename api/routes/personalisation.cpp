// First-login personalisation after the password (seed 004): confirm the contact details, then
// the email with a 4-digit code. Each answer carries the session's new access token.
#include "api/http/input.hpp"
#include "api/http/time_format.hpp"
#include "api/problem.hpp"
#include "api/routes/routes.hpp"
#include "domain/texts/catalogue.hpp"

namespace guichet::api {

void add_personalisation_routes(Router& router, Services& services) {
    router.add("PUT", "/v1/me/contacts", Body::json_object, Access::member, [&services](const HttpRequest& request) {
        const auto session = authenticated(request, services.sessions, Sessions::Scope::required_actions);
        const auto& body = request.json;
        const ContactsInput input{required_string(body, "email", 254), optional_string(body, "mobile_phone", 32),
                                  optional_string(body, "landline_phone", 32), optional_string(body, "fax", 32),
                                  optional_string(body, "current_password", 1024)};
        return access_response(text(Text::contacts_confirmed), value_or_problem(services.contact_details.confirm(session, input)));
    }, Cost::hashing);  // a change of email or mobile checks the current password

    router.add("POST", "/v1/me/email-verification", Body::none, Access::member, [&services](const HttpRequest& request) {
        const auto session = authenticated(request, services.sessions, Sessions::Scope::required_actions);
        const auto sent = value_or_problem(services.contact_details.send_email_code(session));
        return json_response(202, {{"message", text(Text::contact_code_sent, {{"destination", sent.destination}})},
                                   {"destination", sent.destination},
                                   {"expires_at", iso8601(sent.expires_at)}});
    });

    router.add("POST", "/v1/me/email-verification/confirm", Body::json_object, Access::member, [&services](const HttpRequest& request) {
        const auto session = authenticated(request, services.sessions, Sessions::Scope::required_actions);
        const auto code = required_string(request.json, "code", 16);
        return access_response(text(Text::email_verified), value_or_problem(services.contact_details.confirm_email_code(session, code)));
    });
}

}  // namespace guichet::api
