#pragma once
// The route table: method + pattern ("/v1/flows/{id}") → handler. Matching tells an unknown path
// (404) from a known path with another method (405, with the allowed methods). Each route also
// says what it costs, so the server can keep password hashing off the threads of cheap requests.
#include <functional>
#include <string>
#include <vector>

#include "api/http/message.hpp"

namespace guichet::api {

enum class Body { none, json_object, json_array };
// public_: anyone; member: a member's bearer token, checked by the handler through Sessions
// (which counts the session's requests, SPEC.md §2); admin: the agents' token; print: the print
// provider's token (the letters hold temporary passwords in clear: agents do not read them);
// metrics: a scraper's token or the agents'; operations: health, the OpenAPI description and the
// public keys, for load balancers and relying parties. admin, print and metrics are checked by
// HttpApp, before the handler.
enum class Access { public_, member, admin, print, metrics, operations };
// Which per-client-address limit of SPEC.md §2 a route counts against (RequestRates, domain/rules.hpp).
// Public routes count against `public_routes` unless they say otherwise; other routes count
// against none (a member's routes are limited per session).
enum class AddressRate { none, login, flows, strength, public_routes };
// light: a few database round trips; run on the general pool.
// hashing: the handler runs Argon2id (or bcrypt) on a password: tens of milliseconds of one core
// and 19 MiB each. The server runs those requests on their own small pool (api/http/server.cpp).
// memory: usually answered from memory (GET /v1/me and the session cache): first tried on the
// event loop without waiting, handed to the general pool when it needs the database.
enum class Cost { light, hashing, memory };

using Handler = std::function<HttpResponse(const HttpRequest&)>;
// A route whose cost depends on its path parameters (a flow step: its name).
using CostOf = std::function<Cost(const std::map<std::string, std::string>& params)>;

struct Route {
    std::string method;
    std::string pattern;
    Body body;
    Access access;
    Handler handler;
    Cost cost = Cost::light;
    std::vector<std::string> segments{};  // the pattern split at '/', once (Router::add)
    CostOf cost_of{};                     // when set, decides instead of `cost`
    AddressRate rate = AddressRate::none;  // set by Router::add from `access`; a route may say another
};

class Router {
public:
    // The route added, so that it can name its limit: `router.add(…).rate = AddressRate::login;`.
    Route& add(std::string method, std::string pattern, Body body, Access access, Handler handler, Cost cost = Cost::light);
    Route& add(std::string method, std::string pattern, Body body, Access access, Handler handler, CostOf cost_of);

    struct Match {
        const Route* route = nullptr;                // null: no route for this method and path
        std::map<std::string, std::string> params;
        std::vector<const Route*> others;            // the path's routes, when only the method is wrong
    };
    Match match(const std::string& method, const std::string& path) const;
    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace guichet::api
