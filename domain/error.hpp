#pragma once
// Business outcomes are values: every failure a caller can cause carries one stable code
// (SPEC.md §5).
#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <optional>
#include <utility>

#include "domain/limits/limits.hpp"

namespace guichet {

// The one list of codes: the enum, their names (to_string) and every_error_code follow from it;
// api/problem.cpp maps each to its HTTP status and French title, checked complete at compile time.
#define GUICHET_ERROR_CODES(X) \
    X(invalid_credentials) \
    X(account_locked) \
    X(account_not_locked) \
    X(identifier_migrated) \
    X(password_not_created) \
    X(connect_identity_not_validated) \
    X(connect_identity_locked) \
    X(account_not_activated) \
    X(no_account) \
    X(email_already_used) \
    X(account_already_exists) \
    X(password_policy) \
    X(password_too_weak) \
    X(password_mismatch) \
    X(invalid_nir) \
    X(invalid_birth_date) \
    X(invalid_phone) \
    X(invalid_email) \
    X(sms_not_available) \
    X(identity_check_failed) \
    X(code_invalid) \
    X(code_expired) \
    X(link_expired) \
    X(flow_expired) \
    X(step_not_allowed) \
    X(auth_request_not_found) \
    X(auth_request_expired) \
    X(auth_request_used) \
    X(required_actions_pending) \
    X(reauthentication_required) \
    X(too_many_attempts) \
    X(rate_limited) \
    X(validation_error) \
    X(unauthorized) \
    X(forbidden) \
    X(not_found) \
    X(method_not_allowed) \
    X(payload_too_large) \
    X(unsupported_media_type) \
    X(unavailable) \
    X(internal_error)

enum class ErrorCode {
#define GUICHET_ENUM_CODE(name) name,
    GUICHET_ERROR_CODES(GUICHET_ENUM_CODE)
#undef GUICHET_ENUM_CODE
};

inline constexpr ErrorCode every_error_code[] = {
#define GUICHET_LIST_CODE(name) ErrorCode::name,
    GUICHET_ERROR_CODES(GUICHET_LIST_CODE)
#undef GUICHET_LIST_CODE
};

std::string_view to_string(ErrorCode code);

// A table keyed by codes (`.code`) lists every code of `codes`, in its order: what the tables of
// statuses and texts static_assert, so a code added to its list and not to a table fails to build.
template <class Entry, std::size_t N, class Code, std::size_t M>
constexpr bool covers_in_order(const Entry (&table)[N], const Code (&codes)[M]) {
    if (N != M) return false;
    for (std::size_t i = 0; i < N; ++i)
        if (table[i].code != codes[i]) return false;
    return true;
}

struct Error {
    ErrorCode code;
    std::string detail;  // for the developer; never holds a secret or personal data
    std::string field;   // the input field at fault, when there is one
    std::optional<LimitInfo> limit;  // a limit's refusal: when to retry (Retry-After, RateLimit)

    Error(ErrorCode c, std::string d = {}, std::string f = {})
        : code(c), detail(std::move(d)), field(std::move(f)) {}
};

// A limit's refusal (`rate_limited`, or `too_many_attempts` for guesses), with when to retry.
inline Error limited(ErrorCode code, const LimitPolicy& policy, const LimitDecision& decision, std::string detail = {}) {
    Error e{code, std::move(detail)};
    e.limit = limit_info(policy, decision);
    return e;
}

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string detail = {}, std::string field = {}) {
    return std::unexpected<Error>(Error{code, std::move(detail), std::move(field)});
}

}  // namespace guichet
