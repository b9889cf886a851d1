#include "service/delivery/dispatcher.hpp"

#include <chrono>
#include <exception>

#include "domain/notifications/templates.hpp"

namespace guichet {

Dispatcher::Dispatcher(OutboxQueue& queue, Senders senders, DispatcherSettings settings, DeliveryCounters& counters,
                       const Rules& rules)
    : queue_(queue), senders_(std::move(senders)), settings_(std::move(settings)), counters_(counters), rules_(rules) {}

std::vector<DeliveryEvent> Dispatcher::run_once(const std::atomic<bool>* stop) {
    std::vector<DeliveryEvent> events;
    std::vector<MessageId> sent;
    const auto claimed_at = std::chrono::steady_clock::now();
    std::exception_ptr failure;
    for (const auto& claimed : queue_.claim_due(settings_.batch, settings_.lease)) {
        // Not tried: another process takes it now, not after the lease. Past half the lease
        // (a slow server), the rest of the batch goes back before anyone could claim it again.
        const bool stopping = stop != nullptr && stop->load();
        const bool late = !events.empty() && std::chrono::steady_clock::now() - claimed_at >= settings_.lease / 2;
        try {
            if (failure || stopping || late) {
                if (!failure) queue_.release(claimed.id);
                continue;
            }
            events.push_back(deliver(claimed));
            if (events.back().status == MessageStatus::sent) sent.push_back(claimed.id);
        } catch (...) {
            failure = std::current_exception();  // the database: what was sent is still recorded
        }
    }
    if (!sent.empty()) {
        queue_.mark_sent(sent);
        counters_.sent += sent.size();
    }
    if (failure) std::rethrow_exception(failure);
    return events;
}

DeliveryEvent Dispatcher::deliver(const ClaimedMessage& claimed) {
    const auto give_up = [&](Channel channel, std::string error) {
        queue_.mark_dead(claimed.id, error);
        ++counters_.dead;
        return DeliveryEvent{claimed.id, channel, MessageStatus::dead, std::move(error), claimed.trace_id};
    };
    const auto expire = [&](Channel channel, std::string error) {
        queue_.mark_expired(claimed.id, error);
        ++counters_.expired;
        return DeliveryEvent{claimed.id, channel, MessageStatus::expired, std::move(error), claimed.trace_id};
    };
    if (!claimed.message) return give_up(Channel::email, "message illisible (clé de données changée ?)");
    const auto& message = *claimed.message;
    const std::chrono::milliseconds lifetime = rules_.message_lifetime(message.kind);
    if (claimed.age >= lifetime) return expire(message.channel, "durée de vie écoulée avant l'envoi");
    const auto sender = senders_.find(message.channel);
    if (sender == senders_.end() || sender->second == nullptr)
        return give_up(message.channel, "aucun envoi automatique pour le canal « " + std::string(to_string(message.channel)) + " »");

    auto content = render(message, settings_.brand);
    if (!content) return give_up(message.channel, "modèle : " + content.error().detail + " (" + content.error().field + ")");

    // Stable across retries, so a duplicate (at-least-once delivery) is recognisable.
    std::string message_id = "<";
    message_id.append(std::to_string(claimed.id)).append(".outbox@").append(settings_.message_id_domain).append(">");
    const Envelope envelope{std::move(message_id), message.recipient, std::move(*content)};
    SendResult result;
    try {
        result = sender->second->send(envelope);
    } catch (const std::exception& e) {
        result = SendResult{SendOutcome::retry, e.what()};
    }

    // Recorded with the rest of the batch (run_once).
    if (result.outcome == SendOutcome::sent) return DeliveryEvent{claimed.id, message.channel, MessageStatus::sent, {}, claimed.trace_id};
    ++counters_.failed;
    if (result.outcome == SendOutcome::permanent) return give_up(message.channel, result.error);
    double random01;
    {
        std::lock_guard lock(random_mutex_);
        random01 = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    }
    const auto delay = settings_.retry.delay_after(claimed.attempts, claimed.age, random01);
    // No attempt can come within its life: it is over now rather than at the next claim.
    if (claimed.age + delay >= lifetime) return expire(message.channel, result.error + " ; durée de vie écoulée avant le prochain essai");
    queue_.schedule_retry(claimed.id, delay, result.error);
    return DeliveryEvent{claimed.id, message.channel, MessageStatus::pending, result.error, claimed.trace_id};
}

DispatchLoop::DispatchLoop(Dispatcher& dispatcher, unsigned threads, std::chrono::milliseconds idle_wait,
                           Observer on_event, ErrorObserver on_error)
    : dispatcher_(dispatcher), idle_wait_(idle_wait), on_event_(std::move(on_event)), on_error_(std::move(on_error)) {
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

DispatchLoop::~DispatchLoop() { stop(); }

void DispatchLoop::request_stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
}

void DispatchLoop::stop() {
    request_stop();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

void DispatchLoop::run() {
    for (;;) {
        bool busy = false;
        try {
            const auto events = dispatcher_.run_once(&stopping_);
            busy = !events.empty();
            for (const auto& e : events) on_event_(e);
        } catch (const std::exception& e) {
            on_error_(e.what());  // database unavailable: try again after the idle wait
        }
        std::unique_lock lock(mutex_);
        if (stopping_) return;
        if (!busy) wake_.wait_for(lock, idle_wait_, [this] { return stopping_.load(); });
        if (stopping_) return;
    }
}

}  // namespace guichet
