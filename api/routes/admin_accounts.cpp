// Back-office: bring over a portal account of the previous system (SPEC.md §4), and the Connect
// identities other sites of the insurer created before Guichet.
#include "api/http/input.hpp"
#include "api/problem.hpp"
#include "api/routes/routes.hpp"

namespace guichet::api {

void add_admin_account_routes(Router& router, Services& services) {
    router.add("POST", "/v1/admin/accounts", Body::json_object, Access::admin, [&services](const HttpRequest& request) {
        const auto& body = request.json;
        ImportAccountCommand command{required_string(body, "nir", 32), optional_string(body, "password_hash", 512),
                                     required_bool(body, "has_logged_in"), optional_bool(body, "locked").value_or(false),
                                     optional_string(body, "send_temporary_password_by", 16),
                                     optional_bool(body, "password_never_created").value_or(false)};
        auto result = services.account_import.run(command);
        if (!result) throw ProblemException(result.error());
        return json_response(201, {{"id", result->id},
                                   {"identifier", "nir"},
                                   {"status", "active"},
                                   {"temporary_password_sent_by", result->temporary_password_sent_by
                                                                      ? nlohmann::json(to_string(*result->temporary_password_sent_by))
                                                                      : nlohmann::json(nullptr)}});
    }, Cost::hashing);

    router.add("POST", "/v1/admin/identities", Body::json_object, Access::admin, [&services](const HttpRequest& request) {
        const auto& body = request.json;
        ImportIdentityCommand command{required_string(body, "email", 254), required_string(body, "password_hash", 512),
                                      optional_bool(body, "validated").value_or(false)};
        const auto id = value_or_problem(services.account_import.import_identity(command));
        return json_response(201, {{"id", id}, {"validated", command.validated}});
    });
}

}  // namespace guichet::api
