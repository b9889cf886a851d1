#pragma once
// Email delivery over SMTP with libcurl (GUICHET_SMTP_URL, SPEC.md §4).
//
// TLS: `smtps://` is TLS from the first byte. `smtp://` upgrades with STARTTLS when the server
// offers it; when credentials are configured and the host is not loopback STARTTLS is required
// (CURLUSESSL_ALL) so a password never crosses the network in clear, and an attempt against a
// server without STARTTLS fails (retry, error "STARTTLS not supported"). Without credentials,
// or on 127.0.0.0/8, ::1 and localhost (a local relay, a test server), STARTTLS is tried and the
// session goes on in clear if the server does not offer it (CURLUSESSL_TRY). Certificates are
// always verified.
//
// Outcome of one attempt:
//   sent       the server accepted the message (250 after the data);
//   permanent  the server refused this message with a 5xx reply to MAIL, RCPT, DATA or the data
//              itself, or the envelope cannot be written (recipient or from with CR/LF or other
//              control characters: nothing is sent);
//   retry      everything else: connection refused, DNS, timeout, TLS failure, 4xx replies, and
//              5xx replies that are about the session rather than the message (greeting, HELO,
//              authentication 535): those are configuration or server trouble, and dropping
//              every queued message because of them would lose mail the retry policy can still
//              deliver once an operator fixes it.
// SendResult::error carries curl's error text and the last reply code; never the recipient
// (replaced by "[recipient]" if the server's text echoes it) nor the body.
//
// Connections: each delivery thread keeps one SMTP session open between messages (libcurl
// reuses it: MAIL FROM on the same connection), which is most of the cost of a message. Idle
// handles wait in a small pool, one per thread that sent. A failure drops the handle, so the
// next message starts a new session; a message that failed on a reused session before its data
// was sent (the server had closed it while idle) is tried once more at once on a fresh one.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "infra/delivery/curl.hpp"

#include "domain/notifications/sender.hpp"

namespace guichet::infra {

struct SmtpSettings {
    std::string url;                      // smtp://host:port or smtps://host:port
    std::optional<std::string> user;      // GUICHET_SMTP_USER
    std::optional<std::string> password;  // GUICHET_SMTP_PASSWORD
    std::string from;                     // GUICHET_MAIL_FROM, "no-reply@x.fr" or "MGEN <no-reply@x.fr>"
    std::chrono::milliseconds timeout{10000};  // whole attempt: connect, dialogue, upload
};

class SmtpSender final : public MessageSender {
public:
    // Throws std::invalid_argument when the URL is not smtp:// or smtps:// with a host, or the
    // from address is unusable: a configuration error shows at start-up, not at the first send.
    explicit SmtpSender(SmtpSettings settings);
    SendResult send(const Envelope& envelope) override;

private:
    struct Attempt;
    Attempt attempt(CURL* handle, const Envelope& envelope, const std::string& message);
    CurlEasy take_handle();
    void give_back(CurlEasy handle);

    SmtpSettings settings_;
    bool require_tls_ = false;  // smtp:// with credentials to a non-loopback host
    std::mutex idle_mutex_;
    std::vector<CurlEasy> idle_;  // handles whose SMTP session is open, between two messages
};

}  // namespace guichet::infra
