#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/): the trace id of a `traceparent`
// header, "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>". A request whose header is
// missing or invalid starts a trace of its own (server.cpp); the id goes into its log line and
// into the outbox rows it queues (domain/trace.hpp).
#include <optional>
#include <string>
#include <string_view>

namespace guichet::api {

// Lower case hex, ids not all zeros, version ff refused; a later version may append fields.
std::optional<std::string> trace_id_of(std::string_view traceparent);

}  // namespace guichet::api
