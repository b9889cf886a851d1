#include "domain/url.hpp"

#include <array>

namespace guichet {

std::string percent_encode(std::string_view text) {
    static constexpr std::array<char, 16> hex{'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
    std::string out;
    out.reserve(text.size() * 3);
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                                c == '_' || c == '~';
        if (unreserved) {
            out += ch;
        } else {
            out += '%';
            out += hex[static_cast<std::size_t>(c >> 4)];
            out += hex[static_cast<std::size_t>(c & 0x0Fu)];
        }
    }
    return out;
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            const int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += plus_is_space && c == '+' ? ' ' : c;
    }
    return out;
}

std::map<std::string, std::string> parse_form(std::string_view body, std::string* repeated) {
    std::map<std::string, std::string> out;
    while (!body.empty()) {
        const auto amp = std::min(body.find('&'), body.size());
        const auto pair = body.substr(0, amp);
        body.remove_prefix(std::min(amp + 1, body.size()));
        if (pair.empty()) continue;
        const auto eq = std::min(pair.find('='), pair.size());
        auto name = percent_decode(pair.substr(0, eq));
        auto value = percent_decode(pair.substr(std::min(eq + 1, pair.size())));
        if (!out.emplace(std::move(name), std::move(value)).second && repeated && repeated->empty())
            *repeated = percent_decode(pair.substr(0, eq));
    }
    return out;
}

}  // namespace guichet
