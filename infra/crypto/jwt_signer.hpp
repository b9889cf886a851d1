#pragma once
// The TokenSigner port on JwsSigner: access tokens are JWTs (EdDSA) with iss, sub (account),
// sid (session), iat, exp and the pending required actions ("act"). A client presents one token
// for up to 15 minutes and an Ed25519 check costs about as much as a whole cheap request, so the
// tokens already verified are remembered (the exact bytes, up to `kMemo` of them); their expiry
// is still checked on every use.
#include <mutex>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "domain/sessions/session.hpp"
#include "infra/crypto/jws.hpp"

namespace guichet::infra {

class JwtSigner final : public TokenSigner {
public:
    // `aud` of the tokens (SPEC.md §8): the API they open, "{issuer}/v1"; a token of another
    // audience (one the same key signed for something else) is refused.
    JwtSigner(const SigningKey& key, std::string issuer) : jws_(key), issuer_(std::move(issuer)), audience_(issuer_ + "/v1") {}
    std::string sign(const AccessClaims& claims) const override;
    std::optional<AccessClaims> verify(std::string_view token, std::chrono::system_clock::time_point now) const override;
    nlohmann::json jwks() const { return jws_.jwks(); }

private:
    static constexpr std::size_t kMemo = 10000;
    std::optional<AccessClaims> check(std::string_view token, std::chrono::system_clock::time_point now) const;
    JwsSigner jws_;
    std::string issuer_;
    std::string audience_;
    mutable std::mutex memo_mutex_;
    mutable std::unordered_map<std::string, AccessClaims> memo_;
};

}  // namespace guichet::infra
