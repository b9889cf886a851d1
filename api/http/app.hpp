#pragma once
// Everything every request goes through, around the route table: size limit, routing (404/405),
// the back-office tokens (admin, print, metrics), CORS (api/http/cors.hpp), JSON content type and
// parsing, and the one catch-all that turns any failure into problem+json. It never throws, so
// Pistache never sends its plain-text errors.
#include <optional>
#include <string>
#include <vector>

#include "api/http/request_limits.hpp"
#include "api/http/router.hpp"

namespace guichet::api {

struct AppOptions {
    std::size_t max_body_bytes = 64 * 1024;
    std::optional<std::string> admin_token;  // unset: the admin API answers 403
    const RequestLimits* limits = nullptr;   // the per-address limits; none: no limit
    std::optional<std::string> print_token{};    // unset: the print queue answers 403
    std::optional<std::string> metrics_token{};  // /metrics opens with it or the admin token
    std::vector<std::string> cors_origins{};     // exact origins browsers may call from; none: no CORS headers
};

class HttpApp {
public:
    HttpApp(Router router, AppOptions options) : router_(std::move(router)), options_(std::move(options)) {}
    HttpResponse handle(HttpRequest& request) const noexcept;
    // The same, inside a NoWaiting scope (domain/unit_of_work.hpp): empty when the route needs
    // to wait for the database, and must then be handled again on a worker.
    std::optional<HttpResponse> handle_without_waiting(HttpRequest& request) const noexcept;
    // The 429 of a client address this process already knows to be over its route's limit,
    // answered without the database (so a flood costs no worker); empty otherwise.
    std::optional<HttpResponse> refusal_from_memory(HttpRequest& request) const noexcept;
    // What the server needs before it picks a pool, from one match of the route: its cost, and
    // the refusal above when there is one.
    struct Triage {
        Cost cost;
        std::optional<HttpResponse> refused;
    };
    Triage triage(HttpRequest& request) const noexcept;
    // What the route of (method, path) costs; light when no route matches (those answer 404/405).
    Cost cost_of(const std::string& method, const std::string& path) const;
    const Router& router() const { return router_; }
    const AppOptions& options() const { return options_; }

private:
    HttpResponse dispatch(HttpRequest& request) const;
    // The 401 of a missing or unknown token; throws the 403 of a disabled route or of another
    // caller's token; empty when the request may go on.
    std::optional<HttpResponse> refuse_token(Access access, const HttpRequest& request) const;
    std::optional<HttpResponse> answer(HttpRequest& request, bool may_defer) const noexcept;
    std::optional<HttpResponse> refusal_from_memory(HttpRequest& request, const Route& route) const;
    // What every answer carries, CORS headers included.
    void finish(HttpResponse& response, const HttpRequest& request) const;
    Router router_;
    AppOptions options_;
};

}  // namespace guichet::api
