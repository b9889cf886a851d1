#pragma once
// Access tokens (SPEC.md §5): JWTs signed with Ed25519, JWS algorithm "EdDSA" (RFC 8037), in the
// compact serialisation (base64url without padding). The public keys are published as a JWK set
// at /.well-known/jwks.json so other sites verify tokens without calling us. Key rotation: the
// signer signs with one current key and still accepts tokens of the previous keys it is given,
// each chosen by the token header's "kid" (never by "alg", "jwk" or "jku" from the token).
#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>  // callers that build or read claims include <nlohmann/json.hpp>

namespace guichet::infra {

using Ed25519Seed = std::array<unsigned char, 32>;       // RFC 8032 private key ("d" in RFC 8037)
using Ed25519PublicKey = std::array<unsigned char, 32>;  // "x" in RFC 8037

struct SigningKey {
    std::string kid;  // empty: key_id_for(public key of seed)
    Ed25519Seed seed{};
    ~SigningKey();  // wipes the seed (an aggregate still: designated initialisers work)
};

// The public key of a seed (crypto_sign_seed_keypair).
Ed25519PublicKey ed25519_public_key(const Ed25519Seed& seed);

// Key id of a public key: the first 16 characters of base64url(SHA-256(public key)), so it
// names the key without revealing anything and is the same on every instance.
std::string key_id_for(const Ed25519PublicKey& public_key);

// A SigningKey whose kid is key_id_for(ed25519_public_key(seed)), e.g. from GUICHET_SIGNING_KEY.
SigningKey signing_key_from_seed(const Ed25519Seed& seed);

// base64url (RFC 4648 §5) without padding, as JWS uses. Decoding is strict: '=' padding, the
// standard alphabet's '+' '/', white space, a length of 4n+1 and non-zero unused trailing bits
// are all refused (nullopt), so one byte string has exactly one accepted encoding.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

class JwsSigner {
public:
    // Previous public keys keep verifying the tokens they signed until they expire (rotation);
    // their kid is key_id_for(key). Throws std::invalid_argument when two keys share a kid.
    explicit JwsSigner(const SigningKey& current, std::vector<Ed25519PublicKey> previous_public_keys = {});
    ~JwsSigner();  // wipes the secret key
    // Key material is not copied around; share one instance by reference.
    JwsSigner(const JwsSigner&) = delete;
    JwsSigner& operator=(const JwsSigner&) = delete;

    // Header {"alg":"EdDSA","kid":…,"typ":"JWT"}. claims must be a JSON object with a numeric
    // "exp" (verify() refuses tokens without one), else std::invalid_argument; claims that hold
    // invalid UTF-8 throw nlohmann::json::type_error. Ed25519 is deterministic: equal claims
    // give equal tokens.
    std::string sign(const nlohmann::json& claims) const;

    // The claims of a token signed by one of our keys that is valid at now_epoch_seconds, else a
    // short fixed reason for logs (never token content). Refuses: more than max_token_bytes;
    // not three base64url parts; a header or payload that is not a JSON object; "alg" other than
    // "EdDSA"; a "crit" header; a missing, non-string or unknown "kid"; a bad signature; "exp"
    // missing, not a number or <= now - leeway; "nbf" not a number or > now + leeway. A negative
    // leeway counts as 0. Never throws on hostile input.
    std::expected<nlohmann::json, std::string> verify(std::string_view token, std::int64_t now_epoch_seconds,
                                                      std::int64_t leeway_seconds = 0) const;

    // {"keys":[{"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"use":"sig","alg":"EdDSA"}, …]}, the
    // current key first, then the previous keys in the order given.
    nlohmann::json jwks() const;

    const std::string& kid() const noexcept { return verification_keys_.front().kid; }

    // Our tokens are a few hundred bytes; anything far larger is refused before any decoding.
    static constexpr std::size_t max_token_bytes = 8192;

private:
    struct VerificationKey {
        std::string kid;
        Ed25519PublicKey public_key;
    };
    std::array<unsigned char, 64> secret_key_{};    // libsodium's seed || public key
    std::vector<VerificationKey> verification_keys_;  // [0] is the current key
    std::string encoded_header_;                     // base64url of the fixed protected header
};

// Low level, for the RFC 8037 test vector: signs base64url(protected_header_json) "."
// base64url(payload) as given, no claim checks.
std::string jws_sign_compact(const std::string& protected_header_json, const std::string& payload,
                             const Ed25519Seed& seed);

// True when token is a compact JWS whose protected header is a JSON object with "alg":"EdDSA"
// and whose signature verifies with public_key. Nothing else is checked. Never throws.
bool jws_verify_compact(std::string_view token, const Ed25519PublicKey& public_key);

}  // namespace guichet::infra
