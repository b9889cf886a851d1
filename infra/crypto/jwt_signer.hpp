#pragma once
// The TokenSigner port on JwsSigner: access tokens are JWTs (EdDSA) with iss, sub (account),
// sid (session), iat, exp and the pending required actions ("act").
#include <nlohmann/json.hpp>

#include "domain/sessions/session.hpp"
#include "infra/crypto/jws.hpp"

namespace guichet::infra {

class JwtSigner final : public TokenSigner {
public:
    JwtSigner(const SigningKey& key, std::string issuer) : jws_(key), issuer_(std::move(issuer)) {}
    std::string sign(const AccessClaims& claims) const override;
    std::optional<AccessClaims> verify(std::string_view token, std::chrono::system_clock::time_point now) const override;
    nlohmann::json jwks() const { return jws_.jwks(); }

private:
    JwsSigner jws_;
    std::string issuer_;
};

}  // namespace guichet::infra
