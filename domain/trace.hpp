#pragma once
// The W3C trace id (32 lower-case hex digits) of the request this thread is handling, empty
// outside one. The HTTP server sets it around each request (TraceScope); the outbox keeps it with
// what the request queued, so the delivery's log line names the trace of the request that
// caused it. A thread-local rather than a parameter: every use case and port would otherwise
// carry it for the logs alone.
#include <string>
#include <utility>

namespace guichet {

inline std::string& current_trace_id() {
    thread_local std::string id;
    return id;
}

class TraceScope {
public:
    explicit TraceScope(std::string id) : previous_(std::exchange(current_trace_id(), std::move(id))) {}
    ~TraceScope() { current_trace_id() = std::move(previous_); }
    TraceScope(const TraceScope&) = delete;
    TraceScope& operator=(const TraceScope&) = delete;

private:
    std::string previous_;
};

}  // namespace guichet
