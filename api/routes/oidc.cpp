// The OpenID Connect provider (SPEC.md §9): discovery, the authorisation endpoint and its resume,
// the portal's JSON API for authorisation requests, the token, userinfo, revocation and logout
// endpoints (their answers follow RFC 6749, 6750, 7009 and OIDC, not problem+json), and the agents'
// registration of clients.
#include <algorithm>
#include <array>
#include <cctype>

#include "api/http/input.hpp"
#include "api/http/time_format.hpp"
#include "api/problem.hpp"
#include "api/routes/routes.hpp"
#include "domain/text.hpp"
#include "domain/url.hpp"

namespace guichet::api {

namespace {

constexpr const char* kCookie = "__Host-guichet_sso";

// The browser's single sign-on cookie, from its Cookie header.
std::optional<std::string> sso_cookie(const HttpRequest& request) {
    const auto header = request.header("cookie");
    if (!header) return std::nullopt;
    std::string_view rest(*header);
    const std::string prefix = std::string(kCookie) + "=";
    while (!rest.empty()) {
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == ';')) rest.remove_prefix(1);
        const auto end = std::min(rest.find(';'), rest.size());
        const auto pair = rest.substr(0, end);
        if (pair.rfind(prefix, 0) == 0) return std::string(pair.substr(prefix.size()));
        rest.remove_prefix(end);
    }
    return std::nullopt;
}

HttpResponse redirect_response(const BrowserRedirect& redirect) {
    HttpResponse response{303, "text/plain; charset=utf-8", "", {}};
    response.headers.emplace_back("Location", redirect.location);
    response.headers.emplace_back("Cache-Control", "no-store");
    // __Host-: Secure, Path=/, no Domain, so only this origin ever gets it; Lax, so that a site's
    // top-level redirect to /oauth2/authorize brings it.
    if (redirect.set_cookie)
        response.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=" + *redirect.set_cookie +
                                                        "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=2592000");
    else if (redirect.clear_cookie)
        response.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0");
    return response;
}

HttpResponse authorize_response(const AuthorizeAnswer& answer, const HttpRequest& request) {
    if (answer.problem) return problem_response(*answer.problem, request.path);
    return redirect_response(answer.redirect);
}

HttpResponse oauth_json(int status, const nlohmann::json& body) {
    auto response = json_response(status, body);
    response.headers.emplace_back("Cache-Control", "no-store");
    response.headers.emplace_back("Pragma", "no-cache");
    return response;
}

HttpResponse oauth_error_response(const OAuthError& error) {
    auto response = oauth_json(error.status, {{"error", error.error}, {"error_description", error.description}});
    if (!error.www_authenticate.empty()) response.headers.emplace_back("WWW-Authenticate", error.www_authenticate);
    return response;
}

std::optional<std::string> base64_decode(std::string_view text) {
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        const auto value = alphabet.find(c);
        if (value == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFFu);
        }
    }
    return out;
}

// A form body (the token and revocation endpoints take nothing else, RFC 6749 §3.2), or the error.
OAuthResult<std::map<std::string, std::string>> form_of(const HttpRequest& request) {
    const auto type = ascii_lower(request.header("content-type").value_or(""));
    if (type.rfind("application/x-www-form-urlencoded", 0) != 0)
        return std::unexpected(OAuthError{400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded"});
    std::string repeated;
    auto form = parse_form(request.body, &repeated);
    if (!repeated.empty()) {
        // Named only when it is a plain name: a decoded form may hold any byte, and JSON only UTF-8.
        const bool plain = repeated.size() <= 64 && std::all_of(repeated.begin(), repeated.end(), [](unsigned char c) {
                               return std::isalnum(c) || c == '_';
                           });
        return std::unexpected(OAuthError{400, "invalid_request", plain ? "parameter repeated: " + repeated : "a parameter is repeated"});
    }
    return form;
}

// RFC 6749 §2.3.1: client_secret_basic (form-encoded id and secret, then base64), else the form's
// client_id and client_secret (client_secret_post), else a public client's client_id alone.
OAuthResult<ClientCredentials> credentials_of(const HttpRequest& request, const std::map<std::string, std::string>& form) {
    ClientCredentials credentials;
    const auto auth = request.header("authorization").value_or("");
    if (auth.size() > 6 && ascii_lower(auth.substr(0, 6)) == "basic ") {
        const auto decoded = base64_decode(auth.substr(6));
        const auto colon = decoded ? decoded->find(':') : std::string::npos;
        if (colon == std::string::npos)
            return std::unexpected(OAuthError{401, "invalid_client", "malformed Basic credentials", "Basic realm=\"guichet\""});
        credentials.id = percent_decode(decoded->substr(0, colon));
        credentials.secret = percent_decode(decoded->substr(colon + 1));
        credentials.basic = true;
        if (form.contains("client_secret"))
            return std::unexpected(OAuthError{400, "invalid_request", "one client authentication method at a time"});
        if (const auto it = form.find("client_id"); it != form.end() && it->second != credentials.id)
            return std::unexpected(OAuthError{400, "invalid_request", "client_id differs from the Basic credentials"});
        return credentials;
    }
    if (const auto it = form.find("client_id"); it != form.end()) credentials.id = it->second;
    if (const auto it = form.find("client_secret"); it != form.end()) credentials.secret = it->second;
    return credentials;
}

nlohmann::json optional_json(const std::optional<std::string>& text) { return text ? nlohmann::json(*text) : nlohmann::json(nullptr); }

nlohmann::json client_json(const OidcClient& c) {
    return {{"client_id", c.id},
            {"name", c.name},
            {"type", to_string(c.type)},
            {"redirect_uris", c.redirect_uris},
            {"post_logout_redirect_uris", c.post_logout_redirect_uris},
            {"backchannel_logout_uri", optional_json(c.backchannel_logout_uri)}};
}

std::vector<std::string> string_list(const nlohmann::json& body, const char* field, bool required) {
    const auto it = body.find(field);
    if (it == body.end() || it->is_null()) {
        if (required) throw ProblemException(Error{ErrorCode::validation_error, "champ requis", field});
        return {};
    }
    if (!it->is_array()) throw ProblemException(Error{ErrorCode::validation_error, "une liste d'adresses attendue", field});
    std::vector<std::string> out;
    for (const auto& item : *it) {
        if (!item.is_string()) throw ProblemException(Error{ErrorCode::validation_error, "une liste d'adresses attendue", field});
        out.push_back(item.get<std::string>());
    }
    return out;
}

HttpResponse refusal_response(const AuthRequestRefusal& refusal, const HttpRequest& request) {
    auto response = problem_response(refusal.error, request.path);
    if (refusal.redirect_to.empty() && refusal.client_name.empty()) return response;
    auto body = nlohmann::json::parse(response.body);
    if (!refusal.redirect_to.empty()) body["redirect_to"] = refusal.redirect_to;
    if (!refusal.client_name.empty()) body["client_name"] = refusal.client_name;
    response.body = body.dump();
    return response;
}

nlohmann::json discovery(const std::string& i) {
    return {{"issuer", i},
            {"authorization_endpoint", i + "/oauth2/authorize"},
            {"token_endpoint", i + "/oauth2/token"},
            {"userinfo_endpoint", i + "/oauth2/userinfo"},
            {"revocation_endpoint", i + "/oauth2/revoke"},
            {"end_session_endpoint", i + "/oauth2/logout"},
            {"jwks_uri", i + "/.well-known/jwks.json"},
            {"response_types_supported", {"code"}},
            {"response_modes_supported", {"query"}},
            {"grant_types_supported", {"authorization_code", "refresh_token"}},
            {"subject_types_supported", {"public"}},
            {"id_token_signing_alg_values_supported", {"RS256"}},
            {"scopes_supported", {"openid", "email", "profile"}},
            {"claims_supported", {"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "sid", "amr", "email", "email_verified",
                                  "given_name", "family_name"}},
            {"token_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post", "none"}},
            {"revocation_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post", "none"}},
            {"code_challenge_methods_supported", {"S256"}},
            {"prompt_values_supported", {"none", "login", "consent", "select_account"}},
            {"authorization_response_iss_parameter_supported", true},
            {"request_parameter_supported", false},
            {"request_uri_parameter_supported", false},
            {"claims_parameter_supported", false}};
}

}  // namespace

void add_oidc_routes(Router& router, Services& services) {
    auto& oidc = services.oidc;

    router.add("GET", "/.well-known/openid-configuration", Body::none, Access::operations, [&oidc](const HttpRequest&) {
        auto response = json_response(200, discovery(oidc.settings().issuer));
        response.headers.emplace_back("Cache-Control", "public, max-age=300");
        return response;
    });

    router.add("GET", "/oauth2/authorize", Body::none, Access::public_, [&oidc](const HttpRequest& request) {
        return authorize_response(oidc.authorize(AuthorizeParams{request.query}, sso_cookie(request)), request);
    }).rate = AddressRate::flows;

    router.add("GET", "/oauth2/authorize/resume", Body::none, Access::public_, [&oidc](const HttpRequest& request) {
        const auto it = request.query.find("token");
        return authorize_response(oidc.resume(it == request.query.end() ? "" : it->second), request);
    });

    router.add("GET", "/v1/auth-requests/{id}", Body::none, Access::public_, [&oidc](const HttpRequest& request) {
        const auto view = oidc.auth_request(request.params.at("id"));
        if (!view) return refusal_response(view.error(), request);
        const auto& r = view->request;
        nlohmann::json prompt = nlohmann::json::array();
        if (r.prompt_login) prompt.push_back("login");
        return json_response(200, {{"id", r.id},
                                   {"client", {{"id", r.client_id}, {"name", view->client_name}}},
                                   {"scopes", r.scopes},
                                   {"login_hint", optional_json(r.login_hint)},
                                   {"prompt", prompt},
                                   {"max_age", r.max_age ? nlohmann::json(*r.max_age) : nlohmann::json(nullptr)},
                                   {"expires_at", iso8601(r.expires_at)}});
    });

    router.add("POST", "/v1/auth-requests/{id}/accept", Body::none, Access::member, [&oidc](const HttpRequest& request) {
        const auto redirect = oidc.accept(request.params.at("id"), bearer_token(request));
        if (!redirect) return refusal_response(redirect.error(), request);
        return json_response(200, {{"redirect_to", *redirect}});
    });

    router.add("POST", "/v1/auth-requests/{id}/reject", Body::none, Access::public_, [&oidc](const HttpRequest& request) {
        const auto redirect = oidc.reject(request.params.at("id"));
        if (!redirect) return refusal_response(redirect.error(), request);
        return json_response(200, {{"redirect_to", *redirect}});
    });

    router.add("POST", "/oauth2/token", Body::none, Access::public_, [&oidc](const HttpRequest& request) {
        const auto form = form_of(request);
        if (!form) return oauth_error_response(form.error());
        const auto credentials = credentials_of(request, *form);
        if (!credentials) return oauth_error_response(credentials.error());
        const auto tokens = oidc.token(*form, *credentials);
        if (!tokens) return oauth_error_response(tokens.error());
        nlohmann::json body{{"access_token", tokens->access_token},
                            {"token_type", "Bearer"},
                            {"expires_in", tokens->expires_in},
                            {"refresh_token", tokens->refresh_token},
                            {"scope", tokens->scope}};
        if (tokens->id_token) body["id_token"] = *tokens->id_token;
        return oauth_json(200, body);
    });

    const auto userinfo = [&oidc](const HttpRequest& request) {
        auto token = bearer_token(request);
        if (token.empty() && request.method == "POST") {  // RFC 6750 §2.2: the form's access_token
            if (const auto form = form_of(request); form && form->contains("access_token")) token = form->at("access_token");
        }
        const auto info = oidc.userinfo(token);
        if (!info) return oauth_error_response(info.error());
        nlohmann::json body{{"sub", info->sub}};
        if (info->email) body["email"] = *info->email;
        if (info->email_verified) body["email_verified"] = *info->email_verified;
        if (info->given_name) body["given_name"] = *info->given_name;
        if (info->family_name) body["family_name"] = *info->family_name;
        return oauth_json(200, body);
    };
    router.add("GET", "/oauth2/userinfo", Body::none, Access::public_, userinfo);
    router.add("POST", "/oauth2/userinfo", Body::none, Access::public_, userinfo);

    router.add("POST", "/oauth2/revoke", Body::none, Access::public_, [&oidc](const HttpRequest& request) {
        const auto form = form_of(request);
        if (!form) return oauth_error_response(form.error());
        const auto credentials = credentials_of(request, *form);
        if (!credentials) return oauth_error_response(credentials.error());
        if (const auto done = oidc.revoke(*form, *credentials); !done) return oauth_error_response(done.error());
        return oauth_json(200, nlohmann::json::object());
    });

    router.add("GET", "/oauth2/logout", Body::none, Access::public_, [&oidc](const HttpRequest& request) {
        return authorize_response(oidc.logout(AuthorizeParams{request.query}, sso_cookie(request)), request);
    });

    router.add("PUT", "/v1/admin/oidc-clients/{client_id}", Body::json_object, Access::admin, [&oidc](const HttpRequest& request) {
        agent_of(request);
        const auto& body = request.json;
        ClientRegistration r;
        r.id = request.params.at("client_id");
        r.name = required_string(body, "name", 200);
        const auto type = required_string(body, "type", 20);
        if (type != "confidential" && type != "public")
            throw ProblemException(Error{ErrorCode::validation_error, "confidential ou public", "type"});
        r.type = type == "public" ? ClientType::public_ : ClientType::confidential;
        r.secret = optional_string(body, "secret", 256);
        r.redirect_uris = string_list(body, "redirect_uris", true);
        r.post_logout_redirect_uris = string_list(body, "post_logout_redirect_uris", false);
        r.backchannel_logout_uri = optional_string(body, "backchannel_logout_uri", 512);
        const bool created = value_or_problem(oidc.register_client(r));
        return json_response(created ? 201 : 200, client_json(*oidc.client(r.id)));
    });

    router.add("GET", "/v1/admin/oidc-clients/{client_id}", Body::none, Access::admin, [&oidc](const HttpRequest& request) {
        const auto client = oidc.client(request.params.at("client_id"));
        if (!client) throw ProblemException(Error{ErrorCode::not_found, "client inconnu"});
        return json_response(200, client_json(*client));
    });
}

}  // namespace guichet::api
