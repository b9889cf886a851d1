#include "domain/folding.hpp"

#include "domain/password/policy.hpp"

namespace guichet {

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::string fold_accents(std::string_view text) {
    const auto decoded = decode_utf8(text);
    if (!decoded) return {};
    static constexpr std::u32string_view kFrom = U"àáâãäåçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŸ’";
    static constexpr std::string_view kTo = "aaaaaaceeeeiiiinoooooouuuuyyaaaaaaceeeeiiiinoooooouuuuyy'";
    static_assert(kFrom.size() == kTo.size());
    std::string out;
    for (char32_t c : *decoded) {
        if (c >= U'A' && c <= U'Z') {
            out.push_back(static_cast<char>(c - U'A' + U'a'));
        } else if (const std::size_t at = kFrom.find(c); at != std::u32string_view::npos) {
            out.push_back(kTo[at]);
        } else if (c >= 0x300 && c <= 0x36F) {
            // combining accent of a decomposed letter (e + U+0301): dropped like a composed one
        } else if (c == U'œ' || c == U'Œ') {
            out += "oe";
        } else if (c == U'æ' || c == U'Æ') {
            out += "ae";
        } else if (c == U'ß') {
            out += "ss";
        } else {
            append_utf8(out, c);
        }
    }
    return out;
}

std::string comparable_text(std::string_view text) {
    std::string out;
    for (const char c : fold_accents(text)) {
        const auto u = static_cast<unsigned char>(c);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80) out.push_back(c);
    }
    return out;
}

}  // namespace guichet
