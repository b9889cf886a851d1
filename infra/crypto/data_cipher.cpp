#include "infra/crypto/data_cipher.hpp"

#include <cstdint>

#include "infra/crypto/sodium.hpp"

namespace guichet::infra {
namespace {

static_assert(DataCipher::nonce_bytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(DataCipher::tag_bytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(std::tuple_size_v<DataCipher::Key> == crypto_kdf_KEYBYTES);
static_assert(std::tuple_size_v<DataCipher::Key> == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

constexpr char kdf_context[crypto_kdf_CONTEXTBYTES + 1] = "guichet1";  // 8 bytes + NUL
constexpr std::uint64_t encryption_subkey_id = 1;
constexpr std::uint64_t index_subkey_id = 2;

// libsodium takes unsigned bytes; a default string_view holds nullptr, so give it a real
// address even when empty.
const unsigned char* bytes_of(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.empty() ? "" : text.data());
}

unsigned char* bytes_of(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }

}  // namespace

DataCipher::DataCipher(const Key& master_key) {
    ensure_sodium();
    crypto_kdf_derive_from_key(encryption_key_.data(), encryption_key_.size(), encryption_subkey_id,
                               kdf_context, master_key.data());
    crypto_kdf_derive_from_key(index_key_.data(), index_key_.size(), index_subkey_id, kdf_context,
                               master_key.data());
}

DataCipher::~DataCipher() {
    sodium_memzero(encryption_key_.data(), encryption_key_.size());
    sodium_memzero(index_key_.data(), index_key_.size());
}

std::string DataCipher::encrypt(std::string_view plaintext, std::string_view associated_data) const {
    std::string sealed(nonce_bytes + plaintext.size() + tag_bytes, '\0');
    unsigned char* nonce = bytes_of(sealed);
    // 192-bit random nonces never realistically repeat, so no counter has to be kept.
    randombytes_buf(nonce, nonce_bytes);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        nonce + nonce_bytes, &written, bytes_of(plaintext), plaintext.size(),
        bytes_of(associated_data), associated_data.size(), nullptr, nonce, encryption_key_.data());
    sealed.resize(nonce_bytes + static_cast<std::size_t>(written));
    return sealed;
}

std::optional<std::string> DataCipher::decrypt(std::string_view sealed,
                                               std::string_view associated_data) const {
    if (sealed.size() < nonce_bytes + tag_bytes) return std::nullopt;
    const unsigned char* nonce = bytes_of(sealed);
    const std::size_t cipher_size = sealed.size() - nonce_bytes;
    std::string plaintext(cipher_size - tag_bytes, '\0');
    unsigned long long written = 0;
    // An empty std::string still has a writable data() pointer, so an empty plaintext is fine.
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            bytes_of(plaintext), &written, nullptr, nonce + nonce_bytes, cipher_size,
            bytes_of(associated_data), associated_data.size(), nonce, encryption_key_.data()) != 0)
        return std::nullopt;
    plaintext.resize(static_cast<std::size_t>(written));
    return plaintext;
}

std::string DataCipher::blind_index(std::string_view value) const {
    std::string index(index_bytes, '\0');
    crypto_generichash(bytes_of(index), index.size(), bytes_of(value), value.size(),
                       index_key_.data(), index_key_.size());
    return index;
}

}  // namespace guichet::infra
