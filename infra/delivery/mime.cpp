#include "infra/delivery/mime.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <span>
#include <stdexcept>

#include "infra/crypto/base64.hpp"

namespace guichet::infra {
namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool has_control(std::string_view text) {
    for (const char c : text)
        if (is_control(static_cast<unsigned char>(c))) return true;
    return false;
}

std::string base64(std::string_view bytes) {
    return base64_encode(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
}

// Text lines separated by \n (or \r\n, or a lone \r) → CRLF, the canonical form of text/plain.
std::string crlf_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r') {
            out += "\r\n";
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else if (c == '\n') {
            out += "\r\n";
        } else {
            out += c;
        }
    }
    return out;
}

// RFC 2047 §2: an encoded word is at most 75 characters; "=?UTF-8?B?" + "?=" leave 63 for the
// base64, but the first word shares its line with "Subject: " and RFC 2047 §2 also wants lines
// of at most 76 characters: 36 bytes → 48 base64 characters → 60-character words.
constexpr std::size_t max_bytes_per_word = 36;

bool utf8_continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

}  // namespace

std::string email_problem(const Envelope& envelope, std::string_view from) {
    const std::string_view to = envelope.recipient;
    if (to.empty()) return "recipient is empty";
    for (const char c : to) {
        const auto u = static_cast<unsigned char>(c);
        if (is_control(u)) return "recipient contains a control character (CR, LF...)";
        if (c == ' ' || c == '<' || c == '>' || c == ',' || c == '"')
            return "recipient is not one bare address (space, quote, '<', '>' or ',')";
    }
    const auto at = to.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == to.size())
        return "recipient is not an address (local@domain)";
    if (from.empty()) return "sender (from) is empty";
    if (has_control(from)) return "sender (from) contains a control character (CR, LF...)";
    if (envelope_sender(from).find('@') == std::string::npos) return "sender (from) has no address";
    for (const char c : envelope.message_id)
        if (is_control(static_cast<unsigned char>(c)) || c == ' ')
            return "message id contains a control character or a space";
    return {};
}

std::string envelope_sender(std::string_view from) {
    const auto open = from.rfind('<');
    if (open != std::string_view::npos) {
        const auto close = from.find('>', open);
        if (close != std::string_view::npos) return std::string(from.substr(open + 1, close - open - 1));
    }
    const auto first = from.find_first_not_of(' ');
    const auto last = from.find_last_not_of(' ');
    if (first == std::string_view::npos) return {};
    return std::string(from.substr(first, last - first + 1));
}

std::string encode_subject(std::string_view text) {
    std::string clean(text);
    for (char& c : clean)
        if (is_control(static_cast<unsigned char>(c))) c = ' ';

    bool plain = clean.size() <= 66 && clean.find("=?") == std::string::npos;
    for (const char c : clean)
        if (static_cast<unsigned char>(c) >= 0x80) plain = false;
    if (plain) return clean;

    std::string out;
    std::size_t start = 0;
    while (start < clean.size()) {
        std::size_t end = std::min(start + max_bytes_per_word, clean.size());
        // Back up to the first byte of a character so no word ends in the middle of one
        // (RFC 2047 §5: each encoded word must hold whole characters). Malformed UTF-8 with no
        // character start in reach is cut where it is.
        if (end < clean.size()) {
            std::size_t cut = end;
            while (cut > start && utf8_continuation(static_cast<unsigned char>(clean[cut]))) --cut;
            if (cut > start) end = cut;
        }
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?";
        out += base64(std::string_view(clean).substr(start, end - start));
        out += "?=";
        start = end;
    }
    return out;
}

std::string base64_lines(std::string_view bytes) {
    const std::string encoded = base64(bytes);
    std::string out;
    out.reserve(encoded.size() + encoded.size() / 76 * 2 + 2);
    for (std::size_t i = 0; i < encoded.size(); i += 76) {
        out.append(encoded, i, 76);
        out += "\r\n";
    }
    return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point when) {
    static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    std::array<char, 40> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%s, %02d %s %04d %02d:%02d:%02d +0000",
                  days.at(static_cast<std::size_t>(tm.tm_wday)), tm.tm_mday,
                  months.at(static_cast<std::size_t>(tm.tm_mon)), tm.tm_year + 1900, tm.tm_hour,
                  tm.tm_min, tm.tm_sec);
    return buffer.data();
}

std::string format_email(const Envelope& envelope, const std::string& from) {
    return format_email(envelope, from, std::chrono::system_clock::now());
}

std::string format_email(const Envelope& envelope, const std::string& from,
                         std::chrono::system_clock::time_point date) {
    if (const auto problem = email_problem(envelope, from); !problem.empty())
        throw std::invalid_argument("cannot format email: " + problem);

    std::string message;
    message += "Date: " + rfc5322_date(date) + "\r\n";
    message += "From: " + from + "\r\n";
    message += "To: " + envelope.recipient + "\r\n";
    message += "Subject: " + encode_subject(envelope.content.subject) + "\r\n";
    if (!envelope.message_id.empty()) {
        const bool bracketed = envelope.message_id.front() == '<' && envelope.message_id.back() == '>';
        message += "Message-ID: " + (bracketed ? envelope.message_id : "<" + envelope.message_id + ">") + "\r\n";
    }
    message += "MIME-Version: 1.0\r\n";
    message += "Content-Type: text/plain; charset=UTF-8\r\n";
    message += "Content-Transfer-Encoding: base64\r\n";
    message += "\r\n";
    message += base64_lines(crlf_lines(envelope.content.text));
    return message;
}

}  // namespace guichet::infra
