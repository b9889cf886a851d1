#include "api/http/app.hpp"

#include <algorithm>
#include <vector>

#include "api/http/cors.hpp"
#include "api/log.hpp"
#include "domain/text.hpp"
#include "api/problem.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet::api {

namespace {

bool is_json_media_type(const std::optional<std::string>& content_type) {
    if (!content_type) return false;
    auto media = ascii_lower(content_type->substr(0, content_type->find(';')));
    while (!media.empty() && media.back() == ' ') media.pop_back();
    while (!media.empty() && media.front() == ' ') media.erase(0, 1);
    return media == "application/json";
}

// Compares without an early exit, so response time does not reveal how much of the token matched.
bool same_secret(const std::string& given, const std::string& expected) {
    unsigned char diff = given.size() == expected.size() ? 0 : 1;
    for (std::size_t i = 0; i < given.size(); ++i)
        diff = static_cast<unsigned char>(diff | (given[i] ^ expected[i % expected.size()]));
    return diff == 0;
}

[[noreturn]] void reject(ErrorCode code, std::string detail) { throw ProblemException(Error{code, std::move(detail)}); }

Error address_limited(const LimitInfo& limit) {
    Error e{ErrorCode::rate_limited, "trop de requêtes depuis cette adresse ; réessayez dans " +
                                         std::to_string(limit.decision.retry_after.count()) + " s"};
    e.limit = limit;
    return e;
}

// Runs on every answer: compares without allocating.
bool has_header(const HttpResponse& response, std::string_view name) {
    const auto same = [&](const std::string& header) {
        return header.size() == name.size() && std::equal(header.begin(), header.end(), name.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
               });
    };
    return std::ranges::any_of(response.headers, [&](const auto& h) { return same(h.first); });
}

// What every answer carries (SPEC.md §8): nothing cached unless the route says otherwise (answers
// hold personal data and tokens), no content sniffing, the limit taken for the client address.
void add_common_headers(HttpResponse& response, const HttpRequest& request) {
    if (request.limit && !has_header(response, "RateLimit"))
        for (auto& header : limit_headers(*request.limit)) response.headers.push_back(std::move(header));
    if (!has_header(response, "Cache-Control")) response.headers.emplace_back("Cache-Control", "no-store");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("X-Request-Id", request.request_id);
}

}  // namespace

std::optional<HttpResponse> HttpApp::refuse_token(Access access, const HttpRequest& request) const {
    // The tokens that open the route (SPEC.md §4, §8).
    std::vector<const std::optional<std::string>*> accepted;
    const char* disabled = "";
    switch (access) {
        case Access::admin:
            accepted = {&options_.admin_token};
            disabled = "l'API d'administration n'est pas activée";
            break;
        case Access::print:
            accepted = {&options_.print_token};
            disabled = "la file d'impression n'est pas activée";
            break;
        case Access::metrics:
            accepted = {&options_.metrics_token, &options_.admin_token};
            disabled = "les métriques ne sont pas activées";
            break;
        case Access::public_:
        case Access::member:
        case Access::operations:
            return std::nullopt;
    }
    if (std::ranges::none_of(accepted, [](const auto* token) { return token->has_value(); })) reject(ErrorCode::forbidden, disabled);

    const auto auth = request.header("authorization").value_or("");
    const std::string prefix = "Bearer ";
    const bool bearer = auth.size() > prefix.size() && auth.compare(0, prefix.size(), prefix) == 0;
    const auto given = bearer ? auth.substr(prefix.size()) : std::string();
    const auto matches = [&](const std::optional<std::string>* token) { return bearer && *token && same_secret(given, **token); };
    if (std::ranges::any_of(accepted, matches)) return std::nullopt;
    // Another caller's token: who calls is known, and this route is not theirs (the agents' token
    // on the letters, which hold temporary passwords in clear).
    if (matches(&options_.admin_token) || matches(&options_.print_token) || matches(&options_.metrics_token))
        reject(ErrorCode::forbidden, "ce jeton n'ouvre pas cette route");
    auto response = problem_response(Error{ErrorCode::unauthorized, "jeton absent ou invalide"}, request.path);
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
}

HttpResponse HttpApp::dispatch(HttpRequest& request) const {
    if (request.body.size() > options_.max_body_bytes)
        reject(ErrorCode::payload_too_large,
               "le corps de la requête dépasse " + std::to_string(options_.max_body_bytes) + " octets");

    auto match = router_.match(request.method, request.path);
    if (match.route == nullptr) {
        if (match.others.empty()) reject(ErrorCode::not_found, "aucune ressource à cette adresse");
        // A browser asks before calling another origin; no route has OPTIONS, so it is answered here.
        if (!options_.cors_origins.empty() && is_preflight(request)) return preflight_response(request, match.others, options_.cors_origins);
        std::string allow;
        for (const auto* other : match.others) {
            if (!allow.empty()) allow += ", ";
            allow += other->method;
        }
        auto response = problem_response(Error{ErrorCode::method_not_allowed, "méthodes acceptées : " + allow}, request.path);
        response.headers.emplace_back("Allow", allow);
        return response;
    }
    const Route& route = *match.route;
    request.params = std::move(match.params);
    request.route = route.pattern;

    if (options_.limits != nullptr && route.rate != AddressRate::none) {
        request.limit = options_.limits->take(route.rate, request);
        if (request.limit && !request.limit->decision.allowed) throw ProblemException(address_limited(*request.limit));
    }

    if (auto refusal = refuse_token(route.access, request)) return std::move(*refusal);

    if (route.body != Body::none) {
        if (!is_json_media_type(request.header("content-type")))
            reject(ErrorCode::unsupported_media_type, "Content-Type attendu : application/json");
        try {
            request.json = nlohmann::json::parse(request.body);
        } catch (const nlohmann::json::exception&) {
            reject(ErrorCode::validation_error, "le corps n'est pas un JSON valide (UTF-8)");
        }
        if (route.body == Body::json_object && !request.json.is_object())
            reject(ErrorCode::validation_error, "le corps doit être un objet JSON");
        if (route.body == Body::json_array && !request.json.is_array())
            reject(ErrorCode::validation_error, "le corps doit être un tableau JSON");
    }
    return route.handler(request);
}

Cost HttpApp::cost_of(const std::string& method, const std::string& path) const {
    const auto match = router_.match(method, path);
    if (match.route == nullptr) return Cost::light;
    return match.route->cost_of ? match.route->cost_of(match.params) : match.route->cost;
}

HttpResponse HttpApp::handle(HttpRequest& request) const noexcept { return *answer(request, false); }

std::optional<HttpResponse> HttpApp::handle_without_waiting(HttpRequest& request) const noexcept {
    NoWaiting scope;
    return answer(request, true);
}

std::optional<HttpResponse> HttpApp::answer(HttpRequest& request, bool may_defer) const noexcept {
    HttpResponse response;
    try {
        try {
            response = dispatch(request);
        } catch (const WouldWait&) {
            if (may_defer) return std::nullopt;
            throw;  // not in a NoWaiting scope: an adapter's bug, answered 500 below
        } catch (const ProblemException& e) {
            response = problem_response(e.error, request.path);
        } catch (const Unavailable& e) {
            log_json(spdlog::level::warn, {{"event", "unavailable"}, {"request_id", request.request_id}, {"error", e.what()}});
            response = problem_response(Error{ErrorCode::unavailable}, request.path);
        } catch (const std::exception& e) {
            // First line only: a PostgreSQL error's DETAIL line quotes row values (personal data).
            const std::string what = e.what();
            log_json(spdlog::level::err, {{"event", "internal_error"},
                                          {"request_id", request.request_id},
                                          {"error", what.substr(0, what.find('\n'))}});
            response = problem_response(Error{ErrorCode::internal_error}, request.path);
        } catch (...) {
            log_json(spdlog::level::err, {{"event", "internal_error"}, {"request_id", request.request_id}});
            response = problem_response(Error{ErrorCode::internal_error}, request.path);
        }
    } catch (...) {
        // Building the problem itself failed (out of memory): answer without allocating JSON.
        response = HttpResponse{500, "application/problem+json",
                                R"({"type":"about:blank","title":"Erreur interne","status":500,"code":"internal_error"})", {}};
    }
    try {
        finish(response, request);
    } catch (...) {
    }
    return response;
}

void HttpApp::finish(HttpResponse& response, const HttpRequest& request) const {
    if (!options_.cors_origins.empty()) {
        const auto match = router_.match(request.method, request.path);
        add_cors_headers(response, request, match.route ? std::vector{match.route} : match.others, options_.cors_origins);
    }
    add_common_headers(response, request);
}

std::optional<HttpResponse> HttpApp::refusal_from_memory(HttpRequest& request) const noexcept {
    if (options_.limits == nullptr) return std::nullopt;
    try {
        NoWaiting scope;
        const auto match = router_.match(request.method, request.path);
        if (match.route == nullptr || match.route->rate == AddressRate::none) return std::nullopt;
        return refusal_from_memory(request, *match.route);
    } catch (...) {
        return std::nullopt;
    }
}

HttpApp::Triage HttpApp::triage(HttpRequest& request) const noexcept {
    try {
        const auto match = router_.match(request.method, request.path);
        if (match.route == nullptr) return {Cost::light, std::nullopt};
        const auto cost = match.route->cost_of ? match.route->cost_of(match.params) : match.route->cost;
        if (options_.limits == nullptr || match.route->rate == AddressRate::none) return {cost, std::nullopt};
        return {cost, refusal_from_memory(request, *match.route)};
    } catch (...) {
        return {Cost::light, std::nullopt};
    }
}

std::optional<HttpResponse> HttpApp::refusal_from_memory(HttpRequest& request, const Route& route) const {
    try {
        NoWaiting scope;
        const auto limit = options_.limits->take(route.rate, request);
        if (!limit || limit->decision.allowed) return std::nullopt;
        request.route = route.pattern;
        auto response = problem_response(address_limited(*limit), request.path);
        finish(response, request);
        return response;
    } catch (...) {
        return std::nullopt;  // WouldWait: the database decides, on a worker
    }
}

}  // namespace guichet::api
