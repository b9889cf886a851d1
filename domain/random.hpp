#pragma once
// Port: unpredictable numbers for secrets (temporary passwords, codes, tokens).
// Implemented with libsodium in infra/crypto/sodium_random.hpp.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace guichet {

class RandomSource {
public:
    virtual ~RandomSource() = default;
    // Uniform in [0, upper_bound), without modulo bias.
    virtual std::uint32_t uniform(std::uint32_t upper_bound) = 0;
};

// Port: a keyed digest of a text: the same in every process and after restarts, but not
// computable without the key (infra: a blind index under the data key). Lets a service answer an
// identifier nobody has the same way each time it is asked, as it would answer a real one.
class KeyedDigest {
public:
    virtual ~KeyedDigest() = default;
    virtual std::uint64_t digest(std::string_view text) const = 0;
};

// A URL-safe random token of `bytes` bytes of randomness (6 bits a character): session ids,
// refresh tokens, flow ids, the tokens of links sent by email.
inline std::string random_token(RandomSource& random, std::size_t bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string token;
    for (std::size_t i = 0; i < bytes * 4 / 3 + 1; ++i) token += alphabet[random.uniform(64)];
    return token;
}

}  // namespace guichet
