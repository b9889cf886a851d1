#pragma once
// RFC 9457 problem+json answers. The one table from error code to HTTP status and French title
// (the member reads the title; `detail` is for developers) lives in problem.cpp.
#include <stdexcept>
#include <string>
#include <string_view>

#include "api/http/message.hpp"
#include "domain/error.hpp"

namespace guichet::api {

struct ProblemInfo {
    int status;
    std::string_view title;
};
ProblemInfo problem_info(ErrorCode code);

HttpResponse problem_response(const Error& error, const std::string& instance);
// RateLimit-Policy and RateLimit of a limit's decision, and Retry-After when it refused.
std::vector<std::pair<std::string, std::string>> limit_headers(const LimitInfo& limit);

// Thrown by input helpers and handlers; the catch-all in HttpApp turns it into a problem.
class ProblemException : public std::runtime_error {
public:
    explicit ProblemException(Error e) : std::runtime_error(std::string(to_string(e.code))), error(std::move(e)) {}
    Error error;
};

// The value of a use case's result, or its error thrown as a problem.
template <typename T>
T value_or_problem(Result<T> result) {
    if (!result) throw ProblemException(result.error());
    return std::move(*result);
}

inline void check_or_problem(const Result<void>& result) {
    if (!result) throw ProblemException(result.error());
}

}  // namespace guichet::api
