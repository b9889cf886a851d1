// Access-token verification (infra/crypto/jws.hpp, jwt_signer.hpp) against real keys. The input's
// first byte picks what the rest is:
//   't' (or anything else): a token, verified as it is. Ed25519 signing is deterministic, so a
//       token that verifies must be exactly what signing its own decoded header and payload gives
//       again: anything else would be a forgery or a second encoding of one token.
//   'm': edits of a token we signed ("t[0]" picks the token, then 3 bytes per edit: position
//       (2 bytes), byte; 0 erases, 0x80 and above inserts): it verifies if and only if unmodified.
//   'c': JSON claims, signed with our key: verification either gives them back or names the time
//       claim at fault, and the access-token checks of JwtSigner never misbehave on them.
// Base64url is also checked on the rest: canonical both ways.
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz.hpp"
#include "infra/crypto/jws.hpp"
#include "infra/crypto/jwt_signer.hpp"

using namespace guichet;
using namespace guichet::infra;

namespace {

constexpr std::int64_t kNow = 1'750'000'000;
const std::string kIssuer = "http://127.0.0.1:8080";

Ed25519Seed seed_of(unsigned char first) {
    Ed25519Seed seed{};
    for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<unsigned char>(first + i);
    return seed;
}

// Our current key and a previous one (rotation): both verify.
struct Keys {
    Ed25519Seed current = seed_of(1);
    Ed25519Seed previous = seed_of(101);
    JwsSigner signer{SigningKey{.kid = "", .seed = current}, {ed25519_public_key(previous)}};
    JwsSigner previous_signer{SigningKey{.kid = "", .seed = previous}};
    std::vector<std::string> tokens;  // what 'm' edits

    Keys() {
        tokens.push_back(signer.sign({{"sub", "42"}, {"exp", kNow + 900}}));
        tokens.push_back(previous_signer.sign({{"sub", "7"}, {"exp", kNow + 60}, {"nbf", kNow - 60}}));
        tokens.push_back(signer.sign({{"iss", kIssuer}, {"aud", kIssuer + "/v1"}, {"sub", "42"}, {"sid", "s-1"},
                                      {"act", {"change_password"}}, {"iat", kNow}, {"exp", kNow + 900}}));
    }
    const Ed25519Seed* seed_for(const std::string& kid) const {
        if (kid == key_id_for(ed25519_public_key(current))) return &current;
        if (kid == key_id_for(ed25519_public_key(previous))) return &previous;
        return nullptr;
    }
};

const Keys& keys() {
    static const Keys k;
    return k;
}

std::chrono::system_clock::time_point at(std::int64_t seconds) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

// The token signed again from its own parts: a token that verifies is exactly this.
bool is_our_signature(std::string_view token) {
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    const auto header = base64url_decode(token.substr(0, first));
    const auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
    if (!header || !payload) return false;
    const auto parsed = nlohmann::json::parse(*header, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("kid") || !parsed["kid"].is_string()) return false;
    const auto* seed = keys().seed_for(parsed["kid"].get<std::string>());
    return seed != nullptr && jws_sign_compact(*header, *payload, *seed) == token;
}

void check_token(std::string_view token) {
    const auto& k = keys();
    for (const std::int64_t leeway : {0, 30}) {
        const auto claims = k.signer.verify(token, kNow, leeway);
        if (claims) FUZZ_CHECK(claims->is_object() && is_our_signature(token));
    }
    if (jws_verify_compact(token, ed25519_public_key(k.current))) FUZZ_CHECK(is_our_signature(token));
    const JwtSigner access{SigningKey{.kid = "", .seed = k.current}, kIssuer};
    if (access.verify(token, at(kNow))) FUZZ_CHECK(k.signer.verify(token, kNow).has_value());
}

void check_edits(std::string_view edits) {
    const auto& k = keys();
    if (edits.empty()) return;
    const auto& original = k.tokens[static_cast<unsigned char>(edits[0]) % k.tokens.size()];
    std::string token = original;
    for (std::size_t i = 1; i + 2 < edits.size(); i += 3) {
        const auto position = (static_cast<std::size_t>(static_cast<unsigned char>(edits[i])) << 8 |
                               static_cast<unsigned char>(edits[i + 1])) % (token.size() + 1);
        const auto byte = static_cast<unsigned char>(edits[i + 2]);
        if (byte == 0) {
            if (position < token.size()) token.erase(position, 1);
        } else if (byte >= 0x80) {
            token.insert(position, 1, static_cast<char>(byte & 0x7f));
        } else if (position < token.size()) {
            token[position] = static_cast<char>(byte);
        }
    }
    const bool unmodified = token == original;
    FUZZ_CHECK(k.signer.verify(token, kNow).has_value() == unmodified);
    const JwtSigner access{SigningKey{.kid = "", .seed = k.current}, kIssuer};
    if (original == k.tokens[2]) FUZZ_CHECK(access.verify(token, at(kNow)).has_value() == unmodified);
    check_token(token);
}

void check_claims(std::string_view text) {
    const auto claims = nlohmann::json::parse(text, nullptr, false);
    if (!claims.is_object() || !claims.contains("exp") || !claims["exp"].is_number()) return;
    const auto& k = keys();
    const auto token = k.signer.sign(claims);
    const auto verified = k.signer.verify(token, kNow);
    if (verified) {
        FUZZ_CHECK(*verified == claims);
    } else {
        const auto& reason = verified.error();
        FUZZ_CHECK(reason == "expired" || reason == "not yet valid" || reason == "invalid exp" ||
                   reason == "invalid nbf" || reason == "token too large");
    }
    const JwtSigner access{SigningKey{.kid = "", .seed = k.current}, kIssuer};
    if (const auto access_claims = access.verify(token, at(kNow))) {
        FUZZ_CHECK(verified.has_value());
        FUZZ_CHECK(access_claims->expires_at > at(kNow));
        FUZZ_CHECK(access.verify(token, at(kNow)).has_value());  // the memo answers the same
    }
}

void check_base64url(std::string_view text) {
    if (const auto decoded = base64url_decode(text)) FUZZ_CHECK(base64url_encode(*decoded) == text);
    const auto encoded = base64url_encode(text);
    FUZZ_CHECK(encoded.find_first_of("=+/") == std::string::npos);
    FUZZ_CHECK(base64url_decode(encoded) == std::string(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::text_of(data, size);
    if (input.empty()) return 0;
    const auto rest = input.substr(1);
    switch (input[0]) {
        case 'm': check_edits(rest); break;
        case 'c': check_claims(rest); break;
        default: check_token(rest); break;
    }
    check_base64url(rest);
    return 0;
}
