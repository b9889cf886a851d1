#pragma once
// Port: unpredictable numbers for secrets (temporary passwords, codes, tokens).
// Implemented with libsodium in infra/crypto/sodium_random.hpp.
#include <cstdint>

namespace guichet {

class RandomSource {
public:
    virtual ~RandomSource() = default;
    // Uniform in [0, upper_bound), without modulo bias.
    virtual std::uint32_t uniform(std::uint32_t upper_bound) = 0;
};

}  // namespace guichet
