#include "service/oidc/provider.hpp"

#include <algorithm>

#include "domain/url.hpp"

namespace guichet {

namespace {

using Seconds = std::chrono::seconds;

std::int64_t epoch(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<Seconds>(t.time_since_epoch()).count();
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
    return out;
}

bool has(const std::vector<std::string>& list, std::string_view item) { return std::find(list.begin(), list.end(), item) != list.end(); }

std::unexpected<OAuthError> oauth_error(int status, std::string error, std::string description) {
    return std::unexpected(OAuthError{status, std::move(error), std::move(description)});
}

std::string form_value(const std::map<std::string, std::string>& form, const char* name) {
    const auto it = form.find(name);
    return it == form.end() ? std::string{} : it->second;
}

// Constant time for equal lengths (both sides are ours or hashes).
bool same(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace

OidcProvider::OidcProvider(UnitOfWork& uow, const Clock& clock, RandomSource& random, Sessions& sessions, const OidcCrypto& crypto,
                           OidcSettings settings)
    : uow_(uow), clock_(clock), random_(random), sessions_(sessions), crypto_(crypto), settings_(std::move(settings)) {}

Result<bool> OidcProvider::register_client(const ClientRegistration& r) {
    if (auto ok = validate_registration(r); !ok) return std::unexpected(ok.error());
    const OidcClient client{r.id, r.name, r.type, r.redirect_uris, r.post_logout_redirect_uris, r.backchannel_logout_uri};
    bool created = false;
    uow_.run([&](Transaction& tx) { created = tx.oidc().put_client(client, r.secret); });
    return created;
}

std::optional<OidcClient> OidcProvider::client(const std::string& id) {
    std::optional<OidcClient> found;
    uow_.autocommit([&](Transaction& tx) { found = tx.oidc().find_client(id); });
    return found;
}

std::string OidcProvider::redirect_with(const std::string& redirect_uri,
                                        const std::vector<std::pair<std::string, std::string>>& params) const {
    std::string location = redirect_uri;
    char separator = redirect_uri.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [name, value] : params) {
        location += separator;
        location += name + "=" + percent_encode(value);
        separator = '&';
    }
    return location;
}

std::string OidcProvider::error_redirect(const AuthRequest& request, const RedirectError& error) const {
    std::vector<std::pair<std::string, std::string>> params{{"error", error.error}, {"error_description", error.description}};
    if (!request.state.empty()) params.emplace_back("state", request.state);
    params.emplace_back("iss", settings_.issuer);  // RFC 9207
    return redirect_with(request.redirect_uri, params);
}

std::string OidcProvider::issue_code(Transaction& tx, const AuthRequest& request, const SessionInfo& session) {
    const OidcGrant grant{random_token(random_, 18), request.client_id, session.id, session.account_id, request.scopes, request.nonce,
                          session.created_at};
    tx.oidc().create_grant(grant);
    const auto code = random_token(random_, 32);
    tx.oidc().issue_code(code, OidcCode{grant, request.redirect_uri, request.code_challenge, clock_.now() + kCodeLifetime});
    std::vector<std::pair<std::string, std::string>> params{{"code", code}};
    if (!request.state.empty()) params.emplace_back("state", request.state);
    params.emplace_back("iss", settings_.issuer);
    return redirect_with(request.redirect_uri, params);
}

AuthorizeAnswer OidcProvider::authorize(const AuthorizeParams& params, const std::optional<std::string>& browser_cookie) {
    AuthorizeAnswer answer;
    // Until the client and its redirect are known good, nothing goes back to the browser's
    // redirect: a problem page-less 400 (RFC 6749 §4.1.2.1, SPEC.md §9).
    const auto client_id = params.get("client_id");
    const auto redirect_uri = params.get("redirect_uri");
    std::optional<OidcClient> client;
    if (client_id && !client_id->empty() && client_id->size() <= 64) client = this->client(*client_id);
    if (!client) {
        answer.problem = Error{ErrorCode::validation_error, "client_id inconnu", "client_id"};
        return answer;
    }
    if (!redirect_uri || !has(client->redirect_uris, *redirect_uri)) {
        answer.problem = Error{ErrorCode::validation_error, "redirect_uri absente ou non enregistrée pour ce client", "redirect_uri"};
        return answer;
    }
    const auto now = clock_.now();
    auto request = read_auth_request(params, *client, now);
    if (!request) {
        AuthRequest partial;
        partial.redirect_uri = *redirect_uri;
        partial.state = params.get("state").value_or("");
        answer.redirect.location = error_redirect(partial, request.error());
        return answer;
    }
    request->id = random_token(random_, 18);

    uow_.run([&](Transaction& tx) {
        std::optional<SessionInfo> session;
        if (browser_cookie && !browser_cookie->empty())
            if (const auto id = tx.oidc().session_of_browser(*browser_cookie)) session = tx.sessions().find_active(*id, now);
        if (session && session->required_actions.empty() && session_satisfies(*request, session->created_at, now)) {
            answer.redirect.location = issue_code(tx, *request, *session);  // single sign-on
            return;
        }
        if (request->prompt_none) {
            // A session waiting for required actions needs the member's pages (OIDC Core §3.1.2.6).
            const bool interaction = session && session->required_actions.empty() == false;
            answer.redirect.location = error_redirect(*request, interaction ? RedirectError{"interaction_required", "the member must act on the portal"}
                                                                            : RedirectError{"login_required", "no single sign-on session"});
            return;
        }
        tx.oidc().save_request(*request);
        answer.redirect.location = redirect_with(settings_.login_url, {{"auth_request", request->id}});
    });
    return answer;
}

AuthRequestRefusal OidcProvider::refusal(ErrorCode code, const StoredAuthRequest& stored, const std::string& client_name) const {
    // The client can start again from its own page: access_denied is what every client handles.
    return {Error{code}, error_redirect(stored.request, {"access_denied", "the sign-in request ended; start again"}), client_name};
}

AuthRequestResult<AuthRequestView> OidcProvider::auth_request(const std::string& id) {
    std::optional<StoredAuthRequest> stored;
    std::optional<OidcClient> client;
    uow_.autocommit([&](Transaction& tx) {
        stored = id.empty() || id.size() > 64 ? std::nullopt : tx.oidc().find_request(id);
        if (stored) client = tx.oidc().find_client(stored->request.client_id);
    });
    if (!stored || !client) return std::unexpected(AuthRequestRefusal{Error{ErrorCode::auth_request_not_found}, {}, {}});
    if (stored->state != AuthRequestState::pending) return std::unexpected(refusal(ErrorCode::auth_request_used, *stored, client->name));
    if (stored->request.expires_at <= clock_.now()) return std::unexpected(refusal(ErrorCode::auth_request_expired, *stored, client->name));
    return AuthRequestView{stored->request, client->name};
}

AuthRequestResult<std::string> OidcProvider::accept(const std::string& id, const std::string& access_token) {
    const auto view = auth_request(id);
    if (!view) return std::unexpected(view.error());
    const auto member = sessions_.authenticate(access_token, Sessions::Scope::required_actions);
    if (!member) return std::unexpected(AuthRequestRefusal{member.error(), {}, view->client_name});
    const auto now = clock_.now();
    const auto resume_token = random_token(random_, 32);
    std::optional<AuthRequestRefusal> refused;
    uow_.run([&](Transaction& tx) {
        const auto session = tx.sessions().find_active(member->claims.session_id, now);
        if (!session) {
            refused = AuthRequestRefusal{Error{ErrorCode::unauthorized, "session terminée"}, {}, view->client_name};
        } else if (!session->required_actions.empty()) {
            std::string pending;
            for (auto a : session->required_actions) pending += (pending.empty() ? "" : ", ") + std::string(to_string(a));
            refused = AuthRequestRefusal{Error{ErrorCode::required_actions_pending, pending, "required_actions"}, {}, view->client_name};
        } else if (!session_satisfies(view->request, session->created_at, now)) {
            refused = AuthRequestRefusal{Error{ErrorCode::reauthentication_required,
                                               view->request.prompt_login ? "prompt=login : une connexion après la demande"
                                                                          : "max_age : connexion trop ancienne"},
                                         {}, view->client_name};
        } else if (!tx.oidc().answer_request(id, AuthRequestState::accepted, session->id, resume_token)) {
            refused = AuthRequestRefusal{Error{ErrorCode::auth_request_used}, {}, view->client_name};
        }
    });
    if (refused) return std::unexpected(*refused);
    return settings_.issuer + "/oauth2/authorize/resume?token=" + percent_encode(resume_token);
}

AuthRequestResult<std::string> OidcProvider::reject(const std::string& id) {
    const auto view = auth_request(id);
    if (!view) return std::unexpected(view.error());
    bool answered = false;
    uow_.run([&](Transaction& tx) { answered = tx.oidc().answer_request(id, AuthRequestState::rejected, std::nullopt, random_token(random_, 32)); });
    if (!answered) return std::unexpected(AuthRequestRefusal{Error{ErrorCode::auth_request_used}, {}, view->client_name});
    return error_redirect(view->request, {"access_denied", "the member declined"});
}

AuthorizeAnswer OidcProvider::resume(const std::string& resume_token) {
    AuthorizeAnswer answer;
    const auto now = clock_.now();
    uow_.run([&](Transaction& tx) {
        const auto stored = resume_token.empty() || resume_token.size() > 128 ? std::nullopt : tx.oidc().resume(resume_token);
        if (!stored || !stored->session_id) {
            answer.problem = Error{ErrorCode::not_found, "lien de reprise inconnu ou déjà utilisé", "token"};
            return;
        }
        const auto session = tx.sessions().find_active(*stored->session_id, now);
        if (!session) {
            answer.redirect.location = error_redirect(stored->request, {"login_required", "the session ended"});
            return;
        }
        if (stored->request.expires_at <= now) {
            answer.redirect.location = error_redirect(stored->request, {"access_denied", "the sign-in request ended; start again"});
            return;
        }
        answer.redirect.location = issue_code(tx, stored->request, *session);
        const auto cookie = random_token(random_, 32);
        tx.oidc().bind_browser(cookie, session->id);
        answer.redirect.set_cookie = cookie;
    });
    return answer;
}

OAuthResult<OidcClient> OidcProvider::authenticate_client(Transaction& tx, const ClientCredentials& credentials) {
    const auto invalid = [&](std::string description) {
        auto error = oauth_error(401, "invalid_client", std::move(description));
        if (credentials.basic) error.error().www_authenticate = "Basic realm=\"guichet\"";
        return error;
    };
    if (credentials.id.empty() || credentials.id.size() > 64) return invalid("client authentication failed");
    auto client = tx.oidc().find_client(credentials.id);
    if (!client) return invalid("client authentication failed");
    if (client->type == ClientType::confidential) {
        if (!credentials.secret || credentials.secret->size() > 256 || !tx.oidc().client_secret_matches(client->id, *credentials.secret))
            return invalid("client authentication failed");
    } else if (credentials.secret) {
        return invalid("a public client has no secret");
    }
    return *client;
}

UserInfo OidcProvider::claims_of(Transaction& tx, const OidcGrant& grant) const {
    UserInfo info{std::to_string(grant.account_id)};
    const auto profile = tx.accounts().profile(grant.account_id);
    if (!profile) return info;
    if (has(grant.scopes, "email")) {
        if (profile->account.identity_email) {
            info.email = *profile->account.identity_email;
            info.email_verified = true;  // a Connect identifier is validated by its link
        } else if (profile->account.contact_email) {
            info.email = *profile->account.contact_email;
            info.email_verified = profile->account.email_verified;
        } else if (profile->member.email) {  // the registry's, which the member has not proved
            info.email = profile->member.email->value();
            info.email_verified = false;
        }
    }
    if (has(grant.scopes, "profile")) {
        info.given_name = profile->member.first_name;
        info.family_name = profile->member.last_name;
    }
    return info;
}

TokenResponse OidcProvider::tokens_for(Transaction& tx, const OidcGrant& grant, bool with_id_token, const std::string& refresh_token) {
    const auto now = clock_.now();
    const auto sub = std::to_string(grant.account_id);
    const OidcAccessClaims access{settings_.issuer, sub, grant.client_id, join(grant.scopes), grant.session_id,
                                  grant.id + "." + random_token(random_, 9), epoch(now), epoch(now + kOidcAccessLifetime)};
    TokenResponse tokens{crypto_.sign_access_token(access), kOidcAccessLifetime.count(), refresh_token, join(grant.scopes), std::nullopt};
    // An id_token with the code's exchange; a refresh's answer has none (OIDC Core §12.2 allows
    // it), so a rotation signs one EdDSA token and no RSA one, and reads no profile.
    if (!with_id_token) return tokens;
    const auto info = claims_of(tx, grant);
    IdTokenClaims id{settings_.issuer, sub, grant.client_id, grant.session_id, epoch(now), epoch(now + kOidcAccessLifetime),
                     epoch(grant.auth_time), grant.nonce, info.email, info.email_verified, info.given_name, info.family_name};
    tokens.id_token = crypto_.sign_id_token(id);
    return tokens;
}

OAuthResult<TokenResponse> OidcProvider::token(const std::map<std::string, std::string>& form, const ClientCredentials& credentials) {
    const auto grant_type = form_value(form, "grant_type");
    if (grant_type != "authorization_code" && grant_type != "refresh_token")
        return oauth_error(400, grant_type.empty() ? "invalid_request" : "unsupported_grant_type", "authorization_code or refresh_token");
    const auto now = clock_.now();
    OAuthResult<TokenResponse> answer = oauth_error(500, "server_error", "");
    uow_.run([&](Transaction& tx) {
        const auto client = authenticate_client(tx, credentials);
        if (!client) {
            answer = std::unexpected(client.error());
            return;
        }
        const auto refresh_token = random_token(random_, 32);
        if (grant_type == "authorization_code") {
            const auto code = form_value(form, "code");
            if (code.empty() || code.size() > 128) {
                answer = oauth_error(400, "invalid_request", "code is required");
                return;
            }
            // Spent before it is checked: a code is tried once, right or wrong.
            const auto exchange = tx.oidc().exchange_code(code, now);
            if (exchange.outcome != CodeUse::exchanged) {
                answer = oauth_error(400, "invalid_grant", exchange.outcome == CodeUse::reused
                                                               ? "code already used: what it gave is revoked"
                                                               : "unknown or expired code");
                return;
            }
            const auto& issued = *exchange.code;
            if (issued.grant.client_id != client->id || issued.expires_at <= now ||
                form_value(form, "redirect_uri") != issued.redirect_uri) {
                answer = oauth_error(400, "invalid_grant", "code not issued to this client and redirect_uri, or expired");
                return;
            }
            const auto verifier = form_value(form, "code_verifier");
            if (issued.code_challenge.empty() ? !verifier.empty()
                                              : (verifier.size() < 43 || verifier.size() > 128 ||
                                                 !same(crypto_.s256(verifier), issued.code_challenge))) {
                answer = oauth_error(400, "invalid_grant", "PKCE verification failed");
                return;
            }
            const auto grant = tx.oidc().live_grant(issued.grant.id, now);
            if (!grant) {
                answer = oauth_error(400, "invalid_grant", "the member's session ended");
                return;
            }
            tx.oidc().add_refresh(refresh_token, grant->id, now + settings_.refresh_lifetime);
            answer = tokens_for(tx, *grant, true, refresh_token);
            return;
        }
        const auto presented = form_value(form, "refresh_token");
        const auto owner = presented.empty() || presented.size() > 128 ? std::nullopt : tx.oidc().grant_of_refresh(presented);
        if (!owner || owner->client_id != client->id) {
            answer = oauth_error(400, "invalid_grant", "unknown refresh token");
            return;
        }
        const auto rotation = tx.oidc().rotate_refresh(presented, refresh_token, now, now + settings_.refresh_lifetime);
        if (rotation.outcome != RefreshUse::rotated) {
            answer = oauth_error(400, "invalid_grant", rotation.outcome == RefreshUse::reused
                                                           ? "refresh token already used: its family is revoked"
                                                           : "refresh token expired or revoked");
            return;
        }
        answer = tokens_for(tx, *rotation.grant, false, refresh_token);
    });
    return answer;
}

OAuthResult<UserInfo> OidcProvider::userinfo(const std::string& access_token) {
    const auto invalid = [] {
        auto error = oauth_error(401, "invalid_token", "access token missing, invalid, expired or revoked");
        error.error().www_authenticate = "Bearer error=\"invalid_token\"";
        return error;
    };
    const auto now = clock_.now();
    const auto claims = access_token.empty() || access_token.size() > 4096 ? std::nullopt : crypto_.access_token_claims(access_token, now);
    if (!claims || claims->iss != settings_.issuer) return invalid();
    const auto grant_id = claims->jti.substr(0, claims->jti.find('.'));
    OAuthResult<UserInfo> answer = invalid();
    uow_.autocommit([&](Transaction& tx) {
        const auto grant = tx.oidc().live_grant(grant_id, now);
        if (grant && grant->client_id == claims->client_id) answer = claims_of(tx, *grant);
    });
    return answer;
}

OAuthResult<void> OidcProvider::revoke(const std::map<std::string, std::string>& form, const ClientCredentials& credentials) {
    const auto token = form_value(form, "token");
    if (token.empty()) return oauth_error(400, "invalid_request", "token is required");
    OAuthResult<void> answer;
    uow_.run([&](Transaction& tx) {
        const auto client = authenticate_client(tx, credentials);
        if (!client) {
            answer = std::unexpected(client.error());
            return;
        }
        // A refresh token, else one of our access tokens; anything else: nothing to do (RFC 7009 §2.2).
        if (token.size() <= 128)
            if (const auto grant = tx.oidc().grant_of_refresh(token); grant && grant->client_id == client->id) {
                tx.oidc().revoke_grant(grant->id);
                return;
            }
        if (token.size() > 4096) return;
        if (const auto claims = crypto_.access_token_claims(token, clock_.now()); claims && claims->client_id == client->id)
            tx.oidc().revoke_grant(claims->jti.substr(0, claims->jti.find('.')));
    });
    return answer;
}

AuthorizeAnswer OidcProvider::logout(const AuthorizeParams& params, const std::optional<std::string>& browser_cookie) {
    AuthorizeAnswer answer;
    const auto hint = params.get("id_token_hint");
    const auto post_logout = params.get("post_logout_redirect_uri");
    std::optional<IdTokenClaims> verified;
    if (hint && !hint->empty() && hint->size() <= 8192) verified = crypto_.id_token_claims(*hint);
    // The hint may have expired (a member comes back hours later): it still names the client and
    // session; only our signature and issuer matter.
    if (verified && verified->iss != settings_.issuer) verified.reset();
    if (hint && !verified) {
        answer.problem = Error{ErrorCode::validation_error, "id_token_hint invalide", "id_token_hint"};
        return answer;
    }
    std::optional<OidcClient> client;
    if (verified) {
        client = this->client(verified->aud);
        if (params.get("client_id") && client && *params.get("client_id") != client->id) client.reset();
    }
    if (post_logout && (!client || !has(client->post_logout_redirect_uris, *post_logout))) {
        answer.problem = Error{ErrorCode::validation_error, "post_logout_redirect_uri non enregistrée pour le client de id_token_hint",
                               "post_logout_redirect_uri"};
        return answer;
    }
    uow_.run([&](Transaction& tx) {
        std::optional<std::string> session_id;
        if (verified && !verified->sid.empty()) session_id = verified->sid;
        else if (browser_cookie && !browser_cookie->empty()) session_id = tx.oidc().session_of_browser(*browser_cookie);
        if (!session_id) return;
        if (const auto s = tx.sessions().find_active(*session_id, clock_.now()); s && (!verified || std::to_string(s->account_id) == verified->sub))
            tx.sessions().revoke(s->id, s->account_id);
    });
    answer.redirect.clear_cookie = true;
    if (post_logout) {
        std::vector<std::pair<std::string, std::string>> extra;
        if (const auto state = params.get("state"); state && !state->empty()) extra.emplace_back("state", *state);
        answer.redirect.location = redirect_with(*post_logout, extra);
    } else {
        answer.redirect.location = redirect_with(settings_.login_url, {{"logged_out", "1"}});
    }
    return answer;
}

}  // namespace guichet
