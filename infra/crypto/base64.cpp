#include "infra/crypto/base64.hpp"

#include <algorithm>

#include "infra/crypto/sodium.hpp"

namespace guichet::infra {

std::string base64_encode(std::span<const unsigned char> bytes) {
    ensure_sodium();
    constexpr int variant = sodium_base64_VARIANT_ORIGINAL;
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
    out.pop_back();  // the encoder writes a terminating NUL we do not want in a std::string
    return out;
}

std::optional<std::vector<unsigned char>> base64_decode(std::string_view text) {
    ensure_sodium();
    // libsodium 1.0.18 (Debian 12) reads every byte from 0x80 up as '/' or '_': a key pasted with
    // a stray non-ASCII character would decode to other bytes instead of being refused.
    if (std::ranges::any_of(text, [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) return std::nullopt;
    // Keys are pasted by operators from several tools; accept the variants they produce.
    static constexpr int variants[] = {
        sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
        sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING};
    std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
    for (int variant : variants) {
        std::size_t length = 0;
        // A null b64_end makes libsodium reject trailing garbage instead of stopping there.
        if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), " \t\r\n",
                              &length, nullptr, variant) == 0) {
            out.resize(length);
            return out;
        }
    }
    return std::nullopt;
}

}  // namespace guichet::infra
