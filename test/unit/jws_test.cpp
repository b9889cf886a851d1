// Access tokens: JWTs signed with Ed25519, JWS "EdDSA" (RFC 8037), published as a JWK set so
// other sites verify them (SPEC.md §5), with key rotation.
#include <sodium.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <expected>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "infra/crypto/jws.hpp"
#include "infra/crypto/jwt_signer.hpp"

using guichet::infra::base64url_decode;
using guichet::infra::base64url_encode;
using guichet::infra::ed25519_public_key;
using guichet::infra::Ed25519PublicKey;
using guichet::infra::Ed25519Seed;
using guichet::infra::jws_sign_compact;
using guichet::infra::jws_verify_compact;
using guichet::infra::JwsSigner;
using guichet::infra::key_id_for;
using guichet::infra::signing_key_from_seed;
using guichet::infra::SigningKey;
using nlohmann::json;

namespace {

// RFC 8037 appendix A.1, A.2 and A.4.
constexpr std::string_view rfc_d = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
constexpr std::string_view rfc_x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
constexpr std::string_view rfc_payload = "Example of Ed25519 signing";
constexpr std::string_view rfc_jws =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
// Computed independently (Python hashlib): base64url(SHA-256(x))[:16].
constexpr std::string_view rfc_kid = "If4x36FUomFia_hU";

constexpr std::int64_t now = 1'750'000'000;

template <std::size_t N>
std::array<unsigned char, N> bytes_from_b64url(std::string_view text) {
    const auto decoded = base64url_decode(text);
    REQUIRE(decoded);
    REQUIRE(decoded->size() == N);
    std::array<unsigned char, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = static_cast<unsigned char>((*decoded)[i]);
    return out;
}

Ed25519Seed seed_of(unsigned char first) {
    Ed25519Seed seed{};
    for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<unsigned char>(first + i);
    return seed;
}

std::string b64url(const Ed25519PublicKey& key) {
    return base64url_encode({reinterpret_cast<const char*>(key.data()), key.size()});
}

std::vector<std::string> parts_of(const std::string& token) {
    std::vector<std::string> parts(1);
    for (char c : token) {
        if (c == '.') parts.emplace_back();
        else parts.back() += c;
    }
    return parts;
}

std::string decoded(std::string_view part) {
    auto text = base64url_decode(part);
    REQUIRE(text);
    return *text;
}

// Signs exactly the text given (whatever its encoding) with libsodium, as a forger holding the
// key would: lets a test show that a rule refuses a token whose signature is valid.
std::string signed_as_is(const std::string& signing_input, const Ed25519Seed& seed) {
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
    crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
    std::string signature(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
                         sk.data());
    return signing_input + "." + base64url_encode(signature);
}

std::string token_with(const json& header, const json& claims, const Ed25519Seed& seed) {
    return jws_sign_compact(header.dump(), claims.dump(), seed);
}

// "ok", or the verifier's reason; fails the test if verify throws.
std::string outcome(const JwsSigner& signer, std::string_view token, std::int64_t at = now,
                    std::int64_t leeway = 0) {
    std::expected<json, std::string> result = std::unexpected(std::string("not run"));
    REQUIRE_NOTHROW(result = signer.verify(token, at, leeway));
    return result ? std::string("ok") : result.error();
}

json claims_until(const json& exp) {
    return {{"sub", "acc_42"}, {"sid", "ses_7"}, {"iat", now - 60}, {"exp", exp}};
}

}  // namespace

TEST_CASE("RFC 8037 A.4: the Ed25519 example signs and verifies exactly", "[jws]") {
    const auto seed = bytes_from_b64url<32>(rfc_d);
    const auto public_key = ed25519_public_key(seed);
    CHECK(b64url(public_key) == rfc_x);  // A.2: x derives from d
    CHECK(public_key == bytes_from_b64url<32>(rfc_x));

    // Ed25519 is deterministic, so our signer must produce the RFC's token byte for byte.
    CHECK(jws_sign_compact(R"({"alg":"EdDSA"})", std::string(rfc_payload), seed) == rfc_jws);
    CHECK(jws_verify_compact(rfc_jws, public_key));
    CHECK(decoded(parts_of(std::string(rfc_jws))[1]) == rfc_payload);

    CHECK(key_id_for(public_key) == rfc_kid);
    CHECK(signing_key_from_seed(seed).kid == rfc_kid);
}

TEST_CASE("Low-level verification refuses other keys, altered tokens and other algorithms", "[jws]") {
    const auto seed = bytes_from_b64url<32>(rfc_d);
    const auto public_key = ed25519_public_key(seed);
    CHECK_FALSE(jws_verify_compact(rfc_jws, ed25519_public_key(seed_of(1))));

    std::string altered(rfc_jws);
    altered[30] = altered[30] == 'A' ? 'B' : 'A';  // inside the payload
    CHECK_FALSE(jws_verify_compact(altered, public_key));

    // A valid Ed25519 signature under a header that names another algorithm is refused.
    CHECK(jws_verify_compact(jws_sign_compact(R"({"alg":"EdDSA"})", "x", seed), public_key));
    CHECK_FALSE(jws_verify_compact(jws_sign_compact(R"({"alg":"none"})", "x", seed), public_key));
    CHECK_FALSE(jws_verify_compact(jws_sign_compact(R"({"alg":"eddsa"})", "x", seed), public_key));
    CHECK_FALSE(jws_verify_compact(jws_sign_compact(R"({})", "x", seed), public_key));
    CHECK_FALSE(jws_verify_compact(jws_sign_compact(R"(["alg","EdDSA"])", "x", seed), public_key));
    CHECK_FALSE(jws_verify_compact("", public_key));
    CHECK_FALSE(jws_verify_compact("a.b.c", public_key));
    CHECK_FALSE(jws_verify_compact(std::string(rfc_jws) + ".", public_key));
}

TEST_CASE("base64url is unpadded and its decoding is strict", "[jws]") {
    CHECK(base64url_encode("") == "");
    CHECK(base64url_encode("f") == "Zg");
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    CHECK(base64url_decode("-_8") == std::string("\xfb\xff"));
    CHECK(base64url_decode("") == std::string());
    CHECK_FALSE(base64url_decode("Zg=="));  // padding
    CHECK_FALSE(base64url_decode("Zg="));
    CHECK_FALSE(base64url_decode("+/8"));   // standard alphabet
    CHECK_FALSE(base64url_decode("Zh"));    // non-zero unused bits: a second spelling of "f"
    CHECK_FALSE(base64url_decode("Z"));     // a lone 6-bit group
    CHECK_FALSE(base64url_decode("Zg "));
    CHECK_FALSE(base64url_decode(std::string_view("Z\0g", 3)));
}

// Found by fuzzing (test/fuzz/jws.cpp): libsodium 1.0.18 decodes every byte from 0x80 up as
// '_', so each '_' of a token had 128 other spellings that verified.
TEST_CASE("base64url decoding refuses bytes outside its alphabet, high bytes included", "[jws]") {
    CHECK_FALSE(base64url_decode("\xc8\xc8" "8"));
    for (int byte = 0x80; byte <= 0xff; ++byte) CHECK_FALSE(base64url_decode(std::string("AAA") + static_cast<char>(byte)));

    const JwsSigner signer(signing_key_from_seed(seed_of(1)));
    std::string token;
    for (std::int64_t exp = now + 900; token.find('_') == std::string::npos; ++exp) token = signer.sign(claims_until(exp));
    REQUIRE(outcome(signer, token) == "ok");
    for (const char high : {'\x80', '\xc8', '\xff'}) {
        std::string respelled = token;
        respelled[token.find('_')] = high;
        CHECK(outcome(signer, respelled) != "ok");
        CHECK_FALSE(jws_verify_compact(respelled, ed25519_public_key(seed_of(1))));
    }
}

TEST_CASE("A signed access token round-trips with its claims and names its key", "[jws]") {
    const JwsSigner signer(signing_key_from_seed(seed_of(1)));
    const json claims = claims_until(now + 900);
    const std::string token = signer.sign(claims);

    const auto parts = parts_of(token);
    REQUIRE(parts.size() == 3);
    CHECK(token.find('=') == std::string::npos);
    CHECK(signer.kid() == key_id_for(ed25519_public_key(seed_of(1))));
    const json header = json::parse(decoded(parts[0]));
    CHECK(header == json{{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", signer.kid()}});
    CHECK(json::parse(decoded(parts[1])) == claims);

    const auto verified = signer.verify(token, now);
    REQUIRE(verified);
    CHECK(*verified == claims);
    CHECK((*verified)["sub"] == "acc_42");
    CHECK((*verified)["sid"] == "ses_7");

    // Anyone holding the published key verifies it (the JWKS use case).
    CHECK(jws_verify_compact(token, ed25519_public_key(seed_of(1))));
    // Deterministic: same claims, same token.
    CHECK(signer.sign(claims) == token);
}

TEST_CASE("A configured kid is used as given, an empty one is derived from the key", "[jws]") {
    const JwsSigner named(SigningKey{.kid = "2025-06", .seed = seed_of(1)});
    CHECK(named.kid() == "2025-06");
    CHECK(json::parse(decoded(parts_of(named.sign(claims_until(now + 1)))[0]))["kid"] == "2025-06");
    CHECK(named.jwks()["keys"][0]["kid"] == "2025-06");

    const JwsSigner derived(SigningKey{.kid = "", .seed = seed_of(1)});
    CHECK(derived.kid() == key_id_for(ed25519_public_key(seed_of(1))));
}

TEST_CASE("sign refuses claims that could never verify", "[jws]") {
    const JwsSigner signer(signing_key_from_seed(seed_of(1)));
    CHECK_THROWS_AS(signer.sign(json::array()), std::invalid_argument);
    CHECK_THROWS_AS(signer.sign(json{{"sub", "acc_42"}}), std::invalid_argument);
    CHECK_THROWS_AS(signer.sign(json{{"exp", "tomorrow"}}), std::invalid_argument);
}

TEST_CASE("A token whose payload or signature was altered is refused", "[jws]") {
    const JwsSigner signer(signing_key_from_seed(seed_of(1)));
    const std::string token = signer.sign(claims_until(now + 900));
    const auto parts = parts_of(token);

    json forged = claims_until(now + 900);
    forged["sub"] = "acc_43";
    CHECK(outcome(signer, parts[0] + "." + base64url_encode(forged.dump()) + "." + parts[2]) == "bad signature");
    json longer = claims_until(now + 90000);  // extend one's own token
    CHECK(outcome(signer, parts[0] + "." + base64url_encode(longer.dump()) + "." + parts[2]) == "bad signature");

    std::string signature = decoded(parts[2]);
    signature[10] = static_cast<char>(signature[10] ^ 0x01);
    CHECK(outcome(signer, parts[0] + "." + parts[1] + "." + base64url_encode(signature)) == "bad signature");

    CHECK(outcome(signer, parts[0] + "." + parts[1] + "." + base64url_encode(decoded(parts[2]).substr(0, 63))) ==
          "malformed signature");
}

TEST_CASE("No single-character change of a token verifies, and none throws", "[jws]") {
    const JwsSigner signer(signing_key_from_seed(seed_of(1)));
    const std::string token = signer.sign(claims_until(now + 900));
    REQUIRE(outcome(signer, token) == "ok");
    int refused = 0;
    for (std::size_t i = 0; i < token.size(); ++i) {
        for (char replacement : {'A', 'B', 'Q', 'g', 'w', '-', '_', '.', '=', '+', '/', ' ', '\0'}) {
            if (token[i] == replacement) continue;
            std::string mutated = token;
            mutated[i] = replacement;
            const std::string result = outcome(signer, mutated);
            if (result != "ok") ++refused;
            else FAIL("accepted with position " << i << " set to " << static_cast<int>(replacement));
        }
    }
    CHECK(refused > 1000);
}

TEST_CASE("Algorithms other than EdDSA are refused, even with a valid signature", "[jws]") {
    const auto seed = seed_of(1);
    const JwsSigner signer(signing_key_from_seed(seed));
    const json claims = claims_until(now + 900);
    const std::string payload_b64 = base64url_encode(claims.dump());

    // alg none with an empty signature: the classic unsigned token.
    const std::string none_header = base64url_encode(json{{"alg", "none"}, {"kid", signer.kid()}}.dump());
    CHECK(outcome(signer, none_header + "." + payload_b64 + ".") != "ok");
    CHECK(outcome(signer, none_header + "." + payload_b64) != "ok");
    // ... and with our own valid Ed25519 signature, so only the alg check can refuse it.
    CHECK(outcome(signer, token_with({{"alg", "none"}, {"kid", signer.kid()}}, claims, seed)) == "unsupported alg");

    // HS256 keyed with our public key (algorithm confusion).
    const std::string hs_input =
        base64url_encode(json{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", signer.kid()}}.dump()) + "." + payload_b64;
    const auto public_key = ed25519_public_key(seed);
    std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, public_key.data(), public_key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(hs_input.data()), hs_input.size());
    crypto_auth_hmacsha256_final(&state, mac.data());
    CHECK(outcome(signer, hs_input + "." + base64url_encode({reinterpret_cast<const char*>(mac.data()), mac.size()})) !=
          "ok");
    CHECK(outcome(signer, token_with({{"alg", "HS256"}, {"kid", signer.kid()}}, claims, seed)) == "unsupported alg");

    for (const json& alg : {json("ES256"), json("RS256"), json("eddsa"), json("Ed25519"), json(nullptr), json(1)})
        CHECK(outcome(signer, token_with({{"alg", alg}, {"kid", signer.kid()}}, claims, seed)) == "unsupported alg");
    CHECK(outcome(signer, token_with({{"kid", signer.kid()}}, claims, seed)) == "unsupported alg");

    // A critical extension we do not understand.
    CHECK(outcome(signer, token_with({{"alg", "EdDSA"}, {"kid", signer.kid()}, {"crit", {"exp"}}}, claims, seed)) ==
          "unsupported crit header");
}

TEST_CASE("The key is chosen by kid only: missing, unknown or borrowed kids are refused", "[jws]") {
    const auto seed = seed_of(1);
    const JwsSigner signer(signing_key_from_seed(seed));
    const json claims = claims_until(now + 900);

    CHECK(outcome(signer, token_with({{"alg", "EdDSA"}, {"kid", signer.kid()}}, claims, seed)) == "ok");
    CHECK(outcome(signer, token_with({{"alg", "EdDSA"}}, claims, seed)) == "missing kid");
    CHECK(outcome(signer, token_with({{"alg", "EdDSA"}, {"kid", 7}}, claims, seed)) == "missing kid");
    CHECK(outcome(signer, token_with({{"alg", "EdDSA"}, {"kid", "another-key"}}, claims, seed)) == "unknown kid");
    CHECK(outcome(signer, token_with({{"alg", "EdDSA"}, {"kid", ""}}, claims, seed)) == "unknown kid");

    // Another key that claims our kid, and brings its own public key in the header.
    const auto other = seed_of(100);
    const json borrowed = {{"alg", "EdDSA"},
                           {"kid", signer.kid()},
                           {"jwk", {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", b64url(ed25519_public_key(other))}}}};
    CHECK(outcome(signer, token_with(borrowed, claims, other)) == "bad signature");
    const JwsSigner impostor(SigningKey{.kid = signer.kid(), .seed = other});
    CHECK(outcome(signer, impostor.sign(claims)) == "bad signature");
}

TEST_CASE("exp is required, must be a number and must be after now", "[jws]") {
    const auto seed = seed_of(1);
    const JwsSigner signer(signing_key_from_seed(seed));
    const json header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", signer.kid()}};

    CHECK(outcome(signer, signer.sign(claims_until(now + 1))) == "ok");
    CHECK(outcome(signer, signer.sign(claims_until(now))) == "expired");  // exp == now
    CHECK(outcome(signer, signer.sign(claims_until(now - 1))) == "expired");
    CHECK(outcome(signer, signer.sign(claims_until(0))) == "expired");
    CHECK(outcome(signer, signer.sign(claims_until(-5))) == "expired");
    CHECK(outcome(signer, signer.sign(claims_until(now + 0.5))) == "ok");  // NumericDate may be fractional
    CHECK(outcome(signer, signer.sign(claims_until(now - 0.5))) == "expired");
    CHECK(outcome(signer, signer.sign(claims_until(std::numeric_limits<std::uint64_t>::max()))) == "ok");

    CHECK(outcome(signer, token_with(header, {{"sub", "acc_42"}}, seed)) == "missing exp");
    CHECK(outcome(signer, token_with(header, {{"exp", std::to_string(now + 900)}}, seed)) == "invalid exp");
    CHECK(outcome(signer, token_with(header, {{"exp", nullptr}}, seed)) == "invalid exp");
    CHECK(outcome(signer, token_with(header, {{"exp", true}}, seed)) == "invalid exp");
    CHECK(outcome(signer, token_with(header, {{"exp", {now + 900}}}, seed)) == "invalid exp");

    // Claims that are not an object, or not JSON, behind a valid signature.
    const std::string header_text = header.dump();
    CHECK(outcome(signer, jws_sign_compact(header_text, "[1,2]", seed)) == "malformed payload");
    CHECK(outcome(signer, jws_sign_compact(header_text, "not json", seed)) == "malformed payload");
    CHECK(outcome(signer, jws_sign_compact(header_text, "", seed)) == "malformed payload");
    CHECK(outcome(signer, jws_sign_compact(header_text, "{\"exp\":1e999}", seed)) == "malformed payload");
    CHECK(outcome(signer, jws_sign_compact(header_text, "{\"sub\":\"\xff\",\"exp\":9999999999}", seed)) ==
          "malformed payload");
    CHECK(outcome(signer, jws_sign_compact(header_text, std::string(2500, '[') + std::string(2500, ']'), seed)) ==
          "malformed payload");
}

TEST_CASE("Clock skew: leeway extends exp and advances nbf, never negatively", "[jws]") {
    const JwsSigner signer(signing_key_from_seed(seed_of(1)));
    const std::string expired_30s_ago = signer.sign(claims_until(now - 30));
    CHECK(outcome(signer, expired_30s_ago, now, 60) == "ok");
    CHECK(outcome(signer, expired_30s_ago, now, 30) == "expired");
    CHECK(outcome(signer, expired_30s_ago, now, 10) == "expired");
    CHECK(outcome(signer, signer.sign(claims_until(now + 1)), now, -100) == "ok");  // negative leeway is 0
    CHECK(outcome(signer, signer.sign(claims_until(now)), now, -100) == "expired");

    json claims = claims_until(now + 900);
    claims["nbf"] = now + 10;
    const std::string early = signer.sign(claims);
    CHECK(outcome(signer, early) == "not yet valid");
    CHECK(outcome(signer, early, now, 9) == "not yet valid");
    CHECK(outcome(signer, early, now, 10) == "ok");
    CHECK(outcome(signer, early, now + 10) == "ok");  // nbf == now is valid
    claims["nbf"] = now - 10;
    CHECK(outcome(signer, signer.sign(claims)) == "ok");
    claims["nbf"] = "now";
    CHECK(outcome(signer, signer.sign(claims)) == "invalid nbf");

    // Extreme clocks and leeways saturate instead of wrapping around.
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    constexpr auto min = std::numeric_limits<std::int64_t>::min();
    CHECK(outcome(signer, early, now, max) == "ok");                          // now + leeway
    CHECK(outcome(signer, signer.sign(claims_until(0)), min, max) == "ok");   // now - leeway
    CHECK(outcome(signer, signer.sign(claims_until(now + 900)), max) == "expired");
    CHECK(outcome(signer, signer.sign(claims_until(now + 900)), min) == "ok");
}

TEST_CASE("Malformed tokens are refused without throwing", "[jws]") {
    const auto seed = seed_of(1);
    const JwsSigner signer(signing_key_from_seed(seed));
    const std::string token = signer.sign(claims_until(now + 900));
    const auto parts = parts_of(token);

    for (const std::string& garbage : std::vector<std::string>{"", ".", "..", "...", "a", "a.b", "a.b.c", "a.b.c.d", token + ".", "." + token, token + "." + parts[2],
          parts[0] + "." + parts[1], parts[0] + ".." + parts[2], "!!!." + parts[1] + "." + parts[2],
          parts[0] + ".%%%." + parts[2], parts[0] + "." + parts[1] + ".***", token + " ", " " + token,
          token + "\n", parts[0] + "." + parts[1] + "." + parts[2] + "==", std::string("\0\0.\0.\0", 6)})
        CHECK(outcome(signer, garbage) != "ok");

    // Huge input is refused before any decoding.
    CHECK(outcome(signer, std::string(1 << 20, 'a')) == "token too large");
    CHECK(outcome(signer, std::string(1 << 20, '.')) == "token too large");
    CHECK(outcome(signer, parts[0] + "." + std::string(1 << 20, 'A') + "." + parts[2]) == "token too large");

    // A header that is not a JSON object, behind a valid signature.
    const std::string payload = claims_until(now + 900).dump();
    CHECK(outcome(signer, jws_sign_compact("not json", payload, seed)) == "malformed header");
    CHECK(outcome(signer, jws_sign_compact(R"(["EdDSA"])", payload, seed)) == "malformed header");
    CHECK(outcome(signer, jws_sign_compact(R"("EdDSA")", payload, seed)) == "malformed header");
    CHECK(outcome(signer, jws_sign_compact("", payload, seed)) == "malformed header");

    // Padded or standard-alphabet base64 (a second spelling of the same bytes) is refused even
    // when the signature covers exactly the text sent.
    const std::string header_text = json{{"alg", "EdDSA"}, {"kid", signer.kid()}, {"typ", "JWT"}}.dump();
    REQUIRE(header_text.size() % 3 != 0);
    std::string padded_header = base64url_encode(header_text);
    while (padded_header.size() % 4 != 0) padded_header += '=';
    CHECK(outcome(signer, signed_as_is(base64url_encode(header_text) + "." + parts[1], seed)) == "ok");
    CHECK(outcome(signer, signed_as_is(padded_header + "." + parts[1], seed)) == "malformed token");

    const std::string odd_claims = json{{"sub", "?>?>?>~~~"}, {"exp", now + 900}}.dump();
    const std::string url_payload = base64url_encode(odd_claims);
    REQUIRE(url_payload.find_first_of("-_") != std::string::npos);
    std::string standard_payload = url_payload;
    for (char& c : standard_payload) c = c == '-' ? '+' : c == '_' ? '/' : c;
    CHECK(outcome(signer, signed_as_is(parts[0] + "." + url_payload, seed)) == "ok");
    CHECK(outcome(signer, signed_as_is(parts[0] + "." + standard_payload, seed)) == "malformed token");

    // The signature's last character carries 4 unused bits: setting one gives another spelling
    // of the same 64 bytes, which must not verify.
    std::string respelled = token;
    char& last = respelled.back();
    REQUIRE(std::string_view("AQgw").find(last) != std::string_view::npos);
    last = static_cast<char>(last + 1);
    CHECK(outcome(signer, respelled) == "malformed token");
}

TEST_CASE("After rotation, tokens of a previous key still verify until they expire", "[jws]") {
    const JwsSigner old_signer(signing_key_from_seed(seed_of(1)));
    const std::string old_token = old_signer.sign(claims_until(now + 900));

    const JwsSigner rotated(signing_key_from_seed(seed_of(50)), {ed25519_public_key(seed_of(1))});
    CHECK(rotated.kid() != old_signer.kid());
    const auto verified = rotated.verify(old_token, now);
    REQUIRE(verified);
    CHECK((*verified)["sub"] == "acc_42");
    CHECK(outcome(rotated, old_signer.sign(claims_until(now))) == "expired");

    const std::string new_token = rotated.sign(claims_until(now + 900));
    CHECK(json::parse(decoded(parts_of(new_token)[0]))["kid"] == rotated.kid());
    CHECK(outcome(rotated, new_token) == "ok");
    CHECK(outcome(old_signer, new_token) == "unknown kid");  // the old signer does not know the new key

    // Once the previous key is dropped, its tokens stop verifying.
    const JwsSigner dropped(signing_key_from_seed(seed_of(50)));
    CHECK(outcome(dropped, old_token) == "unknown kid");
    // A stranger's token is not accepted just because the signer knows several keys.
    const JwsSigner stranger(signing_key_from_seed(seed_of(200)));
    CHECK(outcome(rotated, stranger.sign(claims_until(now + 900))) == "unknown kid");
}

TEST_CASE("Two keys with the same kid are a configuration error", "[jws]") {
    CHECK_THROWS_AS(JwsSigner(signing_key_from_seed(seed_of(1)), {ed25519_public_key(seed_of(1))}),
                    std::invalid_argument);
    CHECK_THROWS_AS(JwsSigner(signing_key_from_seed(seed_of(1)),
                              {ed25519_public_key(seed_of(2)), ed25519_public_key(seed_of(2))}),
                    std::invalid_argument);
    CHECK_NOTHROW(JwsSigner(signing_key_from_seed(seed_of(1)), {ed25519_public_key(seed_of(2))}));
}

TEST_CASE("The JWK set publishes the current key then the previous ones, public parts only", "[jws]") {
    const auto rfc_seed = bytes_from_b64url<32>(rfc_d);
    const auto previous = ed25519_public_key(seed_of(1));
    const JwsSigner signer(signing_key_from_seed(rfc_seed), {previous});
    const json jwks = signer.jwks();

    REQUIRE(jwks.is_object());
    REQUIRE(jwks.size() == 1);
    REQUIRE(jwks["keys"].is_array());
    REQUIRE(jwks["keys"].size() == 2);
    const json& current = jwks["keys"][0];
    CHECK(current == json{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", rfc_x}, {"kid", rfc_kid}, {"use", "sig"},
                          {"alg", "EdDSA"}});
    CHECK(current["kid"] == signer.kid());
    const json& old = jwks["keys"][1];
    CHECK(old == json{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", b64url(previous)}, {"kid", key_id_for(previous)},
                      {"use", "sig"}, {"alg", "EdDSA"}});
    CHECK(jwks.dump().find("\"d\"") == std::string::npos);

    // A relying party that only has the JWK set verifies our token with the key its kid names.
    const std::string token = signer.sign(claims_until(now + 900));
    const auto kid = json::parse(decoded(parts_of(token)[0]))["kid"].get<std::string>();
    for (const json& key : jwks["keys"]) {
        const auto x = bytes_from_b64url<32>(key["x"].get<std::string>());
        CHECK(jws_verify_compact(token, x) == (key["kid"] == kid));
    }
}

TEST_CASE("Access tokens carry aud, and a token signed by the same key for another audience is refused", "[jws]") {
    const guichet::infra::JwtSigner signer(signing_key_from_seed(seed_of(3)), "https://auth.exemple.fr");
    const auto clock_now = std::chrono::system_clock::now();
    const guichet::AccessClaims claims{42, "ses_1", {}, clock_now + std::chrono::minutes(15)};
    const auto token = signer.sign(claims);
    const auto payload = json::parse(decoded(parts_of(token)[1]));
    CHECK(payload["aud"] == "https://auth.exemple.fr/v1");
    CHECK(signer.verify(token, clock_now));
    // The same key, another audience (or none): not a token of this API.
    const JwsSigner raw(signing_key_from_seed(seed_of(3)));
    auto other = payload;
    other["aud"] = "https://forum.exemple.fr";
    CHECK_FALSE(signer.verify(raw.sign(other), clock_now));
    other["aud"] = json::array({"https://forum.exemple.fr", "https://auth.exemple.fr/v1"});
    CHECK(signer.verify(raw.sign(other), clock_now));
    other.erase("aud");
    CHECK_FALSE(signer.verify(raw.sign(other), clock_now));
}

// Found by fuzzing (test/fuzz/jws.cpp): an exp past what int64 seconds hold came back as an
// expiry in 1969 (18446744073709551615 read as -1), and one past 2262 or a huge float overflowed
// the conversion to the clock's nanoseconds (undefined behaviour).
TEST_CASE("Access tokens whose exp the clock cannot hold are not ours", "[jws]") {
    const guichet::infra::JwtSigner signer(signing_key_from_seed(seed_of(3)), "https://auth.exemple.fr");
    const JwsSigner raw(signing_key_from_seed(seed_of(3)));
    const auto clock_now = std::chrono::system_clock::now();
    const auto claims_with = [&](const json& exp) {
        return json{{"iss", "https://auth.exemple.fr"}, {"aud", "https://auth.exemple.fr/v1"}, {"sub", "42"},
                    {"sid", "ses_1"}, {"act", json::array()}, {"exp", exp}};
    };
    const auto in_an_hour = std::chrono::duration_cast<std::chrono::seconds>(clock_now.time_since_epoch()).count() + 3600;
    REQUIRE(signer.verify(raw.sign(claims_with(in_an_hour)), clock_now));
    for (const json& exp : {json(std::numeric_limits<std::uint64_t>::max()), json(std::numeric_limits<std::int64_t>::max()),
                            json(std::int64_t{9'999'999'999}), json(1e300), json(static_cast<double>(in_an_hour) + 0.5)}) {
        CAPTURE(exp.dump());
        CHECK_FALSE(signer.verify(raw.sign(claims_with(exp)), clock_now));
    }
}
