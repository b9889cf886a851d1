#include "infra/delivery/smtp_sender.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "infra/delivery/curl.hpp"
#include "infra/delivery/mime.hpp"

namespace guichet::infra {
namespace {

struct UrlParts {
    std::string scheme;
    std::string host;
    bool has_user = false;
};

UrlParts parse_url(const std::string& url) {
    ensure_curl();
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
    if (!handle) throw std::bad_alloc();
    if (curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
        throw std::invalid_argument("SMTP URL is not a URL (expected smtp://host:port or smtps://host:port)");
    UrlParts parts;
    auto get = [&](CURLUPart part) -> std::optional<std::string> {
        char* value = nullptr;
        if (curl_url_get(handle.get(), part, &value, 0) != CURLUE_OK || value == nullptr) return std::nullopt;
        std::string copy(value);
        curl_free(value);
        return copy;
    };
    parts.scheme = get(CURLUPART_SCHEME).value_or("");
    parts.host = get(CURLUPART_HOST).value_or("");
    parts.has_user = get(CURLUPART_USER).has_value();
    if (parts.scheme != "smtp" && parts.scheme != "smtps")
        throw std::invalid_argument("SMTP URL must start with smtp:// or smtps://");
    if (parts.host.empty()) throw std::invalid_argument("SMTP URL has no host");
    return parts;
}

bool is_loopback(std::string host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host == "localhost" || host == "localhost.") return true;
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0;
    return false;
}

struct Upload {
    std::string_view data;
    std::size_t offset = 0;
    bool finished = false;  // the whole message was handed to libcurl (the server saw the data)
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const std::size_t room = size * count;
    const std::size_t n = std::min(room, upload->data.size() - upload->offset);
    std::memcpy(buffer, upload->data.data() + upload->offset, n);
    upload->offset += n;
    // libcurl stops asking once it has CURLOPT_INFILESIZE bytes, so "finished" is reaching the
    // end, not being asked past it.
    if (upload->offset == upload->data.size()) upload->finished = true;
    return n;
}

void replace_all(std::string& text, std::string_view what, std::string_view with) {
    if (what.empty()) return;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
        text.replace(at, what.size(), with);
}

SendOutcome classify(CURLcode code, long reply, bool data_sent) {
    if (code == CURLE_OK) return SendOutcome::sent;
    const bool refused = reply >= 500 && reply <= 599;
    // libcurl reports a refused MAIL FROM, RCPT TO or DATA command as CURLE_SEND_ERROR, and a
    // refusal of the message after its data as CURLE_WEIRD_SERVER_REPLY. The same code after a
    // 5xx greeting, a refused HELO (CURLE_REMOTE_ACCESS_DENIED) or login (CURLE_LOGIN_DENIED)
    // is about the session, not this message: retried.
    if (refused && code == CURLE_SEND_ERROR) return SendOutcome::permanent;
    if (refused && code == CURLE_WEIRD_SERVER_REPLY && data_sent) return SendOutcome::permanent;
    return SendOutcome::retry;
}

}  // namespace

SmtpSender::SmtpSender(SmtpSettings settings) : settings_(std::move(settings)) {
    const UrlParts url = parse_url(settings_.url);
    Envelope probe{"<probe@guichet>", "probe@guichet.invalid", {}};
    if (const auto problem = email_problem(probe, settings_.from); !problem.empty())
        throw std::invalid_argument("SMTP " + problem);
    if (settings_.timeout <= std::chrono::milliseconds::zero())
        throw std::invalid_argument("SMTP timeout must be positive");
    const bool credentials = settings_.user.has_value() || settings_.password.has_value() || url.has_user;
    require_tls_ = url.scheme == "smtps" || (credentials && !is_loopback(url.host));
}

struct SmtpSender::Attempt {
    CURLcode code;
    long reply;
    bool data_sent;
    std::string error_text;
};

CurlEasy SmtpSender::take_handle() {
    std::lock_guard lock(idle_mutex_);
    if (idle_.empty()) return nullptr;
    CurlEasy handle = std::move(idle_.back());
    idle_.pop_back();
    return handle;
}

void SmtpSender::give_back(CurlEasy handle) {
    std::lock_guard lock(idle_mutex_);
    idle_.push_back(std::move(handle));
}

SmtpSender::Attempt SmtpSender::attempt(CURL* h, const Envelope& envelope, const std::string& message) {
    Upload upload{message};
    // curl_easy_reset keeps the handle's live connection: options are set anew for this message.
    curl_easy_reset(h);
    std::array<char, CURL_ERROR_SIZE> error_text{};
    set_option(h, CURLOPT_NOSIGNAL, 1L);
    set_option(h, CURLOPT_ERRORBUFFER, error_text.data());
    set_option(h, CURLOPT_URL, settings_.url.c_str());
    set_option(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    set_option(h, CURLOPT_USE_SSL, static_cast<long>(require_tls_ ? CURLUSESSL_ALL : CURLUSESSL_TRY));
    set_option(h, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
    set_option(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
    if (settings_.user) set_option(h, CURLOPT_USERNAME, settings_.user->c_str());
    if (settings_.password) set_option(h, CURLOPT_PASSWORD, settings_.password->c_str());

    // Appended rather than "<" + …: GCC 12 warns falsely (-Wrestrict) on literal + temporary.
    std::string mail_from = "<";
    mail_from.append(envelope_sender(settings_.from)).append(">");
    set_option(h, CURLOPT_MAIL_FROM, mail_from.c_str());
    CurlSlist recipients;
    append(recipients, std::string("<").append(envelope.recipient).append(">"));
    set_option(h, CURLOPT_MAIL_RCPT, recipients.get());

    set_option(h, CURLOPT_UPLOAD, 1L);
    set_option(h, CURLOPT_READFUNCTION, &read_upload);
    set_option(h, CURLOPT_READDATA, static_cast<void*>(&upload));
    set_option(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));

    Attempt result{curl_easy_perform(h), 0, false, {}};
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.reply);
    result.data_sent = upload.finished;
    result.error_text = error_text.data();
    return result;
}

SendResult SmtpSender::send(const Envelope& envelope) {
    if (const auto problem = email_problem(envelope, settings_.from); !problem.empty())
        return {SendOutcome::permanent, "email not sent: " + problem};
    try {
        const std::string message = format_email(envelope, settings_.from);
        CurlEasy handle = take_handle();
        const bool kept = handle != nullptr;
        if (!kept) handle = make_curl_easy();
        Attempt a = attempt(handle.get(), envelope, message);
        if (a.code != CURLE_OK && kept && !a.data_sent) {
            handle = make_curl_easy();  // the kept session may have been closed while idle: a new one, once
            a = attempt(handle.get(), envelope, message);
        }
        const SendOutcome outcome = classify(a.code, a.reply, a.data_sent);
        // A session that delivered keeps its connection for the next message; a failure drops it.
        if (a.code == CURLE_OK) give_back(std::move(handle));
        if (outcome == SendOutcome::sent) return {outcome, {}};

        std::string error = std::string("SMTP: ") + curl_easy_strerror(a.code);
        if (!a.error_text.empty()) error += " (" + a.error_text + ")";
        if (a.reply != 0) error += ", last reply " + std::to_string(a.reply);
        if (a.data_sent) error += " after the message data";
        if (a.code == CURLE_LOGIN_DENIED) error += ", check GUICHET_SMTP_USER/GUICHET_SMTP_PASSWORD";
        replace_all(error, envelope.recipient, "[recipient]");
        return {outcome, error};
    } catch (const std::exception& e) {
        std::string error = std::string("SMTP: ") + e.what();
        replace_all(error, envelope.recipient, "[recipient]");
        return {SendOutcome::retry, error};
    }
}

}  // namespace guichet::infra
