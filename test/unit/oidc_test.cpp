// The OpenID Connect provider (SPEC.md §9): its rules (domain/oidc) and its use cases over the
// in-memory fakes (service/oidc), with the real keys (infra/crypto/oidc_keys).
#include <catch2/catch.hpp>

#include "domain/url.hpp"
#include "infra/crypto/jwt_signer.hpp"
#include "infra/crypto/oidc_keys.hpp"
#include "service/members/member_import.hpp"
#include "service/oidc/provider.hpp"
#include "service/sessions/sessions.hpp"
#include "support/app_fixture.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

ClientRegistration site() {
    return {"avantage", "MGEN Avantage", ClientType::confidential, std::string(40, 's'), {"https://avantage.exemple.fr/cb"},
            {"https://avantage.exemple.fr/bye"}, std::nullopt};
}

// BASE64URL(SHA-256(verifier)), computed apart: printf %s VERIFIER | openssl dgst -sha256 -binary | base64
const std::string kVerifier = "dBjftJeZ4CVP-mJ0kz2CX-2ZIsmcFzY2nWG_7DftOr7";
const std::string kChallenge = "1bK_vZWsX7u4h6FyBWVX8s2qV8eRhVimEE3ngpM50JU";

AuthorizeParams request_params(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> q{{"client_id", "avantage"},       {"redirect_uri", "https://avantage.exemple.fr/cb"},
                                         {"response_type", "code"},       {"scope", "openid email"},
                                         {"state", "st"},                 {"nonce", "n"},
                                         {"code_challenge", kChallenge},  {"code_challenge_method", "S256"}};
    for (auto& [k, v] : extra) q[k] = v;
    return {q};
}

OidcClient client_of(const ClientRegistration& r) {
    return {r.id, r.name, r.type, r.redirect_uris, r.post_logout_redirect_uris, r.backchannel_logout_uri};
}

std::string param(const std::string& url, const std::string& name) {
    const auto q = url.find('?');
    if (q == std::string::npos) return {};
    const auto form = parse_form(url.substr(q + 1));
    const auto it = form.find(name);
    return it == form.end() ? std::string{} : it->second;
}

}  // namespace

TEST_CASE("clients: ids, secrets and redirect addresses an identity provider can trust", "[domain][oidc]") {
    CHECK(validate_registration(site()));
    auto r = site();
    r.secret = "short";
    CHECK(validate_registration(r).error().field == "secret");
    r = site();
    r.id = "a/b";
    CHECK(validate_registration(r).error().field == "client_id");
    for (const char* bad : {"http://evil.example/cb", "https://avantage.exemple.fr/cb#frag", "fr.mgen.app:/cb", "javascript:alert(1)",
                            "https://user@avantage.exemple.fr/cb", ""}) {
        r = site();
        r.redirect_uris = {bad};
        CHECK(validate_registration(r).error().field == "redirect_uris");
    }
    for (const char* good : {"http://127.0.0.1:8123/cb", "http://localhost/cb", "http://[::1]:9/cb", "https://a.exemple.fr/cb?x=1"}) {
        r = site();
        r.redirect_uris = {good};
        CHECK(validate_registration(r));
    }
    ClientRegistration app{"mobile", "Application", ClientType::public_, std::nullopt, {"fr.mgen.app:/cb"}, {}, std::nullopt};
    CHECK(validate_registration(app));  // private-use schemes for apps (RFC 8252 §7.1)
    app.secret = std::string(40, 's');
    CHECK(validate_registration(app).error().field == "secret");
}

TEST_CASE("authorisation requests: code flow, openid, PKCE S256 (required for public clients)", "[domain][oidc]") {
    const auto now = test_clock().now();
    const auto client = client_of(site());
    const auto ok = read_auth_request(request_params(), client, now);
    REQUIRE(ok);
    CHECK(ok->scopes == std::vector<std::string>{"openid", "email"});
    CHECK(ok->expires_at == now + kAuthRequestLifetime);
    CHECK(read_auth_request(request_params({{"response_type", "token"}}), client, now).error().error == "unsupported_response_type");
    CHECK(read_auth_request(request_params({{"scope", "email"}}), client, now).error().error == "invalid_scope");
    CHECK(read_auth_request(request_params({{"code_challenge_method", "plain"}}), client, now).error().error == "invalid_request");
    CHECK(read_auth_request(request_params({{"code_challenge", "short"}}), client, now).error().error == "invalid_request");
    CHECK(read_auth_request(request_params({{"prompt", "none login"}}), client, now).error().error == "invalid_request");
    CHECK(read_auth_request(request_params({{"max_age", "-1"}}), client, now).error().error == "invalid_request");
    CHECK(read_auth_request(request_params({{"request", "eyJ"}}), client, now).error().error == "request_not_supported");
    auto without_pkce = request_params();
    without_pkce.query.erase("code_challenge");
    without_pkce.query.erase("code_challenge_method");
    CHECK(read_auth_request(without_pkce, client, now));  // a confidential client may do without
    auto app = client;
    app.type = ClientType::public_;
    CHECK(read_auth_request(without_pkce, app, now).error().error == "invalid_request");
}

TEST_CASE("a session answers a request unless prompt=login or max_age asks for a newer login", "[domain][oidc]") {
    const auto now = test_clock().now();
    AuthRequest request;
    request.created_at = now;
    CHECK(session_satisfies(request, now - std::chrono::hours(5), now));
    request.prompt_login = true;
    CHECK_FALSE(session_satisfies(request, now - std::chrono::seconds(1), now));
    CHECK(session_satisfies(request, now, now + std::chrono::seconds(3)));  // logged in for this request
    request.prompt_login = false;
    request.max_age = 0;
    CHECK_FALSE(session_satisfies(request, now - std::chrono::seconds(1), now));
    CHECK(session_satisfies(request, now, now + std::chrono::seconds(1)));  // max_age=0: a login made for it
    request.max_age = 60;
    CHECK(session_satisfies(request, now - std::chrono::seconds(60), now));
    CHECK_FALSE(session_satisfies(request, now - std::chrono::seconds(61), now));
}

namespace {

struct Provider {
    FakeUnitOfWork uow;
    SettableClock clock;
    SequenceRandom random;
    PlainHasher hasher;
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {9}}, "https://guichet.exemple.fr"};
    Sessions sessions{uow, hasher, signer, random, clock, offered_switch_rules()};
    infra::JwsSigner access_signer{infra::signing_key_from_seed({9})};
    static const std::string& rsa() {
        static const std::string jwk = infra::generate_rsa_jwk();
        return jwk;
    }
    infra::OidcKeys keys{rsa(), access_signer};
    OidcProvider oidc{uow, clock, random, sessions, keys, {"https://guichet.exemple.fr", "https://espace.exemple.fr/connexion"}};
    const ClientCredentials credentials{"avantage", std::string(40, 's'), true};

    Provider() {
        MemberImport members(uow, clock);
        REQUIRE(members.run(kAgent, {{2, sample_record()}}));
        uow.run([&](Transaction& tx) {
            tx.accounts().create_legacy(LegacyAccount{*Nir::parse("184027512345674"), std::string("plain$Ancien-Mot2passe!"), false,
                                                      std::nullopt, true});
        });
        REQUIRE(oidc.register_client(site()));
    }
    // Through the portal: login, accept, resume. Returns the client's redirect and sets `cookie`.
    std::string sign_in(const AuthorizeParams& params, std::string& cookie) {
        const auto first = oidc.authorize(params, std::nullopt);
        REQUIRE_FALSE(first.problem);
        const auto id = param(first.redirect.location, "auth_request");
        REQUIRE_FALSE(id.empty());
        const auto tokens = sessions.login("184027512345674", "Ancien-Mot2passe!");
        REQUIRE(tokens);
        const auto resume = oidc.accept(id, tokens->access_token);
        REQUIRE(resume);
        const auto back = oidc.resume(param(*resume, "token"));
        REQUIRE(back.redirect.set_cookie);
        cookie = *back.redirect.set_cookie;
        return back.redirect.location;
    }
    OAuthResult<TokenResponse> exchange(const std::string& code, const std::string& verifier = kVerifier) {
        return oidc.token({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", "https://avantage.exemple.fr/cb"},
                           {"code_verifier", verifier}},
                          credentials);
    }
};

}  // namespace

TEST_CASE("the code flow: the portal accepts, the site exchanges its code once", "[service][oidc]") {
    Provider p;
    std::string cookie;
    const auto back = p.sign_in(request_params(), cookie);
    CHECK(back.rfind("https://avantage.exemple.fr/cb?code=", 0) == 0);
    CHECK(param(back, "state") == "st");
    CHECK(param(back, "iss") == "https://guichet.exemple.fr");
    const auto code = param(back, "code");

    CHECK(p.exchange(code, kVerifier + "x").error().error == "invalid_grant");  // PKCE: tried once, right or wrong

    // Single sign-on: the cookie's session answers the next request at once.
    const auto again = p.oidc.authorize(request_params(), cookie);
    const auto code2 = param(again.redirect.location, "code");
    REQUIRE_FALSE(code2.empty());
    const auto tokens = p.exchange(code2);
    REQUIRE(tokens);
    REQUIRE(tokens->id_token);
    const auto id = p.keys.id_token_claims(*tokens->id_token);
    REQUIRE(id);
    CHECK(id->aud == "avantage");
    CHECK(id->iss == "https://guichet.exemple.fr");
    CHECK(p.oidc.userinfo(tokens->access_token)->sub == id->sub);

    // A code used twice revokes what it gave.
    CHECK(p.exchange(code2).error().error == "invalid_grant");
    CHECK(p.oidc.userinfo(tokens->access_token).error().status == 401);
    CHECK_FALSE(p.oidc.token({{"grant_type", "refresh_token"}, {"refresh_token", tokens->refresh_token}}, p.credentials));
}

TEST_CASE("refresh tokens rotate, and a reused one revokes its family", "[service][oidc]") {
    Provider p;
    std::string cookie;
    const auto tokens = p.exchange(param(p.sign_in(request_params(), cookie), "code"));
    REQUIRE(tokens);
    const auto refresh = [&](const std::string& token) {
        return p.oidc.token({{"grant_type", "refresh_token"}, {"refresh_token", token}}, p.credentials);
    };
    const auto second = refresh(tokens->refresh_token);
    REQUIRE(second);
    CHECK_FALSE(second->id_token);
    CHECK(second->refresh_token != tokens->refresh_token);
    CHECK(refresh(tokens->refresh_token).error().description.find("revoked") != std::string::npos);  // reuse
    CHECK_FALSE(refresh(second->refresh_token));
    CHECK(p.oidc.userinfo(second->access_token).error().status == 401);
}

TEST_CASE("clients authenticate, and a public one only with PKCE", "[service][oidc]") {
    Provider p;
    std::string cookie;
    const auto code = param(p.sign_in(request_params(), cookie), "code");
    const auto form = std::map<std::string, std::string>{{"grant_type", "authorization_code"}, {"code", code},
                                                         {"redirect_uri", "https://avantage.exemple.fr/cb"}, {"code_verifier", kVerifier}};
    CHECK(p.oidc.token(form, {"avantage", std::string(40, 'x'), true}).error().error == "invalid_client");
    CHECK(p.oidc.token(form, {"avantage", std::nullopt, false}).error().error == "invalid_client");
    CHECK(p.oidc.token(form, {"nobody", std::string(40, 's'), false}).error().error == "invalid_client");
    CHECK(p.oidc.token({{"grant_type", "password"}}, p.credentials).error().error == "unsupported_grant_type");
}

TEST_CASE("the portal cannot accept for a session with required actions, nor an old one under prompt=login", "[service][oidc]") {
    Provider p;
    const auto tokens = p.sessions.login("184027512345674", "Ancien-Mot2passe!");
    REQUIRE(tokens);
    p.clock.t += std::chrono::minutes(1);
    const auto first = p.oidc.authorize(request_params({{"prompt", "login"}}), std::nullopt);
    const auto id = param(first.redirect.location, "auth_request");
    CHECK(p.oidc.accept(id, tokens->access_token).error().error.code == ErrorCode::reauthentication_required);
    CHECK(p.oidc.auth_request(id));  // still pending: a new login may accept it
    const auto fresh = p.sessions.login("184027512345674", "Ancien-Mot2passe!");
    CHECK(p.oidc.accept(id, fresh->access_token));
    CHECK(p.oidc.accept(id, fresh->access_token).error().error.code == ErrorCode::auth_request_used);

    const auto late = p.oidc.authorize(request_params(), std::nullopt);
    const auto late_id = param(late.redirect.location, "auth_request");
    p.clock.t += kAuthRequestLifetime;
    const auto expired = p.oidc.auth_request(late_id);
    REQUIRE_FALSE(expired);
    CHECK(expired.error().error.code == ErrorCode::auth_request_expired);
    CHECK(expired.error().redirect_to.find("error=access_denied") != std::string::npos);  // back to the site, to start again
}

TEST_CASE("prompt=none answers login_required without a session, and logout ends the single sign-on", "[service][oidc]") {
    Provider p;
    const auto none = p.oidc.authorize(request_params({{"prompt", "none"}}), std::nullopt);
    CHECK(param(none.redirect.location, "error") == "login_required");
    std::string cookie;
    const auto tokens = p.exchange(param(p.sign_in(request_params(), cookie), "code"));
    REQUIRE(tokens);
    const auto bye = p.oidc.logout({{{"id_token_hint", *tokens->id_token}, {"post_logout_redirect_uri", "https://avantage.exemple.fr/bye"},
                                     {"state", "s9"}}},
                                   cookie);
    REQUIRE_FALSE(bye.problem);
    CHECK(bye.redirect.location == "https://avantage.exemple.fr/bye?state=s9");
    CHECK(bye.redirect.clear_cookie);
    CHECK(param(p.oidc.authorize(request_params({{"prompt", "none"}}), cookie).redirect.location, "error") == "login_required");
    CHECK(p.oidc.logout({{{"id_token_hint", *tokens->id_token}, {"post_logout_redirect_uri", "https://evil.example/"}}}, cookie).problem);
}

// Found by the app fuzzer: a repeated form parameter whose name decodes to bytes that are not
// UTF-8 was named in the error's JSON, which cannot hold them: a 500.
TEST_CASE("the token endpoint answers a form with a repeated, undecodable name with invalid_request", "[api][oidc]") {
    AppFixture f;
    const auto r = f.call("POST", "/oauth2/token", "grant_type=refresh_token&%FF%FE=1&%FF%FE=2",
                          {{"content-type", "application/x-www-form-urlencoded"}});
    CHECK(r.status == 400);
    CHECK(r.content_type == "application/json");
    CHECK(nlohmann::json::parse(r.body).value("error", "") == "invalid_request");
    const auto named = f.call("POST", "/oauth2/token", "grant_type=a&grant_type=b", {{"content-type", "application/x-www-form-urlencoded"}});
    CHECK(nlohmann::json::parse(named.body).value("error_description", "") == "parameter repeated: grant_type");
}

// Found by the app fuzzer: libcjose's base64 decoder asserts on a part of 4n+1 characters, so a
// malformed id_token_hint aborted the process. Such tokens are refused before libcjose sees them.
TEST_CASE("malformed id_token_hints are refused without reaching libcjose's decoder", "[infra][oidc]") {
    infra::JwsSigner access{infra::signing_key_from_seed({9})};
    const infra::OidcKeys keys(infra::generate_rsa_jwk(), access);
    for (const char* token : {"eyJhbGcit", "eyJhbGci.e30.x", "a.b", "a.b.c.d", "..", "eyJhbGciOiJSUzI1NiJ9.e30.", "eyJ hbGc.e30.abcd"})
        CHECK_FALSE(keys.id_token_claims(token));
    IdTokenClaims claims;
    claims.iss = "https://guichet.exemple.fr";
    claims.aud = "avantage";
    CHECK(keys.id_token_claims(keys.sign_id_token(claims))->aud == "avantage");
}
