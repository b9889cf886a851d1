// Back-office view of deliveries: undeliverable messages (and a retry), and the print queue that
// the print provider reads and acknowledges with its own token (SPEC.md §3.9, §4). Message
// listings never show parameters (codes, links, passwords) and mask recipients; the print queue
// shows the postal address and the letter's text, which is what the printer must print.
#include <chrono>

#include "api/http/input.hpp"
#include "api/http/time_format.hpp"
#include "api/problem.hpp"
#include "api/routes/routes.hpp"

namespace guichet::api {

namespace {

constexpr std::size_t kListLimit = 200;

nlohmann::json optional_time(const std::optional<std::chrono::system_clock::time_point>& t) {
    return t ? nlohmann::json(iso8601(*t)) : nlohmann::json(nullptr);
}

MessageStatus status_param(const HttpRequest& request, MessageStatus fallback, std::initializer_list<MessageStatus> allowed) {
    auto it = request.query.find("status");
    if (it == request.query.end()) return fallback;
    const auto status = message_status_from(it->second);
    for (auto a : allowed)
        if (status && *status == a) return a;
    throw ProblemException(Error{ErrorCode::validation_error, "statut inconnu", "status"});
}

// A printed letter is a sent message; the print queue calls it what the printer calls it.
MessageStatus letter_status_param(const HttpRequest& request) {
    auto it = request.query.find("status");
    if (it == request.query.end() || it->second == "pending") return MessageStatus::pending;
    if (it->second == "printed") return MessageStatus::sent;
    throw ProblemException(Error{ErrorCode::validation_error, "statut inconnu : pending ou printed", "status"});
}

nlohmann::json to_json(const MessageSummary& m) {
    return {{"id", m.id},
            {"channel", to_string(m.channel)},
            {"kind", to_string(m.kind)},
            {"recipient", m.recipient_masked},
            {"status", to_string(m.status)},
            {"attempts", m.attempts},
            {"last_error", m.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.last_error)},
            {"created_at", iso8601(m.created_at)},
            {"next_attempt_at", optional_time(m.next_attempt_at)},
            {"sent_at", optional_time(m.sent_at)}};
}

nlohmann::json to_json(const Letter& l) {
    return {{"id", l.id},
            {"postal_address", l.postal_address},
            {"title", l.content.subject},
            {"text", l.content.text},
            {"created_at", iso8601(l.created_at)},
            {"printed_at", optional_time(l.printed_at)}};
}

}  // namespace

void add_admin_outbox_routes(Router& router, Services& services) {
    router.add("GET", "/v1/admin/messages", Body::none, Access::admin, [&services](const HttpRequest& request) {
        const auto status = status_param(request, MessageStatus::dead,
                                         {MessageStatus::pending, MessageStatus::sending, MessageStatus::sent, MessageStatus::dead,
                                          MessageStatus::expired});
        auto list = nlohmann::json::array();
        for (const auto& m : services.outbox.list(status, kListLimit)) list.push_back(to_json(m));
        return json_response(200, list);
    });

    router.add("POST", "/v1/admin/messages/{id}/retry", Body::none, Access::admin, [&services](const HttpRequest& request) {
        const auto agent = agent_of(request);
        const auto id = id_param(request.params);
        check_or_problem(services.outbox_actions.retry(agent, id));
        return json_response(200, {{"id", id}, {"status", "pending"}});
    });

    router.add("GET", "/v1/admin/letters", Body::none, Access::print, [&services](const HttpRequest& request) {
        const auto status = letter_status_param(request);
        auto list = nlohmann::json::array();
        for (const auto& l : services.outbox.letters(status, kListLimit, services.brand)) list.push_back(to_json(l));
        return json_response(200, list);
    });

    router.add("POST", "/v1/admin/letters/{id}/printed", Body::none, Access::print, [&services](const HttpRequest& request) {
        const auto agent = agent_of(request);  // SPEC.md §8: letters printed too
        const auto id = id_param(request.params);
        check_or_problem(services.outbox_actions.mark_printed(agent, id));
        return json_response(200, {{"id", id}, {"status", "printed"}});
    });

    router.add("GET", "/metrics", Body::none, Access::metrics, [&services](const HttpRequest&) {
        const auto stats = services.outbox.stats();
        const auto& c = services.delivery_counters;
        const auto one = [](double value) { return Samples{{{}, value}}; };
        auto text = services.metrics.render({
            gauge_family("guichet_outbox_pending", "Messages waiting for delivery (email and SMS).", one(static_cast<double>(stats.pending))),
            gauge_family("guichet_outbox_oldest_pending_seconds", "Age of the oldest message waiting for delivery.",
                         one(static_cast<double>(stats.oldest_pending_seconds))),
            counter_family("guichet_messages_sent_total", "Messages accepted by the SMTP server or SMS provider (this process).",
                           one(static_cast<double>(c.sent.load()))),
            counter_family("guichet_messages_failed_total", "Failed delivery attempts (this process).", one(static_cast<double>(c.failed.load()))),
            counter_family("guichet_messages_dead_total", "Messages given up as undeliverable (this process).",
                           one(static_cast<double>(c.dead.load()))),
            counter_family("guichet_messages_expired_total", "Messages whose life ended before they could be delivered (this process).",
                           one(static_cast<double>(c.expired.load()))),
        });
        return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", std::move(text), {}};
    });
}

}  // namespace guichet::api
