#include "api/http/server.hpp"

#include "domain/url.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <random>

#include "api/http/trace_context.hpp"
#include "api/log.hpp"
#include "domain/trace.hpp"
#include "domain/text.hpp"
#include "api/problem.hpp"

namespace guichet::api {

namespace {

using namespace Pistache;

std::string random_hex(std::size_t digits) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string id(digits, '0');
    for (auto& c : id) c = hex[rng() % 16];
    return id;
}

// A caller's X-Request-Id is kept when it is a plausible id; otherwise we make one.
std::string request_id_for(const std::optional<std::string>& given) {
    if (given && !given->empty() && given->size() <= 64 &&
        std::all_of(given->begin(), given->end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }))
        return *given;
    return random_hex(24);
}

HttpRequest translate(const Http::Request& in) {
    HttpRequest out;
    out.method = Http::methodString(in.method());
    out.path = in.resource();
    // Pistache splits the query string but leaves its percent-encoding (redirect_uri=https%3A%2F%2F…).
    for (auto it = in.query().parameters_begin(); it != in.query().parameters_end(); ++it)
        out.query.emplace(percent_decode(it->first), percent_decode(it->second));
    for (const auto& [name, raw] : in.headers().rawList()) out.headers[ascii_lower(name)] = raw.value();
    // Headers Pistache knows (Content-Type, Authorization...) are parsed into typed objects.
    std::ostringstream value;  // one for all: a stream costs more to build than a header to write
    for (const auto& header : in.headers().list()) {
        value.str({});
        header->write(value);
        out.headers[ascii_lower(header->name())] = value.str();
    }
    out.body = in.body();
    out.peer = in.address().host();
    out.request_id = request_id_for(out.header("x-request-id"));
    const auto traceparent = out.header("traceparent");
    out.trace_id = (traceparent ? trace_id_of(*traceparent) : std::nullopt).value_or(random_hex(32));
    return out;
}

// Pistache writes only typed headers (raw ones are dropped from responses), so every header we
// send goes through this one class. Names and values are ours, never a caller's unchecked input.
class NamedHeader final : public Http::Header::Header {
public:
    NamedHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
    const char* name() const override { return name_.c_str(); }
    void write(std::ostream& stream) const override { stream << value_; }
    std::uint64_t hash() const override { return Http::Header::detail::hash(name_.c_str()); }

private:
    std::string name_, value_;
};

// Requests between their parsing and their answer, for a graceful shutdown (wait_idle). A token
// lives as long as the request's work: in a pool's queue, in the tarpit, or on the stack.
struct InFlight {
    std::atomic<long> count{0};
    std::atomic<bool> closing{false};  // answers say Connection: close (stop_accepting)
};
class InFlightToken {
public:
    explicit InFlightToken(InFlight& in_flight) : in_flight_(in_flight) { ++in_flight_.count; }
    ~InFlightToken() { --in_flight_.count; }
    InFlightToken(const InFlightToken&) = delete;
    InFlightToken& operator=(const InFlightToken&) = delete;

private:
    InFlight& in_flight_;
};

void send(Http::ResponseWriter& writer, const HttpResponse& response, bool closing) {
    if (closing) {  // Pistache copies the request's Connection header; ours replaces it
        writer.headers().remove<Http::Header::Connection>();
        writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::Close);
    }
    if (!response.content_type.empty())  // a 204 has no body to describe
        writer.headers().add(std::make_shared<NamedHeader>("Content-Type", response.content_type));
    for (const auto& [name, value] : response.headers) writer.headers().add(std::make_shared<NamedHeader>(name, value));
    writer.send(static_cast<Http::Code>(response.status), response.body);
}

// The access log line and the request's metrics, once it is answered.
void access_log(Metrics& metrics, const HttpRequest& request, const HttpResponse& response,
                std::chrono::steady_clock::time_point start) {
    const auto took = std::chrono::steady_clock::now() - start;
    metrics.observe(request, response, took);
    if (!spdlog::should_log(spdlog::level::info)) return;  // spare building the line (every request)
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
    // The route pattern, not the path: paths and query strings can carry identifiers.
    log_json(spdlog::level::info, {{"event", "http_request"},
                                   {"request_id", request.request_id},
                                   {"trace_id", request.trace_id},
                                   {"method", request.method},
                                   {"route", request.route.empty() ? "(none)" : request.route},
                                   {"status", response.status},
                                   {"duration_ms", static_cast<double>(micros) / 1000.0},
                                   {"bytes_in", request.body.size()},
                                   {"bytes_out", response.body.size()}});
}

// Refusals of a flood, answered late on one thread (ServerOptions::refusal_delay). Every answer
// waits the same delay, so the queue is in order of sending: one thread sleeps until the oldest
// is due. Whatever it holds is sent at once when it stops.
class Tarpit {
public:
    Tarpit(std::chrono::milliseconds delay, std::size_t capacity, const InFlight& in_flight, Metrics& metrics)
        : delay_(delay), capacity_(capacity), in_flight_(in_flight), metrics_(metrics) {
        if (delay_.count() > 0) thread_ = std::thread([this] { run(); });
    }
    ~Tarpit() { stop(); }

    struct Held {
        std::shared_ptr<Http::ResponseWriter> writer;
        std::shared_ptr<HttpRequest> request;
        HttpResponse response;
        std::chrono::steady_clock::time_point start, due;
        std::shared_ptr<InFlightToken> token;
    };
    // False when there is no delay or no room: the caller answers at once.
    bool hold(Held held) {
        std::lock_guard lock(mutex_);
        if (!thread_.joinable() || stopping_ || queue_.size() >= capacity_) return false;
        held.due = std::chrono::steady_clock::now() + delay_;
        queue_.push_back(std::move(held));
        wake_.notify_one();
        return true;
    }
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_one();
        if (thread_.joinable()) thread_.join();
    }

private:
    void run() {
        std::unique_lock lock(mutex_);
        while (true) {
            if (queue_.empty()) {
                if (stopping_) return;
                wake_.wait(lock);
                continue;
            }
            if (!stopping_ && std::chrono::steady_clock::now() < queue_.front().due) {
                wake_.wait_until(lock, queue_.front().due);
                continue;
            }
            auto held = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            answer(held);
            lock.lock();
        }
    }
    void answer(const Held& held) const {
        try {
            send(*held.writer, held.response, in_flight_.closing);
        } catch (const std::exception&) {
            // The client went away; nothing to answer.
        }
        access_log(metrics_, *held.request, held.response, held.start);
    }
    std::chrono::milliseconds delay_;
    std::size_t capacity_;
    const InFlight& in_flight_;
    Metrics& metrics_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Held> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

class PistacheHandler : public Http::Handler {
public:
    HTTP_PROTOTYPE(PistacheHandler)

    PistacheHandler(const HttpApp* app, WorkerPool* general, WorkerPool* hashing, Tarpit* tarpit, InFlight* in_flight,
                    Metrics* metrics)
        : app_(app), general_(general), hashing_(hashing), tarpit_(tarpit), in_flight_(in_flight), metrics_(metrics) {}

    void onRequest(const Http::Request& raw, Http::ResponseWriter writer) override {
        const auto start = std::chrono::steady_clock::now();
        auto token = std::make_shared<InFlightToken>(*in_flight_);
        InFlight* in_flight = in_flight_;
        Metrics* metrics = metrics_;
        try {
            auto request = std::make_shared<HttpRequest>(translate(raw));
            const HttpApp* app = app_;
            auto [cost, refused] = app->triage(*request);
            // A client address already over its limit is answered here, before any pool: a flood
            // of logins from one address never takes a hashing thread from the others.
            auto here = std::move(refused);
            if (here) {
                auto shared_writer = std::make_shared<Http::ResponseWriter>(std::move(writer));
                if (tarpit_->hold({shared_writer, request, *here, start, {}, token})) return;
                try {
                    send(*shared_writer, *here, in_flight->closing);
                } catch (const std::exception&) {
                }
                access_log(*metrics, *request, *here, start);
                return;
            }
            // Answered here when memory has it: no hand-over to a worker and back.
            if (cost == Cost::memory) here = app->handle_without_waiting(*request);
            if (here) {
                try {
                    send(writer, *here, in_flight->closing);
                } catch (const std::exception&) {
                    // The client went away; nothing to answer.
                }
                access_log(*metrics, *request, *here, start);
                return;
            }
            auto shared_writer = std::make_shared<Http::ResponseWriter>(std::move(writer));
            // Logins never take a general thread, so cheap requests never wait behind Argon2id.
            const bool hashing = cost == Cost::hashing;
            WorkerPool* pool = hashing ? hashing_ : general_;
            const bool queued = pool->try_submit([app, request, shared_writer, start, token, in_flight, metrics, hashing] {
                if (hashing) metrics->observe_hashing_wait(std::chrono::steady_clock::now() - start);
                const TraceScope trace(request->trace_id);  // what it queues carries the trace
                const auto response = app->handle(*request);
                try {
                    send(*shared_writer, response, in_flight->closing);
                } catch (const std::exception&) {
                    // The client went away; nothing to answer.
                }
                access_log(*metrics, *request, response, start);
            });
            if (!queued) {
                auto response = problem_response(Error{ErrorCode::unavailable, "serveur saturé"}, request->path);
                response.headers.emplace_back("Retry-After", "1");
                response.headers.emplace_back("X-Request-Id", request->request_id);
                response.headers.emplace_back("X-Content-Type-Options", "nosniff");
                send(*shared_writer, response, in_flight->closing);
                access_log(*metrics, *request, response, start);
            }
        } catch (const std::exception& e) {
            log_json(spdlog::level::err, {{"event", "dispatch_failed"}, {"error", e.what()}});
        }
    }

private:
    const HttpApp* app_;
    WorkerPool* general_;
    WorkerPool* hashing_;
    Tarpit* tarpit_;
    InFlight* in_flight_;
    Metrics* metrics_;
};

// The listening socket of `port`, found among the process's descriptors: Pistache 0.0.5 keeps it
// private and has no call that closes it alone.
int listening_socket(std::uint16_t port) {
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ignored)) {
        int fd = -1;
        try {
            fd = std::stoi(entry.path().filename().string());
        } catch (const std::exception&) {
            continue;
        }
        int listening = 0;
        socklen_t size = sizeof listening;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || listening == 0) continue;
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) continue;
        const auto bound = address.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port)
                           : address.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port)
                                                           : 0;
        if (bound == port) return fd;
    }
    return -1;
}

}  // namespace

struct HttpServer::Impl {
    const HttpApp& app;
    ServerOptions options;
    Metrics& metrics;
    WorkerPool general;
    WorkerPool hashing;
    InFlight in_flight;
    Tarpit tarpit;
    Http::Endpoint endpoint;
    bool stopped = false;
    bool accepting = true;

    Impl(const HttpApp& a, ServerOptions o, Metrics& m)
        : app(a),
          options(o),
          metrics(m),
          general(o.worker_threads == 0 ? default_worker_threads() : o.worker_threads, o.max_queued_requests),
          hashing(o.hashing_threads == 0 ? default_hashing_threads() : o.hashing_threads, o.max_queued_hashing, o.hashing_nice),
          tarpit(o.refusal_delay, o.max_delayed_refusals, in_flight, m),
          endpoint(Address(o.host, Port(o.port))) {}
};

HttpServer::HttpServer(const HttpApp& app, ServerOptions options, Metrics& metrics)
    : impl_(std::make_unique<Impl>(app, std::move(options), metrics)) {
    metrics.add_collector([this] {
        return std::vector{gauge_family("guichet_hashing_queue_depth", "Requests that hash a password waiting for a thread.",
                                        {{{}, static_cast<double>(impl_->hashing.queued())}}),
                           gauge_family("guichet_http_requests_in_flight", "Requests between their parsing and their answer.",
                                        {{{}, static_cast<double>(impl_->in_flight.count.load())}})};
    });
    // Pistache answers in plain text when a request exceeds its own buffer, so its buffer is set
    // above our limit: requests between the two get our problem+json 413 from HttpApp. It is not
    // set higher because Pistache 0.0.5 rescans an unfinished request line or header from the
    // start on every 4 KiB read, so the CPU one connection can burn grows with the square of this
    // buffer (measured: 4 MiB of garbage ≈ 14 s of one core, 1 MiB ≈ 1 s). See docs/ARCHITECTURE.md.
    const std::size_t hard_cap = std::max<std::size_t>(1024 * 1024, app.options().max_body_bytes) + 64 * 1024;
    auto opts = Http::Endpoint::options()
                    .threads(static_cast<int>(impl_->options.event_loop_threads))
                    .flags(Tcp::Options::ReuseAddr)
                    .maxRequestSize(hard_cap)
                    .maxResponseSize(8 * 1024 * 1024);
    impl_->endpoint.init(opts);
    impl_->endpoint.setHandler(Http::make_handler<PistacheHandler>(&impl_->app, &impl_->general, &impl_->hashing, &impl_->tarpit, &impl_->in_flight, &impl_->metrics));
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() { impl_->endpoint.serveThreaded(); }

void HttpServer::stop_accepting() {
    if (!impl_->accepting) return;
    impl_->accepting = false;
    impl_->in_flight.closing = true;
    const int fd = listening_socket(port());
    if (fd < 0) return;
    // The number now names a socket that listens to nothing: the listening one, closed with its
    // last descriptor, refuses connections and leaves Pistache's poller; Pistache closes the
    // stand-in at the end.
    const int stand_in = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (stand_in < 0) return;
    ::dup2(stand_in, fd);
    ::close(stand_in);
}

bool HttpServer::wait_idle(std::chrono::steady_clock::time_point deadline) {
    // Quiet for a while, not just idle for an instant: a request may be between two reads.
    constexpr auto quiet = std::chrono::milliseconds(200);
    auto idle_since = std::chrono::steady_clock::now();
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        if (impl_->in_flight.count.load() > 0) idle_since = now;
        if (now - idle_since >= quiet) return true;
        if (now >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void HttpServer::stop() {
    if (!impl_ || impl_->stopped) return;
    impl_->stopped = true;
    impl_->hashing.stop();  // first: requests in progress still write through the live endpoint
    impl_->general.stop();
    impl_->tarpit.stop();
    impl_->endpoint.shutdown();
}

std::uint16_t HttpServer::port() const { return static_cast<std::uint16_t>(impl_->endpoint.getPort()); }

}  // namespace guichet::api
