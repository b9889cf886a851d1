#pragma once
// PasswordHasher adapter: hashes with Argon2id (libargon2), verifies Argon2id and the bcrypt
// hashes ($2b$, $2a$, $2y$) of imported legacy accounts (libcrypt), which needs_rehash() then
// flags so the next successful login replaces them.
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/password/hasher.hpp"

namespace guichet::infra {

// Defaults are OWASP's Argon2id baseline (19 MiB, 2 passes, 1 lane).
struct Argon2Params {
    std::uint32_t memory_kib = 19456;
    std::uint32_t iterations = 2;
    std::uint32_t parallelism = 1;
};

class Argon2idHasher final : public PasswordHasher {
public:
    // Throws std::invalid_argument on parameters libargon2 would refuse or that exceed what
    // verify() accepts from stored hashes; hashes one dummy password (see verify_dummy).
    explicit Argon2idHasher(Argon2Params params = {});

    std::string hash(std::string_view password) const override;
    bool verify(std::string_view phc, std::string_view password) const override;
    bool needs_rehash(std::string_view phc) const override;

    // Costs what verify() of a current-parameter hash costs, so that a login with an unknown
    // identifier takes as long as one with a wrong password (SPEC.md §7).
    void verify_dummy(std::string_view password) const override;
    const std::string& dummy_hash() const noexcept { return dummy_phc_; }

    const Argon2Params& params() const noexcept { return params_; }

private:
    Argon2Params params_;
    std::string dummy_phc_;
};

}  // namespace guichet::infra
