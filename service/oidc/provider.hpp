#pragma once
// Use cases of the OpenID Connect provider (SPEC.md §9): the authorisation endpoint and its
// headless login (the portal accepts a request with the member's ordinary session), the token,
// userinfo, revocation and logout endpoints, and the agents' registration of clients.
// The answers are what the HTTP layer sends as they are: redirects, OAuth JSON errors, problems.
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/oidc/oidc.hpp"
#include "domain/random.hpp"
#include "domain/unit_of_work.hpp"
#include "service/sessions/sessions.hpp"

namespace guichet {

struct OidcSettings {
    std::string issuer;     // GUICHET_PUBLIC_URL
    std::string login_url;  // GUICHET_LOGIN_URL: the portal's page that takes ?auth_request=ID
    std::chrono::hours refresh_lifetime{24 * 30};
};

// Where to send the browser, and what to do with its single sign-on cookie.
struct BrowserRedirect {
    std::string location;
    std::optional<std::string> set_cookie;  // a new cookie value to set
    bool clear_cookie = false;
};

// An answer of the authorisation endpoint: a redirect, or (client or redirect not trusted) a problem.
struct AuthorizeAnswer {
    std::optional<Error> problem;
    BrowserRedirect redirect;
};

// What the portal reads of a request.
struct AuthRequestView {
    AuthRequest request;
    std::string client_name;
};

// A refused request answer, with the way back to the client when the request can be trusted.
struct AuthRequestRefusal {
    Error error;
    std::string redirect_to;  // empty when unknown
    std::string client_name;
};
template <typename T>
using AuthRequestResult = std::expected<T, AuthRequestRefusal>;

// An OAuth 2.0 error (RFC 6749 §5.2, RFC 6750 §3): JSON {error, error_description}, not a problem.
struct OAuthError {
    int status = 400;
    std::string error;
    std::string description;
    std::string www_authenticate{};  // for 401s
};
template <typename T>
using OAuthResult = std::expected<T, OAuthError>;

struct TokenResponse {
    std::string access_token;
    std::int64_t expires_in = 0;
    std::string refresh_token;
    std::string scope;
    std::optional<std::string> id_token;
};

struct UserInfo {
    std::string sub;
    std::optional<std::string> email{};
    std::optional<bool> email_verified{};
    std::optional<std::string> given_name{}, family_name{};
};

// A client's authentication at the token and revocation endpoints (RFC 6749 §2.3).
struct ClientCredentials {
    std::string id;
    std::optional<std::string> secret;
    bool basic = false;  // from the Authorization header
};

class OidcProvider {
public:
    OidcProvider(UnitOfWork& uow, const Clock& clock, RandomSource& random, Sessions& sessions, const OidcCrypto& crypto,
                 OidcSettings settings);

    Result<bool> register_client(const ClientRegistration& registration);
    std::optional<OidcClient> client(const std::string& id);

    AuthorizeAnswer authorize(const AuthorizeParams& params, const std::optional<std::string>& browser_cookie);
    AuthRequestResult<AuthRequestView> auth_request(const std::string& id);
    AuthRequestResult<std::string> accept(const std::string& id, const std::string& access_token);
    AuthRequestResult<std::string> reject(const std::string& id);
    // The browser back from the portal: the code for the client, and the single sign-on cookie.
    AuthorizeAnswer resume(const std::string& resume_token);

    OAuthResult<TokenResponse> token(const std::map<std::string, std::string>& form, const ClientCredentials& credentials);
    OAuthResult<UserInfo> userinfo(const std::string& access_token);
    OAuthResult<void> revoke(const std::map<std::string, std::string>& form, const ClientCredentials& credentials);
    // RP-initiated logout: ends the session the id_token_hint names (or the browser's).
    AuthorizeAnswer logout(const AuthorizeParams& params, const std::optional<std::string>& browser_cookie);

    const OidcSettings& settings() const { return settings_; }

private:
    std::string redirect_with(const std::string& redirect_uri, const std::vector<std::pair<std::string, std::string>>& params) const;
    std::string error_redirect(const AuthRequest& request, const RedirectError& error) const;
    // The code for `request` in `session`, and its redirect.
    std::string issue_code(Transaction& tx, const AuthRequest& request, const SessionInfo& session);
    AuthRequestRefusal refusal(ErrorCode code, const StoredAuthRequest& stored, const std::string& client_name) const;
    OAuthResult<OidcClient> authenticate_client(Transaction& tx, const ClientCredentials& credentials);
    TokenResponse tokens_for(Transaction& tx, const OidcGrant& grant, bool with_id_token, const std::string& refresh_token);
    UserInfo claims_of(Transaction& tx, const OidcGrant& grant) const;

    UnitOfWork& uow_;
    const Clock& clock_;
    RandomSource& random_;
    Sessions& sessions_;
    const OidcCrypto& crypto_;
    OidcSettings settings_;
};

}  // namespace guichet
