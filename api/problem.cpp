#include "api/problem.hpp"

#include <iterator>

#include "domain/texts/catalogue.hpp"

namespace guichet::api {

namespace {

struct Problem {
    ErrorCode code;
    int status;
};

// In the order of GUICHET_ERROR_CODES (domain/error.hpp): a code added there and not here, or out
// of order, fails to compile.
constexpr Problem kProblems[] = {
    {ErrorCode::invalid_credentials, 401},
    {ErrorCode::account_locked, 423},
    {ErrorCode::account_not_locked, 409},
    {ErrorCode::identifier_migrated, 409},
    {ErrorCode::password_not_created, 409},
    {ErrorCode::connect_identity_not_validated, 409},
    {ErrorCode::connect_identity_locked, 423},
    {ErrorCode::account_not_activated, 409},
    {ErrorCode::no_account, 403},
    {ErrorCode::email_already_used, 409},
    {ErrorCode::account_already_exists, 409},
    {ErrorCode::password_policy, 422},
    {ErrorCode::password_too_weak, 422},
    {ErrorCode::password_mismatch, 422},
    {ErrorCode::invalid_nir, 422},
    {ErrorCode::invalid_birth_date, 422},
    {ErrorCode::invalid_phone, 422},
    {ErrorCode::invalid_email, 422},
    {ErrorCode::sms_not_available, 422},
    {ErrorCode::identity_check_failed, 422},
    {ErrorCode::code_invalid, 422},
    {ErrorCode::code_expired, 410},
    {ErrorCode::link_expired, 410},
    {ErrorCode::flow_expired, 410},
    {ErrorCode::step_not_allowed, 409},
    {ErrorCode::auth_request_not_found, 404},
    {ErrorCode::auth_request_expired, 410},
    {ErrorCode::auth_request_used, 409},
    {ErrorCode::required_actions_pending, 403},
    {ErrorCode::reauthentication_required, 403},
    {ErrorCode::too_many_attempts, 429},
    {ErrorCode::rate_limited, 429},
    {ErrorCode::validation_error, 400},
    {ErrorCode::unauthorized, 401},
    {ErrorCode::forbidden, 403},
    {ErrorCode::not_found, 404},
    {ErrorCode::method_not_allowed, 405},
    {ErrorCode::payload_too_large, 413},
    {ErrorCode::unsupported_media_type, 415},
    {ErrorCode::unavailable, 503},
    {ErrorCode::internal_error, 500},
};

static_assert(covers_in_order(kProblems, every_error_code), "kProblems must list every ErrorCode, in the order of GUICHET_ERROR_CODES");

}  // namespace

ProblemInfo problem_info(ErrorCode code) {
    const auto& p = kProblems[static_cast<std::size_t>(code)];
    return {p.status, problem_title(code)};  // the French title: domain/texts/catalogue.cpp
}

HttpResponse problem_response(const Error& error, const std::string& instance) {
    const auto info = problem_info(error.code);
    const auto code = std::string(to_string(error.code));
    nlohmann::json body{
        {"type", "https://guichet.dev/problems/" + code},
        {"title", info.title},
        {"status", info.status},
        {"detail", error.detail.empty() ? std::string(info.title) : error.detail},
        {"code", code},
        {"instance", instance},
    };
    if (!error.field.empty()) body["field"] = error.field;
    if (error.limit) body["retry_after"] = error.limit->decision.retry_after.count();
    // `replace` keeps a problem answerable even if a detail ever held invalid UTF-8.
    HttpResponse response{info.status, "application/problem+json",
                          body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
    if (error.limit) response.headers = limit_headers(*error.limit);
    response.problem_code = code;
    return response;
}

std::vector<std::pair<std::string, std::string>> limit_headers(const LimitInfo& limit) {
    // draft-ietf-httpapi-ratelimit-headers-10: structured fields naming the policy.
    const auto name = "\"" + limit.policy + "\"";
    std::vector<std::pair<std::string, std::string>> headers{
        {"RateLimit-Policy", name + ";q=" + std::to_string(limit.quota) + ";w=" + std::to_string(limit.window.count())},
        {"RateLimit", name + ";r=" + std::to_string(limit.decision.remaining) + ";t=" + std::to_string(limit.decision.reset.count())}};
    if (!limit.decision.allowed) headers.emplace_back("Retry-After", std::to_string(limit.decision.retry_after.count()));
    return headers;
}

}  // namespace guichet::api
