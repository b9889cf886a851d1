#pragma once
// Business outcomes are values: every failure a caller can cause carries one stable code
// (SPEC.md §5). The HTTP status and French title of each code live only in api/problem.cpp.
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace guichet {

enum class ErrorCode {
    invalid_credentials,
    account_locked,
    account_not_locked,
    identifier_migrated,
    password_not_created,
    connect_identity_not_validated,
    connect_identity_locked,
    account_not_activated,
    no_account,
    email_already_used,
    account_already_exists,
    password_policy,
    password_too_weak,
    password_mismatch,
    invalid_nir,
    invalid_birth_date,
    invalid_phone,
    invalid_email,
    sms_not_available,
    identity_check_failed,
    code_invalid,
    code_expired,
    link_expired,
    flow_expired,
    step_not_allowed,
    too_many_attempts,
    rate_limited,
    validation_error,
    unauthorized,
    forbidden,
    not_found,
    method_not_allowed,
    payload_too_large,
    unsupported_media_type,
    unavailable,
    internal_error,
};

std::string_view to_string(ErrorCode code);

struct Error {
    ErrorCode code;
    std::string detail;  // for the developer; never holds a secret or personal data
    std::string field;   // the input field at fault, when there is one

    Error(ErrorCode c, std::string d = {}, std::string f = {})
        : code(c), detail(std::move(d)), field(std::move(f)) {}
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string detail = {}, std::string field = {}) {
    return std::unexpected<Error>(Error{code, std::move(detail), std::move(field)});
}

}  // namespace guichet
