#include "infra/crypto/jws.hpp"

#include <algorithm>
#include <cmath>
#include <compare>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "infra/crypto/sodium.hpp"

namespace guichet::infra {
namespace {

static_assert(std::tuple_size_v<Ed25519Seed> == crypto_sign_SEEDBYTES);
static_assert(std::tuple_size_v<Ed25519PublicKey> == crypto_sign_PUBLICKEYBYTES);
static_assert(64 == crypto_sign_SECRETKEYBYTES);
constexpr std::size_t signature_bytes = crypto_sign_BYTES;
static_assert(signature_bytes == 64);

constexpr const char* algorithm = "EdDSA";
constexpr std::size_t key_id_chars = 16;

// libsodium takes unsigned bytes; a default string_view holds nullptr, so give it a real
// address even when empty.
const unsigned char* bytes_of(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.empty() ? "" : text.data());
}

std::string_view view_of(const Ed25519PublicKey& key) {
    return {reinterpret_cast<const char*>(key.data()), key.size()};
}

std::string signature_over(std::string_view signing_input, const unsigned char* secret_key) {
    std::string signature(signature_bytes, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr, bytes_of(signing_input),
                         signing_input.size(), secret_key);
    return signature;
}

// A compact JWS split and decoded as far as is needed to check its signature. The payload stays
// encoded so that it is parsed only once the signature holds.
struct SignedParts {
    nlohmann::json header;
    std::string_view signing_input;  // "header.payload", as received
    std::string_view payload_b64;
    std::string signature;           // exactly signature_bytes
};

std::expected<SignedParts, std::string> split_signed(std::string_view token) {
    const auto first = token.find('.');
    if (first == std::string_view::npos) return std::unexpected("malformed token");
    const auto second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return std::unexpected("malformed token");

    SignedParts parts;
    parts.signing_input = token.substr(0, second);
    parts.payload_b64 = token.substr(first + 1, second - first - 1);
    auto header_json = base64url_decode(token.substr(0, first));
    auto signature = base64url_decode(token.substr(second + 1));
    if (!header_json || !signature || !base64url_decode(parts.payload_b64))
        return std::unexpected("malformed token");
    if (signature->size() != signature_bytes) return std::unexpected("malformed signature");
    parts.signature = std::move(*signature);

    parts.header = nlohmann::json::parse(*header_json, nullptr, /*allow_exceptions=*/false);
    if (!parts.header.is_object()) return std::unexpected("malformed header");
    const auto alg = parts.header.find("alg");
    if (alg == parts.header.end() || !alg->is_string() || alg->get_ref<const std::string&>() != algorithm)
        return std::unexpected("unsupported alg");
    return parts;
}

bool signature_holds(const SignedParts& parts, const Ed25519PublicKey& public_key) {
    return crypto_sign_verify_detached(bytes_of(parts.signature), bytes_of(parts.signing_input),
                                       parts.signing_input.size(), public_key.data()) == 0;
}

// Three-way comparison of a NumericDate claim (RFC 7519 §2: any JSON number, possibly
// non-integer) with whole seconds; nullopt when the claim is not a finite number.
std::optional<std::partial_ordering> compare_time(const nlohmann::json& claim, std::int64_t seconds) {
    if (claim.is_number_unsigned()) {  // the parser stores every non-negative integer here
        if (seconds < 0) return std::partial_ordering::greater;
        return claim.get<std::uint64_t>() <=> static_cast<std::uint64_t>(seconds);
    }
    if (claim.is_number_integer()) return claim.get<std::int64_t>() <=> seconds;
    if (claim.is_number_float()) {
        const double value = claim.get<double>();
        if (!std::isfinite(value)) return std::nullopt;
        return value <=> static_cast<double>(seconds);
    }
    return std::nullopt;
}

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();

// now - leeway and now + leeway without overflow, for leeway >= 0.
std::int64_t earliest(std::int64_t now, std::int64_t leeway) {
    return now < int64_min + leeway ? int64_min : now - leeway;
}
std::int64_t latest(std::int64_t now, std::int64_t leeway) {
    return now > int64_max - leeway ? int64_max : now + leeway;
}

}  // namespace

SigningKey::~SigningKey() { sodium_memzero(seed.data(), seed.size()); }

std::string base64url_encode(std::string_view bytes) {
    ensure_sodium();
    constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes_of(bytes), bytes.size(), variant);
    out.pop_back();  // the encoder writes a terminating NUL we do not want in a std::string
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    ensure_sodium();
    // libsodium 1.0.18 (Debian 12) reads every byte from 0x80 up as '_': without this check each
    // '_' of a token had 128 other spellings that verified (found by test/fuzz/jws.cpp).
    const auto in_alphabet = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    };
    if (!std::ranges::all_of(text, in_alphabet)) return std::nullopt;
    std::string out(text.size() / 4 * 3 + 3, '\0');
    std::size_t length = 0;
    // No characters to ignore and a null b64_end: any character outside the URL-safe alphabet
    // ('=' included) fails the whole decoding instead of ending it. libsodium also refuses a
    // dangling 6-bit group and non-zero unused bits, so the encoding is canonical.
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.empty() ? "" : text.data(),
                          text.size(), nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return std::nullopt;
    out.resize(length);
    return out;
}

Ed25519PublicKey ed25519_public_key(const Ed25519Seed& seed) {
    ensure_sodium();
    Ed25519PublicKey public_key{};
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_key{};
    crypto_sign_seed_keypair(public_key.data(), secret_key.data(), seed.data());
    sodium_memzero(secret_key.data(), secret_key.size());
    return public_key;
}

std::string key_id_for(const Ed25519PublicKey& public_key) {
    ensure_sodium();
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), public_key.data(), public_key.size());
    return base64url_encode({reinterpret_cast<const char*>(digest.data()), digest.size()}).substr(0, key_id_chars);
}

SigningKey signing_key_from_seed(const Ed25519Seed& seed) {
    return SigningKey{.kid = key_id_for(ed25519_public_key(seed)), .seed = seed};
}

JwsSigner::JwsSigner(const SigningKey& current, std::vector<Ed25519PublicKey> previous_public_keys) {
    ensure_sodium();
    Ed25519PublicKey public_key{};
    crypto_sign_seed_keypair(public_key.data(), secret_key_.data(), current.seed.data());
    verification_keys_.push_back({current.kid.empty() ? key_id_for(public_key) : current.kid, public_key});
    for (const auto& previous : previous_public_keys) {
        std::string previous_kid = key_id_for(previous);
        for (const auto& known : verification_keys_)
            if (known.kid == previous_kid)
                throw std::invalid_argument("signing keys: two keys share the kid " + previous_kid);
        verification_keys_.push_back({std::move(previous_kid), previous});
    }
    const nlohmann::json header = {{"alg", algorithm}, {"typ", "JWT"}, {"kid", kid()}};
    encoded_header_ = base64url_encode(header.dump());
}

JwsSigner::~JwsSigner() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

std::string JwsSigner::sign(const nlohmann::json& claims) const {
    if (!claims.is_object()) throw std::invalid_argument("token claims must be a JSON object");
    const auto exp = claims.find("exp");
    if (exp == claims.end() || !exp->is_number())
        throw std::invalid_argument("token claims need a numeric exp");
    std::string token = encoded_header_ + "." + base64url_encode(claims.dump());
    const std::string signature = signature_over(token, secret_key_.data());
    return token + "." + base64url_encode(signature);
}

std::expected<nlohmann::json, std::string> JwsSigner::verify(std::string_view token, std::int64_t now_epoch_seconds,
                                                             std::int64_t leeway_seconds) const {
    try {
        if (token.size() > max_token_bytes) return std::unexpected("token too large");
        auto parts = split_signed(token);
        if (!parts) return std::unexpected(std::move(parts.error()));
        // RFC 7515 §4.1.11: extensions listed in "crit" must be understood; we understand none.
        if (parts->header.contains("crit")) return std::unexpected("unsupported crit header");
        const auto kid = parts->header.find("kid");
        if (kid == parts->header.end() || !kid->is_string()) return std::unexpected("missing kid");
        const VerificationKey* key = nullptr;
        for (const auto& candidate : verification_keys_)
            if (candidate.kid == kid->get_ref<const std::string&>()) key = &candidate;
        if (key == nullptr) return std::unexpected("unknown kid");
        if (!signature_holds(*parts, key->public_key)) return std::unexpected("bad signature");

        // Only now, with the signature checked, is the payload parsed.
        const auto payload_json = base64url_decode(parts->payload_b64);
        if (!payload_json) return std::unexpected("malformed payload");
        nlohmann::json claims = nlohmann::json::parse(*payload_json, nullptr, /*allow_exceptions=*/false);
        if (!claims.is_object()) return std::unexpected("malformed payload");

        const std::int64_t leeway = leeway_seconds > 0 ? leeway_seconds : 0;
        const auto exp = claims.find("exp");
        if (exp == claims.end()) return std::unexpected("missing exp");
        const auto exp_order = compare_time(*exp, earliest(now_epoch_seconds, leeway));
        if (!exp_order) return std::unexpected("invalid exp");
        if (!(*exp_order > 0)) return std::unexpected("expired");
        if (const auto nbf = claims.find("nbf"); nbf != claims.end()) {
            const auto nbf_order = compare_time(*nbf, latest(now_epoch_seconds, leeway));
            if (!nbf_order) return std::unexpected("invalid nbf");
            if (*nbf_order > 0) return std::unexpected("not yet valid");
        }
        return claims;
    } catch (const std::exception&) {
        return std::unexpected("malformed token");  // not expected: the parser runs without exceptions
    }
}

nlohmann::json JwsSigner::jwks() const {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& key : verification_keys_) {
        keys.push_back({{"kty", "OKP"},
                        {"crv", "Ed25519"},
                        {"x", base64url_encode(view_of(key.public_key))},
                        {"kid", key.kid},
                        {"use", "sig"},
                        {"alg", algorithm}});
    }
    return {{"keys", std::move(keys)}};
}

std::string jws_sign_compact(const std::string& protected_header_json, const std::string& payload,
                             const Ed25519Seed& seed) {
    ensure_sodium();
    Ed25519PublicKey public_key{};
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_key{};
    crypto_sign_seed_keypair(public_key.data(), secret_key.data(), seed.data());
    std::string token = base64url_encode(protected_header_json) + "." + base64url_encode(payload);
    const std::string signature = signature_over(token, secret_key.data());
    sodium_memzero(secret_key.data(), secret_key.size());
    return token + "." + base64url_encode(signature);
}

bool jws_verify_compact(std::string_view token, const Ed25519PublicKey& public_key) {
    try {
        const auto parts = split_signed(token);
        return parts && signature_holds(*parts, public_key);
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace guichet::infra
