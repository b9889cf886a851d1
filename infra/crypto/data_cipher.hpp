#pragma once
// Encryption at rest of personal data (the NIR) and its blind index for look-ups (SPEC.md §7).
// One master key (GUICHET_DATA_KEY) is split by the libsodium KDF into an encryption key and an
// index key, so the key that seals data never also computes values stored next to it.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "domain/random.hpp"

namespace guichet::infra {

class DataCipher {
public:
    using Key = std::array<unsigned char, 32>;

    explicit DataCipher(const Key& master_key);
    ~DataCipher();
    // Key material is not copied around; share one instance by reference.
    DataCipher(const DataCipher&) = delete;
    DataCipher& operator=(const DataCipher&) = delete;

    // XChaCha20-Poly1305 with a random 24-byte nonce. Returns nonce || ciphertext || tag as
    // binary bytes (store as bytea). associated_data binds the ciphertext to its context (for
    // example the member id and column), so it cannot be moved to another row unnoticed.
    std::string encrypt(std::string_view plaintext, std::string_view associated_data) const;

    // nullopt when the input is too short, was altered, or the associated data differs.
    std::optional<std::string> decrypt(std::string_view sealed, std::string_view associated_data) const;

    // Keyed BLAKE2b, 32 binary bytes, deterministic: equal values give equal indexes, so the
    // caller must normalise the value first (e.g. the canonical 15-character NIR).
    std::string blind_index(std::string_view value) const;

    static constexpr std::size_t nonce_bytes = 24;
    static constexpr std::size_t tag_bytes = 16;
    static constexpr std::size_t index_bytes = 32;

private:
    Key encryption_key_{};
    Key index_key_{};
};

// The KeyedDigest port on the blind index ("digest:" + text, first 8 bytes).
class BlindDigest final : public KeyedDigest {
public:
    explicit BlindDigest(const DataCipher& cipher) : cipher_(cipher) {}
    std::uint64_t digest(std::string_view text) const override {
        const auto index = cipher_.blind_index(std::string("digest:") + std::string(text));
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(index[i]);
        return value;
    }

private:
    const DataCipher& cipher_;
};

}  // namespace guichet::infra
