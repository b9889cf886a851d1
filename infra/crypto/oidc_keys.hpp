#pragma once
// The OidcCrypto port: id_tokens signed RS256 with libcjose (the JOSE library under
// mod_auth_openidc), access tokens EdDSA with the API's JwsSigner, PKCE with libsodium's SHA-256.
// The RSA key is a private JWK (GUICHET_OIDC_SIGNING_KEY; `guichet generate-oidc-key` makes one).
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/oidc/oidc.hpp"
#include "infra/crypto/jws.hpp"

namespace guichet::infra {

// A new RSA-2048 private JWK, as JSON text, with its kid (base64url of the SHA-256 of n, 16 characters).
std::string generate_rsa_jwk();

class OidcKeys final : public OidcCrypto {
public:
    // Throws std::invalid_argument when `rsa_private_jwk` is not an RSA private JWK of 2048 bits or more.
    OidcKeys(const std::string& rsa_private_jwk, const JwsSigner& access_signer);
    ~OidcKeys() override;
    OidcKeys(const OidcKeys&) = delete;
    OidcKeys& operator=(const OidcKeys&) = delete;

    std::string sign_id_token(const IdTokenClaims& claims) const override;
    std::optional<IdTokenClaims> id_token_claims(std::string_view token) const override;
    std::string sign_access_token(const OidcAccessClaims& claims) const override;
    std::optional<OidcAccessClaims> access_token_claims(std::string_view token, std::chrono::system_clock::time_point now) const override;
    std::string s256(std::string_view verifier) const override;
    // The EdDSA keys (the API's access tokens first, as before), then the RSA key: GET /.well-known/jwks.json.
    nlohmann::json jwks() const;

private:
    struct Rsa;
    std::unique_ptr<Rsa> rsa_;
    const JwsSigner& access_signer_;
};

}  // namespace guichet::infra
