#pragma once
// CORS (SPEC.md §4, GUICHET_CORS_ORIGINS): browsers on the configured origins may call the routes
// members' front-ends use (public, member and operations routes). Back-office routes never answer
// CORS: their callers are not browsers on other origins. Exact origins only, and never
// credentials: tokens travel in Authorization, which the preflight allows, not in cookies.
#include <string>
#include <vector>

#include "api/http/router.hpp"

namespace guichet::api {

// OPTIONS with Origin and Access-Control-Request-Method.
bool is_preflight(const HttpRequest& request);

// 204 with what the path allows when its routes are for browsers and the origin is allowed; a 403
// problem thrown otherwise (a browser blocks either way, and the problem tells its developer why).
HttpResponse preflight_response(const HttpRequest& request, const std::vector<const Route*>& routes,
                                const std::vector<std::string>& origins);

// An answer on a path for browsers varies by Origin; from an allowed origin it names it and the
// headers a front-end may read (Retry-After and the limits, the request id).
void add_cors_headers(HttpResponse& response, const HttpRequest& request, const std::vector<const Route*>& routes,
                      const std::vector<std::string>& origins);

}  // namespace guichet::api
