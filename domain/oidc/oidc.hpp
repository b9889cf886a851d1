#pragma once
// OpenID Connect provider (SPEC.md §9): the insurer's sites and apps sign members in through
// Guichet. The rules here are pure: which clients may register, which authorisation requests are
// acceptable, and what a grant (the tokens descended from one code) is. The store port keeps them.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/accounts/account_repository.hpp"
#include "domain/error.hpp"

namespace guichet {

// confidential: a site's server, which keeps a secret; public: a mobile or single-page app, which
// cannot, and so must prove each code with PKCE.
enum class ClientType { confidential, public_ };
std::string_view to_string(ClientType type);

struct OidcClient {
    std::string id;
    std::string name;
    ClientType type = ClientType::confidential;
    std::vector<std::string> redirect_uris;
    std::vector<std::string> post_logout_redirect_uris;
    std::optional<std::string> backchannel_logout_uri;
};

// What an agent registers (PUT /v1/admin/oidc-clients/{client_id}); the secret in clear until the
// store keeps its keyed hash (a random secret of 32 characters or more needs no slow hash: a token
// request checks it, and the figure to reach is a thousand of those a second).
struct ClientRegistration {
    std::string id;
    std::string name;
    ClientType type = ClientType::confidential;
    std::optional<std::string> secret;
    std::vector<std::string> redirect_uris;
    std::vector<std::string> post_logout_redirect_uris;
    std::optional<std::string> backchannel_logout_uri;
};

// Client ids: 1-64 characters of [A-Za-z0-9._-]; secrets: 32-256 printable ASCII characters.
// Redirect and logout URIs, without fragment: https; http on a loopback host (127.0.0.1, [::1],
// localhost: RFC 8252 §7.3, for development and native apps); for public clients also a
// private-use scheme with a dot ("fr.mgen.app:/cb", RFC 8252 §7.1). The back-channel URI: https
// or loopback http.
Result<void> validate_registration(const ClientRegistration& registration);

// The scopes a client may ask for; `openid` is required.
inline constexpr std::string_view kScopes[] = {"openid", "email", "profile"};

// An authorisation request as the client sent it (GET /oauth2/authorize), before any check.
struct AuthorizeParams {
    std::map<std::string, std::string> query;
    std::optional<std::string> get(const char* name) const {
        const auto it = query.find(name);
        return it == query.end() ? std::nullopt : std::optional(it->second);
    }
};

// An error the client's redirect may be trusted with (RFC 6749 §4.1.2.1).
struct RedirectError {
    std::string error;        // invalid_request, unsupported_response_type, invalid_scope, login_required, access_denied
    std::string description;
};

// A checked request, waiting for the member (or answered at once from a live single sign-on).
struct AuthRequest {
    std::string id;
    std::string client_id;
    std::string redirect_uri;
    std::vector<std::string> scopes;
    std::string state;           // may be empty
    std::string nonce;           // may be empty
    std::string code_challenge;  // S256; empty when the (confidential) client sent none
    bool prompt_none = false;
    bool prompt_login = false;
    std::optional<std::int64_t> max_age;  // seconds
    std::optional<std::string> login_hint;
    std::chrono::system_clock::time_point created_at, expires_at;
};

// Reads a request whose client and redirect_uri are known good (the caller checked them: before
// that, nothing may be redirected). Returns the request, or the error to redirect with.
std::expected<AuthRequest, RedirectError> read_auth_request(const AuthorizeParams& params, const OidcClient& client,
                                                            std::chrono::system_clock::time_point now);

// Whether a session opened at `auth_time` may answer `request` without a new login.
bool session_satisfies(const AuthRequest& request, std::chrono::system_clock::time_point auth_time,
                       std::chrono::system_clock::time_point now);

inline constexpr std::chrono::minutes kAuthRequestLifetime{10};
inline constexpr std::chrono::seconds kCodeLifetime{60};
inline constexpr std::chrono::seconds kOidcAccessLifetime{15 * 60};

// A grant: what one code gave a client in one member's session (its access and refresh tokens,
// rotated). It ends with the session, or on a reuse (code or refresh token), or on revocation.
struct OidcGrant {
    std::string id;
    std::string client_id;
    std::string session_id;
    AccountId account_id = 0;
    std::vector<std::string> scopes;
    std::string nonce;
    std::chrono::system_clock::time_point auth_time;
};

// A code, as issued to a browser.
struct OidcCode {
    OidcGrant grant;
    std::string redirect_uri;
    std::string code_challenge;
    std::chrono::system_clock::time_point expires_at;
};

enum class AuthRequestState { pending, accepted, rejected };

struct StoredAuthRequest {
    AuthRequest request;
    AuthRequestState state = AuthRequestState::pending;
    std::optional<std::string> session_id{};  // accepted by this session
};

enum class CodeUse { exchanged, reused, unknown };
struct CodeExchange {
    CodeUse outcome = CodeUse::unknown;
    std::optional<OidcCode> code;  // exchanged: the code; reused: its grant, now revoked
};

enum class RefreshUse { rotated, reused, unknown };
struct RefreshRotation {
    RefreshUse outcome = RefreshUse::unknown;
    std::optional<OidcGrant> grant;  // rotated: the live grant
};

// Port: clients, requests, codes, grants, refresh tokens and the browsers' single sign-on
// cookies. Secrets (codes, refresh tokens, resume tokens, cookies) are stored as keyed hashes.
class OidcStore {
public:
    virtual ~OidcStore() = default;
    // Creates or replaces (a confidential client's secret with it); true when created.
    virtual bool put_client(const OidcClient& client, const std::optional<std::string>& secret) = 0;
    virtual std::optional<OidcClient> find_client(const std::string& id) = 0;
    // Whether `secret` is the confidential client's (compared in constant time).
    virtual bool client_secret_matches(const std::string& id, const std::string& secret) = 0;

    virtual void save_request(const AuthRequest& request) = 0;
    virtual std::optional<StoredAuthRequest> find_request(const std::string& id) = 0;
    // Marks a pending request accepted by `session_id` (with the token the browser brings back to
    // /oauth2/authorize/resume) or rejected; false when it was not pending any more (a race).
    virtual bool answer_request(const std::string& id, AuthRequestState state, const std::optional<std::string>& session_id,
                                const std::string& resume_token) = 0;
    // The accepted request behind a resume token, once: the token is then spent.
    virtual std::optional<StoredAuthRequest> resume(const std::string& resume_token) = 0;

    virtual void create_grant(const OidcGrant& grant) = 0;
    virtual void issue_code(const std::string& code, const OidcCode& issued) = 0;
    // Spends a code; a code spent before revokes its grant (RFC 6749 §4.1.2) and says `reused`.
    virtual CodeExchange exchange_code(const std::string& code, std::chrono::system_clock::time_point now) = 0;
    virtual void add_refresh(const std::string& token, const std::string& grant_id, std::chrono::system_clock::time_point expires_at) = 0;
    // Spends a refresh token of a live grant for `replacement`; one spent before revokes its grant.
    virtual RefreshRotation rotate_refresh(const std::string& presented, const std::string& replacement,
                                           std::chrono::system_clock::time_point now,
                                           std::chrono::system_clock::time_point replacement_expires_at) = 0;
    // The live grant (not revoked, its session live) with this id.
    virtual std::optional<OidcGrant> live_grant(const std::string& id, std::chrono::system_clock::time_point now) = 0;
    // The grant of a refresh token, live or not (revocation: RFC 7009).
    virtual std::optional<OidcGrant> grant_of_refresh(const std::string& token) = 0;
    virtual void revoke_grant(const std::string& id) = 0;

    // Single sign-on: the browser cookie → its member's session.
    virtual void bind_browser(const std::string& cookie, const std::string& session_id) = 0;
    virtual std::optional<std::string> session_of_browser(const std::string& cookie) = 0;
};

// What the tokens say. The access token's `jti` is "{grant id}.{random}": userinfo and revocation
// find the grant from it.
struct IdTokenClaims {
    std::string iss, sub, aud, sid;
    std::int64_t iat = 0, exp = 0, auth_time = 0;
    std::string nonce;  // omitted when empty
    std::optional<std::string> email;
    std::optional<bool> email_verified;
    std::optional<std::string> given_name, family_name;
};

struct OidcAccessClaims {
    std::string iss, sub, client_id, scope, sid, jti;
    std::int64_t iat = 0, exp = 0;
};

// Port: the provider's keys (infra/crypto/oidc_keys: RS256 id_tokens with libcjose, which every
// relying party checks; EdDSA access tokens, which sign in microseconds where RSA takes a
// millisecond) and PKCE's hash.
class OidcCrypto {
public:
    virtual ~OidcCrypto() = default;
    virtual std::string sign_id_token(const IdTokenClaims& claims) const = 0;
    // An id_token our RS256 key signed, expired or not (logout's id_token_hint); empty otherwise.
    virtual std::optional<IdTokenClaims> id_token_claims(std::string_view token) const = 0;
    virtual std::string sign_access_token(const OidcAccessClaims& claims) const = 0;
    // An access token of this provider (not one of the API's own) our key signed, unexpired at `now`.
    virtual std::optional<OidcAccessClaims> access_token_claims(std::string_view token, std::chrono::system_clock::time_point now) const = 0;
    // BASE64URL(SHA-256(verifier)), RFC 7636 §4.2.
    virtual std::string s256(std::string_view verifier) const = 0;
};

}  // namespace guichet
