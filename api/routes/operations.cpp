// Operations: liveness, readiness (the database answers, the process is not stopping) and the
// OpenAPI description.
#include "api/problem.hpp"
#include "api/routes/routes.hpp"

namespace guichet::api {

void add_operations_routes(Router& router, Services& services) {
    router.add("GET", "/health/live", Body::none, Access::operations,
               [](const HttpRequest&) { return json_response(200, {{"status", "live"}}); });

    router.add("GET", "/health/ready", Body::none, Access::operations, [&services](const HttpRequest& request) {
        if (services.lifecycle.stopping)
            return problem_response(Error{ErrorCode::unavailable, "le service s'arrête : les requêtes vont à une autre instance"}, request.path);
        if (!services.readiness.ready())
            return problem_response(Error{ErrorCode::unavailable, "la base de données ne répond pas"}, request.path);
        return json_response(200, {{"status", "ready"}});
    });

    router.add("GET", "/openapi.yaml", Body::none, Access::operations, [](const HttpRequest&) {
        return HttpResponse{200, "application/yaml", openapi_yaml(), {}};
    });
}

}  // namespace guichet::api
