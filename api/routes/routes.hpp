#pragma once
// The route table of the service. Each file of api/routes/ adds the routes of one area; handlers
// only translate JSON to a use-case call and its result back to JSON.
#include "api/http/router.hpp"
#include "api/metrics/metrics.hpp"
#include "domain/health.hpp"
#include "service/members/member_import.hpp"
#include "domain/notifications/outbox.hpp"
#include "service/accounts/account_import.hpp"
#include "service/delivery/dispatcher.hpp"
#include "service/delivery/outbox_actions.hpp"
#include "service/flows/flows.hpp"
#include "service/passwords/password_change.hpp"
#include "service/personalisation/contact_details.hpp"
#include "service/registration/registration.hpp"
#include "service/sessions/sessions.hpp"
#include "service/agents/agent_actions.hpp"
#include "service/identifier_switch/identifier_switch.hpp"
#include "service/passwords/password_strength.hpp"
#include "service/oidc/provider.hpp"

namespace guichet::api {

// The use cases the routes call; built by the composition root (app/main.cpp), with designated
// initialisers. Flow types are not listed: the routes reach every one through `flows`.
struct Services {
    ReadinessProbe& readiness;
    const Lifecycle& lifecycle;
    const Metrics& metrics;
    const PasswordStrengthCheck& password_strength;
    MemberImport& member_import;
    OutboxAdmin& outbox;
    const DeliveryCounters& delivery_counters;
    const BrandSettings& brand;
    AccountImport& account_import;
    Sessions& sessions;
    const nlohmann::json& jwks;  // public keys of the access-token signer
    Flows& flows;
    Registration& registration;
    PasswordChange& password_change;
    ContactDetails& contact_details;
    AgentActions& agent_actions;
    IdentifierSwitch& identifier_switch;
    OutboxActions& outbox_actions;
    OidcProvider& oidc;
};

// The fields of a new session (login, reset link, email validation) and of a new access token.
nlohmann::json actions_json(const std::vector<RequiredAction>& actions);
nlohmann::json tokens_json(const SessionTokens& tokens);
nlohmann::json access_json(const AccessToken& access);

// 200 with a message and the session's new access token (its required actions changed).
HttpResponse access_response(const std::string& message, const AccessToken& access,
                             nlohmann::json extra = nlohmann::json::object());

// The token of the request's `Authorization: Bearer …` header; empty without one.
std::string bearer_token(const HttpRequest& request);
// The agent behind a back-office call (X-Agent-Id), recorded with what it does (SPEC.md §8):
// required, or a 400 problem thrown (api/routes/admin_accounts.cpp).
std::string agent_of(const HttpRequest& request);
// The session behind the request's bearer token, or a 401/403 problem thrown (api/routes/sessions.cpp).
AuthenticatedSession authenticated(const HttpRequest& request, Sessions& sessions,
                                   Sessions::Scope scope = Sessions::Scope::full);

void add_operations_routes(Router& router, Services& services);
void add_password_routes(Router& router, Services& services);
void add_admin_member_routes(Router& router, Services& services);
void add_admin_outbox_routes(Router& router, Services& services);
void add_admin_account_routes(Router& router, Services& services);
void add_session_routes(Router& router, Services& services);
void add_flow_routes(Router& router, Services& services);
void add_personalisation_routes(Router& router, Services& services);
void add_oidc_routes(Router& router, Services& services);

Router build_router(Services& services);

const std::string& openapi_yaml();  // openapi.yaml, embedded at build time

}  // namespace guichet::api
