#include "infra/crypto/oidc_keys.hpp"

#include <cjose/cjose.h>
#include <sodium.h>

#include <cstdlib>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace guichet::infra {

namespace {

struct JwkRelease {
    void operator()(cjose_jwk_t* jwk) const { cjose_jwk_release(jwk); }
};
struct JwsRelease {
    void operator()(cjose_jws_t* jws) const { cjose_jws_release(jws); }
};
struct HeaderRelease {
    void operator()(cjose_header_t* header) const { cjose_header_release(header); }
};
using JwkPtr = std::unique_ptr<cjose_jwk_t, JwkRelease>;
using JwsPtr = std::unique_ptr<cjose_jws_t, JwsRelease>;

// cjose allocates with its own allocator (malloc unless set): text it returns is freed with it.
std::string take_text(char* text) {
    if (text == nullptr) throw std::runtime_error("cjose: out of memory");
    std::string out(text);
    cjose_get_dealloc()(text);
    return out;
}

std::string sha256_b64(std::string_view bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace

struct OidcKeys::Rsa {
    JwkPtr key;
    std::string kid;
    nlohmann::json public_jwk;
};

std::string generate_rsa_jwk() {
    cjose_err err{};
    JwkPtr key(cjose_jwk_create_RSA_random(2048, nullptr, 0, &err));
    if (!key) throw std::runtime_error(std::string("cjose: ") + err.message);
    auto public_jwk = nlohmann::json::parse(take_text(cjose_jwk_to_json(key.get(), false, &err)));
    const auto n = base64url_decode(public_jwk.value("n", ""));
    if (!n) throw std::runtime_error("cjose: RSA modulus not base64url");
    const auto kid = sha256_b64(*n).substr(0, 16);
    if (!cjose_jwk_set_kid(key.get(), kid.c_str(), kid.size(), &err)) throw std::runtime_error(std::string("cjose: ") + err.message);
    return take_text(cjose_jwk_to_json(key.get(), true, &err));
}

OidcKeys::OidcKeys(const std::string& rsa_private_jwk, const JwsSigner& access_signer)
    : rsa_(std::make_unique<Rsa>()), access_signer_(access_signer) {
    cjose_err err{};
    rsa_->key.reset(cjose_jwk_import(rsa_private_jwk.c_str(), rsa_private_jwk.size(), &err));
    if (!rsa_->key || cjose_jwk_get_kty(rsa_->key.get(), &err) != CJOSE_JWK_KTY_RSA || cjose_jwk_get_keysize(rsa_->key.get(), &err) < 2048)
        throw std::invalid_argument("not an RSA JWK of 2048 bits or more");
    const auto full = nlohmann::json::parse(rsa_private_jwk, nullptr, false);
    if (!full.is_object() || !full.contains("d")) throw std::invalid_argument("the RSA JWK has no private part (d)");
    rsa_->public_jwk = nlohmann::json::parse(take_text(cjose_jwk_to_json(rsa_->key.get(), false, &err)));
    rsa_->kid = rsa_->public_jwk.value("kid", "");
    if (rsa_->kid.empty()) {  // a key made elsewhere: name it as generate_rsa_jwk does
        rsa_->kid = sha256_b64(base64url_decode(rsa_->public_jwk.value("n", "")).value_or("")).substr(0, 16);
        rsa_->public_jwk["kid"] = rsa_->kid;
    }
    rsa_->public_jwk["use"] = "sig";
    rsa_->public_jwk["alg"] = "RS256";
}

OidcKeys::~OidcKeys() = default;

std::string OidcKeys::sign_id_token(const IdTokenClaims& c) const {
    nlohmann::json claims{{"iss", c.iss}, {"sub", c.sub}, {"aud", c.aud}, {"iat", c.iat}, {"exp", c.exp},
                          {"auth_time", c.auth_time}, {"sid", c.sid}, {"amr", nlohmann::json::array({"pwd"})}};
    if (!c.nonce.empty()) claims["nonce"] = c.nonce;
    if (c.email) claims["email"] = *c.email;
    if (c.email_verified) claims["email_verified"] = *c.email_verified;
    if (c.given_name) claims["given_name"] = *c.given_name;
    if (c.family_name) claims["family_name"] = *c.family_name;
    cjose_err err{};
    std::unique_ptr<cjose_header_t, HeaderRelease> header(cjose_header_new(&err));
    if (!header || !cjose_header_set(header.get(), CJOSE_HDR_ALG, CJOSE_HDR_ALG_RS256, &err) ||
        !cjose_header_set(header.get(), CJOSE_HDR_KID, rsa_->kid.c_str(), &err) || !cjose_header_set(header.get(), "typ", "JWT", &err))
        throw std::runtime_error(std::string("cjose: ") + err.message);
    const auto payload = claims.dump();
    JwsPtr jws(cjose_jws_sign(rsa_->key.get(), header.get(), reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), &err));
    const char* compact = nullptr;
    if (!jws || !cjose_jws_export(jws.get(), &compact, &err)) throw std::runtime_error(std::string("cjose: ") + err.message);
    return compact;
}

namespace {

// Three parts of strict base64url, checked before libcjose sees them: its decoder asserts on a
// part of 4n+1 characters (found by the app fuzzer: one id_token_hint aborted the process).
bool well_formed_compact(std::string_view token) {
    int parts = 0;
    while (true) {
        const auto dot = token.find('.');
        const auto part = token.substr(0, dot);
        if (part.empty() || !base64url_decode(part)) return false;
        ++parts;
        if (dot == std::string_view::npos) break;
        token.remove_prefix(dot + 1);
    }
    return parts == 3;
}

}  // namespace

std::optional<IdTokenClaims> OidcKeys::id_token_claims(std::string_view token) const {
    if (token.size() > JwsSigner::max_token_bytes || !well_formed_compact(token)) return std::nullopt;
    cjose_err err{};
    JwsPtr jws(cjose_jws_import(token.data(), token.size(), &err));
    if (!jws) return std::nullopt;
    // The algorithm is ours, never the token's choice; the kid must name our key.
    cjose_header_t* header = cjose_jws_get_protected(jws.get());
    const char* alg = header ? cjose_header_get(header, CJOSE_HDR_ALG, &err) : nullptr;
    const char* kid = header ? cjose_header_get(header, CJOSE_HDR_KID, &err) : nullptr;
    if (alg == nullptr || std::string_view(alg) != "RS256" || kid == nullptr || rsa_->kid != kid) return std::nullopt;
    if (!cjose_jws_verify(jws.get(), rsa_->key.get(), &err)) return std::nullopt;
    uint8_t* plain = nullptr;
    size_t plain_len = 0;
    if (!cjose_jws_get_plaintext(jws.get(), &plain, &plain_len, &err)) return std::nullopt;
    const auto claims = nlohmann::json::parse(std::string_view(reinterpret_cast<const char*>(plain), plain_len), nullptr, false);
    if (!claims.is_object()) return std::nullopt;
    const auto text = [&](const char* name) {
        const auto it = claims.find(name);
        return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    IdTokenClaims out;
    out.iss = text("iss");
    out.sub = text("sub");
    out.sid = text("sid");
    out.aud = text("aud");
    if (const auto aud = claims.find("aud"); aud != claims.end() && aud->is_array() && !aud->empty() && (*aud)[0].is_string())
        out.aud = (*aud)[0].get<std::string>();
    return out;
}

std::string OidcKeys::sign_access_token(const OidcAccessClaims& c) const {
    return access_signer_.sign({{"iss", c.iss}, {"sub", c.sub}, {"aud", c.client_id}, {"client_id", c.client_id}, {"scope", c.scope},
                                {"sid", c.sid}, {"jti", c.jti}, {"iat", c.iat}, {"exp", c.exp}});
}

std::optional<OidcAccessClaims> OidcKeys::access_token_claims(std::string_view token, std::chrono::system_clock::time_point now) const {
    const auto claims = access_signer_.verify(token, std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    if (!claims) return std::nullopt;
    // The API's own tokens (same key) have no client_id and the audience {issuer}/v1.
    for (const char* name : {"iss", "sub", "client_id", "aud", "jti", "sid"})
        if (!claims->contains(name) || !(*claims)[name].is_string()) return std::nullopt;
    if ((*claims)["aud"] != (*claims)["client_id"]) return std::nullopt;
    OidcAccessClaims out;
    out.iss = (*claims)["iss"].get<std::string>();
    out.sub = (*claims)["sub"].get<std::string>();
    out.client_id = (*claims)["client_id"].get<std::string>();
    out.jti = (*claims)["jti"].get<std::string>();
    out.sid = (*claims)["sid"].get<std::string>();
    if (const auto scope = claims->find("scope"); scope != claims->end() && scope->is_string()) out.scope = scope->get<std::string>();
    return out;
}

std::string OidcKeys::s256(std::string_view verifier) const { return sha256_b64(verifier); }

nlohmann::json OidcKeys::jwks() const {
    auto keys = access_signer_.jwks();
    keys["keys"].push_back(rsa_->public_jwk);
    return keys;
}

}  // namespace guichet::infra
