#pragma once
// The HTTP server on Pistache: parses on Pistache's event loop, runs HttpApp on a worker pool
// (the hashing pool for routes marked Cost::hashing, the general pool for the rest), writes the
// JSON access log. Only this file and server.cpp know Pistache.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/http/app.hpp"
#include "api/http/worker_pool.hpp"
#include "api/metrics/metrics.hpp"

namespace guichet::api {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0: any free port (tests), see port()
    unsigned event_loop_threads = 2;
    unsigned worker_threads = 0;  // general pool; 0: default_worker_threads()
    std::size_t max_queued_requests = 1024;
    unsigned hashing_threads = 0;  // pool of the routes that hash passwords; 0: default_hashing_threads()
    std::size_t max_queued_hashing = 256;  // a login storm beyond this is answered 503 + Retry-After
    int hashing_nice = 19;  // scheduling priority of the hashing threads (0: unchanged)
    // A client address this process already knows to be over its limit gets its 429 this late
    // (the tarpit, server.cpp): a flood on keep-alive connections then costs one answer per
    // connection and delay, not every core. 0: at once.
    std::chrono::milliseconds refusal_delay{1000};
    std::size_t max_delayed_refusals = 10000;  // beyond, refusals are answered at once
};

class HttpServer {
public:
    // Every answer is observed in `metrics`, which also gets the hashing queue's depth.
    HttpServer(const HttpApp& app, ServerOptions options, Metrics& metrics);
    ~HttpServer();
    void start();  // returns once listening
    // Graceful shutdown, in this order: stop_accepting() closes the listening socket (new
    // connections are refused, so the load balancer's next try goes to another instance) and
    // marks every later answer `Connection: close`; wait_idle() returns once no request has been
    // in progress for a short quiet time (true), or at `deadline` (false); stop() finishes what
    // the pools hold and closes every connection.
    void stop_accepting();
    bool wait_idle(std::chrono::steady_clock::time_point deadline);
    void stop();
    std::uint16_t port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace guichet::api
