#include "domain/oidc/oidc.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace guichet {

std::string_view to_string(ClientType type) { return type == ClientType::public_ ? "public" : "confidential"; }

namespace {

bool printable_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

struct UriParts {
    std::string scheme;  // lower-case
    std::string host;    // empty for a private-use scheme without authority
    bool authority = false;
};

std::optional<UriParts> split_uri(std::string_view uri) {
    if (uri.empty() || uri.size() > 512 || !printable_ascii(uri) || uri.find('#') != std::string_view::npos) return std::nullopt;
    const auto colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    UriParts parts;
    for (char c : uri.substr(0, colon)) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '-')) return std::nullopt;
        parts.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    auto rest = uri.substr(colon + 1);
    if (rest.rfind("//", 0) == 0) {
        parts.authority = true;
        rest.remove_prefix(2);
        auto authority = rest.substr(0, std::min(rest.find_first_of("/?"), rest.size()));
        if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no user info
        if (!authority.empty() && authority.front() == '[') {
            const auto end = authority.find(']');
            if (end == std::string_view::npos) return std::nullopt;
            parts.host = std::string(authority.substr(0, end + 1));
        } else {
            parts.host = std::string(authority.substr(0, std::min(authority.find(':'), authority.size())));
        }
        std::transform(parts.host.begin(), parts.host.end(), parts.host.begin(), [](unsigned char c) { return std::tolower(c); });
        if (parts.host.empty()) return std::nullopt;
    }
    return parts;
}

bool loopback(const std::string& host) { return host == "127.0.0.1" || host == "[::1]" || host == "localhost"; }

// https anywhere, http on loopback; private-use schemes ("fr.mgen.app:/cb") for apps only.
bool acceptable_uri(std::string_view uri, bool allow_private_scheme) {
    const auto parts = split_uri(uri);
    if (!parts) return false;
    if (parts->scheme == "https") return parts->authority;
    if (parts->scheme == "http") return parts->authority && loopback(parts->host);
    return allow_private_scheme && parts->scheme.find('.') != std::string::npos;
}

Result<void> check_uris(const std::vector<std::string>& uris, const char* field, bool allow_private_scheme, bool required) {
    if (required && uris.empty()) return fail(ErrorCode::validation_error, "au moins une adresse", field);
    if (uris.size() > 20) return fail(ErrorCode::validation_error, "au plus 20 adresses", field);
    for (const auto& uri : uris)
        if (!acceptable_uri(uri, allow_private_scheme))
            return fail(ErrorCode::validation_error,
                        "adresse refusée : https, http sur 127.0.0.1 ou localhost, ou schéma d'application (applications publiques), sans fragment",
                        field);
    return {};
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// RFC 7636 §4.1: 43 characters of base64url (a SHA-256).
bool valid_challenge(std::string_view challenge) {
    return challenge.size() == 43 && std::all_of(challenge.begin(), challenge.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '-' || c == '_';
           });
}

std::vector<std::string> split_spaces(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        const auto space = std::min(text.find(' '), text.size());
        if (space > 0) out.emplace_back(text.substr(0, space));
        text.remove_prefix(std::min(space + 1, text.size()));
    }
    return out;
}

}  // namespace

Result<void> validate_registration(const ClientRegistration& r) {
    if (r.id.empty() || r.id.size() > 64 || !std::all_of(r.id.begin(), r.id.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '.' || c == '_' || c == '-';
        }))
        return fail(ErrorCode::validation_error, "1 à 64 caractères parmi A-Z a-z 0-9 . _ -", "client_id");
    if (r.name.empty() || r.name.size() > 200) return fail(ErrorCode::validation_error, "1 à 200 caractères", "name");
    if (r.type == ClientType::confidential) {
        if (!r.secret || r.secret->size() < 32 || r.secret->size() > 256 || !printable_ascii(*r.secret))
            return fail(ErrorCode::validation_error, "32 à 256 caractères ASCII imprimables", "secret");
    } else if (r.secret) {
        return fail(ErrorCode::validation_error, "une application publique n'a pas de secret", "secret");
    }
    const bool app = r.type == ClientType::public_;
    if (auto ok = check_uris(r.redirect_uris, "redirect_uris", app, true); !ok) return ok;
    if (auto ok = check_uris(r.post_logout_redirect_uris, "post_logout_redirect_uris", app, false); !ok) return ok;
    if (r.backchannel_logout_uri && !acceptable_uri(*r.backchannel_logout_uri, false))
        return fail(ErrorCode::validation_error, "https, ou http sur 127.0.0.1 ou localhost", "backchannel_logout_uri");
    return {};
}

std::expected<AuthRequest, RedirectError> read_auth_request(const AuthorizeParams& params, const OidcClient& client,
                                                            std::chrono::system_clock::time_point now) {
    const auto reject = [](std::string error, std::string description) {
        return std::unexpected(RedirectError{std::move(error), std::move(description)});
    };
    for (const auto& [name, value] : params.query)
        if (value.size() > 2048 || !std::all_of(value.begin(), value.end(), [](unsigned char c) { return c >= 0x20 && c != 0x7f; }))
            return reject("invalid_request", name + ": too long or has control characters");
    if (params.get("request") || params.get("request_uri")) return reject("request_not_supported", "request objects are not supported");
    const auto response_type = params.get("response_type").value_or("");
    if (response_type != "code") return reject("unsupported_response_type", "only the authorization code flow (response_type=code)");
    if (const auto mode = params.get("response_mode"); mode && *mode != "query")
        return reject("invalid_request", "response_mode must be query");

    AuthRequest request;
    request.client_id = client.id;
    request.redirect_uri = params.get("redirect_uri").value_or("");
    request.scopes = split_spaces(params.get("scope").value_or(""));
    if (!contains(request.scopes, "openid")) return reject("invalid_scope", "scope must contain openid");
    std::vector<std::string> known;
    for (const auto& scope : request.scopes)  // unknown scopes are ignored (RFC 6749 §3.3), duplicates too
        if (std::find(std::begin(kScopes), std::end(kScopes), scope) != std::end(kScopes) && !contains(known, scope)) known.push_back(scope);
    request.scopes = std::move(known);
    request.state = params.get("state").value_or("");
    request.nonce = params.get("nonce").value_or("");

    request.code_challenge = params.get("code_challenge").value_or("");
    const auto method = params.get("code_challenge_method");
    if (!request.code_challenge.empty()) {
        if (method.value_or("plain") != "S256") return reject("invalid_request", "code_challenge_method must be S256");
        if (!valid_challenge(request.code_challenge)) return reject("invalid_request", "code_challenge must be 43 base64url characters");
    } else if (method) {
        return reject("invalid_request", "code_challenge_method without code_challenge");
    } else if (client.type == ClientType::public_) {
        return reject("invalid_request", "PKCE (code_challenge, S256) is required for public clients");
    }

    for (const auto& prompt : split_spaces(params.get("prompt").value_or(""))) {
        if (prompt == "none") request.prompt_none = true;
        else if (prompt == "login") request.prompt_login = true;
        else if (prompt == "consent" || prompt == "select_account") continue;  // no consent screen: the insurer's own sites
        else return reject("invalid_request", "prompt: none, login, consent or select_account");
    }
    if (request.prompt_none && request.prompt_login) return reject("invalid_request", "prompt=none cannot be combined with login");
    if (const auto max_age = params.get("max_age")) {
        std::int64_t seconds = -1;
        const auto [end, ec] = std::from_chars(max_age->data(), max_age->data() + max_age->size(), seconds);
        if (ec != std::errc{} || end != max_age->data() + max_age->size() || seconds < 0)
            return reject("invalid_request", "max_age must be a number of seconds");
        request.max_age = seconds;
    }
    if (const auto hint = params.get("login_hint"); hint && !hint->empty()) request.login_hint = hint->substr(0, 254);
    request.created_at = now;
    request.expires_at = now + kAuthRequestLifetime;
    return request;
}

bool session_satisfies(const AuthRequest& request, std::chrono::system_clock::time_point auth_time,
                       std::chrono::system_clock::time_point now) {
    if (auth_time >= request.created_at) return true;  // a login made for this very request
    if (request.prompt_login) return false;
    return !request.max_age || now - auth_time <= std::chrono::seconds(*request.max_age);
}

}  // namespace guichet
