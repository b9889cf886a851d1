#pragma once
// Use case: deliver what the outbox holds. Claims due messages, renders them, hands each to the
// sender of its channel and records the outcome: sent; retried within seconds (RetryPolicy);
// dead after a permanent failure; expired once its life is over (Rules::message_lifetime), so a
// code is never delivered after it stopped working. Delivery is at least once: the sent messages
// of a batch are recorded together after it, and a dispatcher that dies before leaves them to be
// claimed again when their lease ends (at most a batch sent twice, with the same Message-ID).
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "domain/notifications/outbox.hpp"
#include "domain/notifications/retry_policy.hpp"
#include "domain/notifications/sender.hpp"
#include "domain/rules.hpp"

namespace guichet {

struct DeliveryCounters {  // since the process started, for /metrics
    std::atomic<std::uint64_t> sent{0}, failed{0}, dead{0}, expired{0};
};

struct DispatcherSettings {
    BrandSettings brand;
    RetryPolicy retry;
    std::string message_id_domain = "guichet.invalid";  // right of the @ in Message-ID
    std::chrono::seconds lease{60};                     // longer than one send can take
    std::size_t batch = 50;  // GUICHET_OUTBOX_BATCH; two round trips to PostgreSQL per batch
};

// What happened to one message; the loop logs it (masked), tests assert on it.
struct DeliveryEvent {
    MessageId id;
    Channel channel;
    MessageStatus status;  // after this attempt: sent, pending (to be retried), dead or expired
    std::string error;
    std::string trace_id{};  // of the request that queued it
};

// The sender of each channel that goes out automatically. A channel without one (letters, which
// the print provider takes from the print queue) is a permanent failure, never another channel.
using Senders = std::map<Channel, MessageSender*>;

class Dispatcher {
public:
    Dispatcher(OutboxQueue& queue, Senders senders, DispatcherSettings settings, DeliveryCounters& counters,
               const Rules& rules);
    // Claims one batch and delivers it; returns what happened (empty when nothing was due).
    // Once `stop` is set, or half the lease has gone, the message being sent is finished and the
    // rest of the batch released.
    std::vector<DeliveryEvent> run_once(const std::atomic<bool>* stop = nullptr);

private:
    DeliveryEvent deliver(const ClaimedMessage& claimed);
    OutboxQueue& queue_;
    Senders senders_;
    DispatcherSettings settings_;
    DeliveryCounters& counters_;
    const Rules& rules_;
    std::mutex random_mutex_;
    std::mt19937_64 random_{std::random_device{}()};
};

// Runs dispatchers on background threads until stopped: each claims a batch, and sleeps
// `idle_wait` (or until woken) when nothing was due.
class DispatchLoop {
public:
    using Observer = std::function<void(const DeliveryEvent&)>;
    using ErrorObserver = std::function<void(const std::string&)>;
    DispatchLoop(Dispatcher& dispatcher, unsigned threads, std::chrono::milliseconds idle_wait, Observer on_event,
                 ErrorObserver on_error);
    ~DispatchLoop();
    // Each thread finishes the send it is in, releases the rest of its batch, and ends:
    // request_stop() says so and returns, stop() also waits for them.
    void request_stop();
    void stop();

private:
    void run();
    Dispatcher& dispatcher_;
    std::chrono::milliseconds idle_wait_;
    Observer on_event_;
    ErrorObserver on_error_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<bool> stopping_{false};
    std::vector<std::thread> threads_;
};

}  // namespace guichet
