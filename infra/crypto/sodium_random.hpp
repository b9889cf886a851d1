#pragma once
#include <sodium.h>

#include "domain/random.hpp"
#include "infra/crypto/sodium.hpp"

namespace guichet::infra {

class SodiumRandom final : public RandomSource {
public:
    SodiumRandom() { ensure_sodium(); }
    std::uint32_t uniform(std::uint32_t upper_bound) override { return randombytes_uniform(upper_bound); }
};

}  // namespace guichet::infra
