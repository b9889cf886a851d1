#include "infra/delivery/http_sms_sender.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "infra/delivery/curl.hpp"

namespace guichet::infra {
namespace {

std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) { return size * count; }

void check_url(const std::string& url) {
    ensure_curl();
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
    if (!handle) throw std::bad_alloc();
    if (curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
        throw std::invalid_argument("SMS URL is not a URL (expected http:// or https://)");
    char* scheme = nullptr;
    char* host = nullptr;
    curl_url_get(handle.get(), CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(handle.get(), CURLUPART_HOST, &host, 0);
    const std::string s = scheme ? scheme : "";
    const bool has_host = host != nullptr && *host != '\0';
    curl_free(scheme);
    curl_free(host);
    if (s != "http" && s != "https") throw std::invalid_argument("SMS URL must start with http:// or https://");
    if (!has_host) throw std::invalid_argument("SMS URL has no host");
}

SendOutcome classify_status(long status) {
    if (status >= 200 && status <= 299) return SendOutcome::sent;
    if (status == 401 || status == 403 || status == 408 || status == 429) return SendOutcome::retry;
    if (status >= 400 && status <= 499) return SendOutcome::permanent;
    return SendOutcome::retry;
}

// A header value of printable ASCII, short: the dispatcher's ids always are.
bool is_header_safe(const std::string& value) {
    if (value.empty() || value.size() > 200) return false;
    for (const char c : value)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

}  // namespace

std::string sms_recipient_problem(const std::string& recipient) {
    if (recipient.size() < 9 || recipient.size() > 16 || recipient.front() != '+')
        return "recipient is not an E.164 number (+ and 8 to 15 digits)";
    if (recipient[1] == '0') return "recipient is not an E.164 number (country code starts with 0)";
    for (std::size_t i = 1; i < recipient.size(); ++i)
        if (recipient[i] < '0' || recipient[i] > '9') return "recipient is not an E.164 number (non-digit)";
    return {};
}

std::string sms_json(const std::string& to, const std::string& text, const std::string& sender) {
    nlohmann::ordered_json body;
    body["to"] = to;
    body["text"] = text;
    body["sender"] = sender;
    return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

HttpSmsSender::HttpSmsSender(SmsSettings settings) : settings_(std::move(settings)) {
    check_url(settings_.url);
    if (settings_.timeout <= std::chrono::milliseconds::zero())
        throw std::invalid_argument("SMS timeout must be positive");
    if (settings_.token)
        for (const char c : *settings_.token)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                throw std::invalid_argument("SMS token contains a control character");
}

SendResult HttpSmsSender::send(const Envelope& envelope) {
    if (const auto problem = sms_recipient_problem(envelope.recipient); !problem.empty())
        return {SendOutcome::permanent, "SMS not sent: " + problem};
    try {
        const std::string body = sms_json(envelope.recipient, envelope.content.text, settings_.sender);

        const CurlEasy curl = make_curl_easy();
        CURL* h = curl.get();
        std::array<char, CURL_ERROR_SIZE> error_text{};
        set_option(h, CURLOPT_ERRORBUFFER, error_text.data());
        set_option(h, CURLOPT_URL, settings_.url.c_str());
        set_option(h, CURLOPT_PROTOCOLS_STR, "http,https");
        set_option(h, CURLOPT_FOLLOWLOCATION, 0L);
        set_option(h, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
        set_option(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
        set_option(h, CURLOPT_POST, 1L);
        set_option(h, CURLOPT_POSTFIELDS, body.c_str());
        set_option(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        set_option(h, CURLOPT_WRITEFUNCTION, &discard_body);

        CurlSlist headers;
        append(headers, "Content-Type: application/json");
        append(headers, "Accept: application/json");
        append(headers, "Expect:");  // no 100-continue round trip for a small body
        if (settings_.token) append(headers, "Authorization: Bearer " + *settings_.token);
        // The Message-ID of an email, for a provider that deduplicates (delivery is at least
        // once) and for whoever orders the SMS of one number as they were queued.
        if (is_header_safe(envelope.message_id)) append(headers, "Idempotency-Key: " + envelope.message_id);
        set_option(h, CURLOPT_HTTPHEADER, headers.get());

        const CURLcode code = curl_easy_perform(h);
        if (code != CURLE_OK) {
            std::string error = std::string("SMS provider: ") + curl_easy_strerror(code);
            if (error_text[0] != '\0') error += std::string(" (") + error_text.data() + ")";
            return {SendOutcome::retry, error};
        }
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        const SendOutcome outcome = classify_status(status);
        if (outcome == SendOutcome::sent) return {outcome, {}};
        return {outcome, "SMS provider answered HTTP " + std::to_string(status)};
    } catch (const std::exception& e) {
        return {SendOutcome::retry, std::string("SMS provider: ") + e.what()};
    }
}

}  // namespace guichet::infra
