#pragma once
// Senders used when no SMTP server or SMS provider is configured (./scripts/run, development):
// messages land in local files a developer can read, with the same outcome rules as the real
// senders so behaviour does not change when GUICHET_SMTP_URL or GUICHET_SMS_URL is set.
// Files are created with mode 0600: messages carry codes and temporary passwords.
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

#include "domain/notifications/sender.hpp"

namespace guichet::infra {

// Each email becomes `<dir>/<UTC timestamp>-<message id, sanitised>.eml`, e.g.
// `20250304T091500.123456Z-42.outbox_guichet.example.eml`: the RFC 5322 text SmtpSender would
// send (format_email), written to a hidden temporary file, flushed, then renamed into place so a
// reader never sees half a message. Beside it, the same name in `.txt`: the headers and the plain
// text as they are (the .eml is base64 MIME), so `cat` shows a link to copy. A retried message gets a second file with the same
// Message-ID. Recipient or from with CR/LF or control characters: permanent, no file.
// The folder is created if needed; an I/O error is a retry with the system's error text.
class MailboxDirSender final : public MessageSender {
public:
    explicit MailboxDirSender(std::filesystem::path dir, std::string from = "no-reply@localhost");
    SendResult send(const Envelope& envelope) override;

private:
    std::filesystem::path dir_;
    std::string from_;
};

// Each SMS becomes one JSON line appended to `file`:
// {"to":"+33612345678","text":"…","sender":"MGEN","message_id":"<42.outbox@guichet.example>"}.
// One write() per line under a mutex, file opened in append mode, so lines never interleave.
// The parent folder is created if needed; an I/O error is a retry with the system's error text.
// A recipient that is not E.164 is permanent, as with HttpSmsSender.
class SmsFileSender final : public MessageSender {
public:
    SmsFileSender(std::filesystem::path file, std::string sender);
    SendResult send(const Envelope& envelope) override;

private:
    std::filesystem::path file_;
    std::string sender_;
    std::mutex mutex_;
};

// "<42.outbox@guichet.example>" → "42.outbox@guichet.example": letters, digits and ".-_@+"
// kept, anything else (slashes, dots-only names, spaces...) becomes '_', at most 100 characters.
std::string file_name_part(std::string_view message_id);

}  // namespace guichet::infra
