#include "api/routes/routes.hpp"

namespace guichet::api {

Router build_router(Services& services) {
    Router router;
    add_operations_routes(router, services);
    add_password_routes(router, services);
    add_admin_member_routes(router, services);
    add_admin_outbox_routes(router, services);
    add_admin_account_routes(router, services);
    add_session_routes(router, services);
    add_flow_routes(router, services);
    add_personalisation_routes(router, services);
    add_oidc_routes(router, services);
    return router;
}

}  // namespace guichet::api
