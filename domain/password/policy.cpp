#include "domain/password/policy.hpp"

namespace guichet {
namespace {

bool is_upper(char32_t c) {
    if (c >= U'A' && c <= U'Z') return true;
    if (c >= 0xC0 && c <= 0xDE) return c != 0xD7;  // À-Þ, except ×
    if (c >= 0x100 && c <= 0x137) return c % 2 == 0;  // Ā ā … Ķ ķ (İ upper, ı lower)
    if (c >= 0x139 && c <= 0x148) return c % 2 == 1;  // Ĺ ĺ … Ň ň
    if (c >= 0x14A && c <= 0x177) return c % 2 == 0;  // Ŋ ŋ … Œ œ … Ŷ ŷ
    if (c == 0x178) return true;                      // Ÿ
    if (c >= 0x179 && c <= 0x17E) return c % 2 == 1;  // Ź ź … Ž ž
    return false;
}

bool is_lower(char32_t c) {
    if (c >= U'a' && c <= U'z') return true;
    if (c == 0xB5) return true;                       // µ
    if (c >= 0xDF && c <= 0xFF) return c != 0xF7;  // ß à-ÿ, except ÷
    if (c >= 0x100 && c <= 0x137) return c % 2 == 1;
    if (c == 0x138) return true;                      // ĸ
    if (c >= 0x139 && c <= 0x148) return c % 2 == 0;
    if (c == 0x149) return true;                      // ŉ
    if (c >= 0x14A && c <= 0x177) return c % 2 == 1;
    if (c >= 0x179 && c <= 0x17E) return c % 2 == 0;
    if (c == 0x17F) return true;                      // ſ
    return false;
}

std::string plural(std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n > 1 ? "s" : "");
}

}  // namespace

CharacterClass classify(char32_t c) {
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return CharacterClass::control;
    if (c >= U'0' && c <= U'9') return CharacterClass::digit;
    if (is_upper(c)) return CharacterClass::upper;
    if (is_lower(c)) return CharacterClass::lower;
    if (c >= 0x300 && c <= 0x36F) return CharacterClass::combining_mark;
    return CharacterClass::special;
}

std::optional<std::u32string> decode_utf8(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        char32_t c = 0;
        char32_t smallest = 0;  // below this the encoding is overlong
        if (lead < 0x80) {
            length = 1, c = lead;
        } else if ((lead & 0xE0) == 0xC0) {
            length = 2, c = lead & 0x1Fu, smallest = 0x80;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3, c = lead & 0x0Fu, smallest = 0x800;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4, c = lead & 0x07u, smallest = 0x10000;
        } else {
            return std::nullopt;
        }
        if (text.size() - i < length) return std::nullopt;
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return std::nullopt;
            c = (c << 6) | (next & 0x3Fu);
        }
        if (c < smallest || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
        out.push_back(c);
        i += length;
    }
    return out;
}

std::vector<std::string> PasswordPolicy::unmet(std::string_view password) const {
    const auto decoded = decode_utf8(password);
    bool controls = !decoded;
    bool upper = false, lower = false, digit = false, special = false;
    if (decoded) {
        for (char32_t c : *decoded) {
            switch (classify(c)) {
                case CharacterClass::upper: upper = true; break;
                case CharacterClass::lower: lower = true; break;
                case CharacterClass::digit: digit = true; break;
                case CharacterClass::special: special = true; break;
                case CharacterClass::combining_mark: break;
                case CharacterClass::control: controls = true; break;
            }
        }
    }
    // Nothing else is meaningful about a string that is not a password one can type.
    if (controls) return {"Caractères non admis (caractère de contrôle ou encodage invalide)"};

    std::vector<std::string> missing;
    if (decoded->size() < min_length) missing.push_back("Au moins " + plural(min_length, "caractère"));
    if (decoded->size() > max_length) missing.push_back("Au plus " + plural(max_length, "caractère"));
    if (!upper) missing.emplace_back("Au moins 1 majuscule");
    if (!lower) missing.emplace_back("Au moins 1 minuscule");
    if (!digit) missing.emplace_back("Au moins 1 chiffre");
    if (!special) missing.emplace_back("Au moins 1 caractère spécial");
    return missing;
}

Result<void> PasswordPolicy::check(std::string_view password) const {
    const auto missing = unmet(password);
    if (missing.empty()) return {};
    std::string detail = "Mot de passe non conforme : ";
    for (std::size_t i = 0; i < missing.size(); ++i) {
        std::string item = missing[i];
        item[0] = static_cast<char>(item[0] - 'A' + 'a');  // every message starts with an ASCII capital
        detail += (i == 0 ? "" : ", ") + item;
    }
    return fail(ErrorCode::password_policy, detail + ".", "password");
}

}  // namespace guichet
