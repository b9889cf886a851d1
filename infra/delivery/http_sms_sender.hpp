#pragma once
// SMS delivery through an HTTP provider (GUICHET_SMS_URL, SPEC.md §4): one POST per message,
// JSON {"to":"+33612345678","text":"…","sender":"<brand>"}, `Authorization: Bearer <token>` when
// a token is set.
//
// Outcome of one attempt:
//   sent       any 2xx;
//   permanent  4xx (the provider will never accept this request: bad number, text too long...),
//              or a recipient that is not an E.164 number (nothing is sent);
//   retry      5xx, timeout, connection refused, DNS and TLS errors, 3xx (redirects are not
//              followed: the URL is misconfigured), and four 4xx that are not about the
//              message: 408 Request Timeout and 429 Too Many Requests (transient by definition,
//              RFC 9110 §15.5.9, RFC 6585 §4), 401 and 403 (our token is wrong or expired: every
//              message would fail the same way until an operator fixes GUICHET_SMS_TOKEN, and the
//              retry policy keeps them meanwhile instead of dropping them all).
// SendResult::error names the HTTP status or curl's error text; never the number, the text nor
// the token, and not the provider's answer either (providers echo the number in it).
#include <chrono>
#include <optional>
#include <string>

#include "domain/notifications/sender.hpp"

namespace guichet::infra {

struct SmsSettings {
    std::string url;                   // http:// or https:// endpoint
    std::optional<std::string> token;  // GUICHET_SMS_TOKEN
    std::string sender;                // the brand, shown as the SMS sender
    std::chrono::milliseconds timeout{10000};  // whole request: connect, send, answer
};

class HttpSmsSender final : public MessageSender {
public:
    // Throws std::invalid_argument when the URL is not http:// or https:// with a host, or the
    // token holds a control character (it would split the Authorization header).
    explicit HttpSmsSender(SmsSettings settings);
    SendResult send(const Envelope& envelope) override;

private:
    SmsSettings settings_;
};

// Empty when `recipient` is an E.164 number ("+" then 8 to 15 digits, no leading 0); else why.
std::string sms_recipient_problem(const std::string& recipient);

// The request body, keys in the documented order; invalid UTF-8 in the text is replaced by
// U+FFFD rather than failing the message.
std::string sms_json(const std::string& to, const std::string& text, const std::string& sender);

}  // namespace guichet::infra
