#pragma once
// PasswordHasher adapter: hashes with Argon2id (libargon2), verifies Argon2id and the bcrypt
// hashes ($2b$, $2a$, $2y$) of imported legacy accounts (libcrypt), which needs_rehash() then
// flags so the next successful login replaces them.
#include <cstdint>
#include <memory>
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
    // At most `max_parallel` hashes or verifications run at once (0: one per core the process may
    // use), whatever the number of threads calling: more would only share the cores, each pass
    // evicting the others' memory from the caches (4 threads on 2 cores verify 5-10 % fewer
    // passwords per second than 2, docs/PERFORMANCE.md), while a caller waiting here holds no core
    // and no 19 MiB. With the default, each hash also runs on a core of its own (the calling
    // thread is pinned to it for the hash): the server's hashing threads run at nice 19, and the
    // scheduler, weighing them so lightly, would otherwise leave two on one core while the other
    // idles (a core idle 2-3 % of the time under a login load, docs/PERFORMANCE.md).
    explicit Argon2idHasher(Argon2Params params = {}, unsigned max_parallel = 0);
    ~Argon2idHasher() override;

    std::string hash(std::string_view password) const override;
    bool verify(std::string_view phc, std::string_view password) const override;
    bool needs_rehash(std::string_view phc) const override;

    // Costs what verify() of a current-parameter hash costs, so that a login with an unknown
    // identifier takes as long as one with a wrong password (SPEC.md §7).
    void verify_dummy(std::string_view password) const override;
    const std::string& dummy_hash() const noexcept { return dummy_phc_; }

    const Argon2Params& params() const noexcept { return params_; }

    class Slots;  // the hashes that may run at once, each with its core (or none)

private:
    Argon2Params params_;
    std::unique_ptr<Slots> slots_;
    std::string dummy_phc_;
};

}  // namespace guichet::infra
