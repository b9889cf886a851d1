#pragma once
// Ports of the outbox behind the Notifier: what the dispatcher needs to deliver messages, and
// what agents need to watch them. Implemented by infra/postgres/pg_outbox (claims with
// FOR UPDATE SKIP LOCKED, so several `guichet serve` processes share the work).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/notifications/notifier.hpp"

namespace guichet {

struct ClaimedMessage {
    MessageId id;
    int attempts;                            // including this one
    std::optional<OutgoingMessage> message;  // empty when it can no longer be read (wrong key)
    std::chrono::milliseconds age{0};        // since it was queued, by the database's clock
    std::string trace_id{};                  // of the request that queued it (domain/trace.hpp), or empty
};

class OutboxQueue {
public:
    virtual ~OutboxQueue() = default;
    // Due email/SMS messages, and those whose claim expired (their dispatcher died): each is
    // leased to the caller for `lease`, so no other dispatcher takes it meanwhile.
    virtual std::vector<ClaimedMessage> claim_due(std::size_t max, std::chrono::seconds lease) = 0;
    // The sent messages of a batch, recorded together: one statement rather than one per
    // message, so that recording does not halve what a kept SMTP connection delivers.
    virtual void mark_sent(const std::vector<MessageId>& ids) = 0;
    virtual void schedule_retry(MessageId id, std::chrono::milliseconds delay, const std::string& error) = 0;
    virtual void mark_dead(MessageId id, const std::string& error) = 0;
    // Its life is over before it could be delivered (Rules::message_lifetime): never sent, and
    // its parameters (the code, the link) are erased.
    virtual void mark_expired(MessageId id, const std::string& error) = 0;
    // Gives back a claim that was not tried (the process is stopping): due at once for any
    // other dispatcher, its attempt not counted.
    virtual void release(MessageId id) = 0;
};

enum class MessageStatus { pending, sending, sent, dead, expired };
std::string_view to_string(MessageStatus status);
std::optional<MessageStatus> message_status_from(std::string_view text);

struct MessageSummary {  // what agents see: no parameter, recipient masked
    MessageId id;
    Channel channel;
    MessageKind kind;
    std::string recipient_masked;
    MessageStatus status;
    int attempts;
    std::string last_error;
    std::chrono::system_clock::time_point created_at;
    std::optional<std::chrono::system_clock::time_point> next_attempt_at, sent_at;
};

struct Letter {  // what the print provider needs: the address and the text to print
    MessageId id;
    std::string postal_address;
    RenderedMessage content;
    std::chrono::system_clock::time_point created_at;
    std::optional<std::chrono::system_clock::time_point> printed_at;
};

struct OutboxStats {
    std::size_t pending = 0;
    double oldest_pending_seconds = 0;
};

// What agents and the print provider read.
class OutboxAdmin {
public:
    virtual ~OutboxAdmin() = default;
    virtual std::vector<MessageSummary> list(MessageStatus status, std::size_t limit) = 0;
    // Letters waiting to be printed (pending) or printed (sent), with their text rendered.
    virtual std::vector<Letter> letters(MessageStatus status, std::size_t limit, const BrandSettings& brand) = 0;
    virtual OutboxStats stats() = 0;
};

// What they change, obtained from a Transaction: each change commits with the security event
// that records who made it (SPEC.md §8).
class OutboxChanges {
public:
    virtual ~OutboxChanges() = default;
    // A dead message back to pending, due now, with its attempts reset; false if no dead message has
    // this id. An expired one cannot be: what it carried no longer works, the member asks again.
    virtual bool retry(MessageId id) = 0;
    // A pending letter marked printed; its parameters are erased. False if no pending letter has this id.
    virtual bool mark_printed(MessageId id) = 0;
};

// Masks a recipient for listings and logs: "j•••@exemple.fr", "06 •• •• •• 78", a town for letters.
std::string mask_recipient(Channel channel, const std::string& recipient);

}  // namespace guichet
