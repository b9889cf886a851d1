#pragma once
// Port: one delivery attempt on one channel (SMTP, SMS provider, or the local files used when
// none is configured). Called by the outbox dispatcher, never during a request.
#include <string>

#include "domain/notifications/message.hpp"

namespace guichet {

struct Envelope {
    std::string message_id;  // stable across retries, e.g. "<42.outbox@guichet.example>": a duplicate is recognisable
    std::string recipient;   // email address or E.164 number
    RenderedMessage content;
};

enum class SendOutcome {
    sent,       // accepted by the server/provider
    retry,      // temporary: connection refused, timeout, 4xx SMTP reply, 5xx HTTP
    permanent,  // will never work: 5xx SMTP reply, 4xx HTTP
};

struct SendResult {
    SendOutcome outcome;
    std::string error;  // for operators: never the recipient in clear, the text, a code or a token
};

class MessageSender {
public:
    virtual ~MessageSender() = default;
    virtual SendResult send(const Envelope& envelope) = 0;
};

}  // namespace guichet
