// Service: login with the legacy NIR identifier, lockout, sessions, refresh rotation (issue 4).
#include <catch2/catch.hpp>

#include "infra/crypto/jwt_signer.hpp"
#include "service/accounts/account_import.hpp"
#include "service/members/member_import.hpp"
#include "service/sessions/sessions.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

struct Fixture {
    FakeUnitOfWork uow;
    FixedClock clock = test_clock();
    SequenceRandom random;
    PlainHasher hasher;
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {9}}, "https://espace.exemple.fr"};
    Sessions sessions{uow, hasher, signer, random, clock, test_rules()};
    Fixture() {
        MemberImport members(uow, clock);
        REQUIRE(members.run(kAgent, {{2, sample_record()}}));
        // The fake hasher's format (the real import accepts only Argon2id and bcrypt hashes).
        uow.run([&](Transaction& tx) {
            tx.accounts().create_legacy(LegacyAccount{*Nir::parse("184027512345674"), std::string("plain$Ancien-Mot2passe!"),
                                                      false, std::nullopt, true});
        });
    }
};

}  // namespace

TEST_CASE("login with the NIR, with or without its key, opens a session", "[service][sessions]") {
    Fixture f;
    for (const char* nir : {"184027512345674", "1840275123456", " 1 84 02 75 123 456 74 "}) {
        INFO(nir);
        auto tokens = f.sessions.login(nir, "Ancien-Mot2passe!");
        REQUIRE(tokens);
        // Seed 002: the NIR may no longer identify members; the session is held to the switch.
        CHECK(tokens->required_actions == std::vector{RequiredAction::switch_identifier});
        CHECK(tokens->offered_actions.empty());
        CHECK(tokens->expires_in == std::chrono::minutes(15));
        CHECK(f.sessions.authenticate(tokens->access_token).error().code == ErrorCode::forbidden);
        auto session = f.sessions.authenticate(tokens->access_token, Sessions::Scope::required_actions);
        REQUIRE(session);
        auto me = f.sessions.me(tokens->access_token);
        REQUIRE(me);
        CHECK(me->masked_nir == "1 84 •• •• ••• ••• 74");
        CHECK(me->identifier_kind == "nir");
        CHECK(me->required_actions == std::vector{RequiredAction::switch_identifier});
        CHECK(me->offered_actions.empty());
    }
}

TEST_CASE("with the identifier switch only offered, a NIR login opens a full session that offers it", "[service][sessions]") {
    Fixture f;
    Sessions offered{f.uow, f.hasher, f.signer, f.random, f.clock, offered_switch_rules()};
    auto tokens = offered.login("184027512345674", "Ancien-Mot2passe!");
    REQUIRE(tokens);
    CHECK(tokens->required_actions.empty());
    CHECK(tokens->offered_actions == std::vector{RequiredAction::switch_identifier});
    CHECK(offered.authenticate(tokens->access_token));
    auto me = offered.me(tokens->access_token);
    REQUIRE(me);
    CHECK(me->offered_actions == std::vector{RequiredAction::switch_identifier});
}

TEST_CASE("wrong password and unknown identifier answer the same, 3 failures lock", "[service][sessions][lockout]") {
    Fixture f;
    auto unknown = f.sessions.login("269029935004220", "x");
    auto wrong = f.sessions.login("184027512345674", "x");
    REQUIRE_FALSE(unknown);
    REQUIRE_FALSE(wrong);
    CHECK(unknown.error().code == ErrorCode::invalid_credentials);
    CHECK(wrong.error().code == ErrorCode::invalid_credentials);
    CHECK(unknown.error().detail == wrong.error().detail);
    CHECK(f.hasher.dummy_checks == 1);  // the unknown one still spent a hash check

    CHECK(f.sessions.login("184027512345674", "y").error().code == ErrorCode::invalid_credentials);
    CHECK(f.sessions.login("184027512345674", "z").error().code == ErrorCode::invalid_credentials);  // third failure
    auto locked = f.sessions.login("184027512345674", "Ancien-Mot2passe!");  // even the right password
    REQUIRE_FALSE(locked);
    CHECK(locked.error().code == ErrorCode::account_locked);
    // Unknown identifiers lock the same way.
    f.sessions.login("269029935004220", "x");
    f.sessions.login("269029935004220", "x");
    CHECK(f.sessions.login("269029935004220", "x").error().code == ErrorCode::account_locked);
}

TEST_CASE("a success resets the failure count", "[service][sessions][lockout]") {
    Fixture f;
    f.sessions.login("184027512345674", "x");
    f.sessions.login("184027512345674", "y");
    REQUIRE(f.sessions.login("184027512345674", "Ancien-Mot2passe!"));
    f.sessions.login("184027512345674", "x");
    f.sessions.login("184027512345674", "y");
    CHECK(f.sessions.login("184027512345674", "Ancien-Mot2passe!"));
}

TEST_CASE("a refresh does not clear the failure count (only a login, an unlock or a reset does)", "[service][sessions][lockout]") {
    Fixture f;
    auto tokens = f.sessions.login("184027512345674", "Ancien-Mot2passe!");
    REQUIRE(tokens);
    f.sessions.login("184027512345674", "x");
    f.sessions.login("184027512345674", "y");
    f.sessions.login("184027512345674", "z");  // the third failure
    REQUIRE(f.sessions.refresh(tokens->refresh_token));  // a session still alive may go on refreshing…
    CHECK(f.sessions.login("184027512345674", "Ancien-Mot2passe!").error().code == ErrorCode::account_locked);  // …the lock holds
}

TEST_CASE("a hash made with other parameters is replaced at login", "[service][sessions]") {
    Fixture f;
    REQUIRE(f.sessions.login("184027512345674", "Ancien-Mot2passe!"));
    // PlainHasher hashes to "plain$…" and wants no rehash of those: nothing changed.
    CHECK(f.uow.accounts().at("184027512345674").account.nir_password_hash == "plain$Ancien-Mot2passe!");
    CHECK(f.uow.accounts().at("184027512345674").account.has_logged_in);
}

TEST_CASE("refresh rotates, a reused refresh token revokes the session, logout ends it", "[service][sessions]") {
    Fixture f;
    auto first = f.sessions.login("184027512345674", "Ancien-Mot2passe!");
    REQUIRE(first);
    auto second = f.sessions.refresh(first->refresh_token);
    REQUIRE(second);
    CHECK(second->refresh_token != first->refresh_token);
    const auto restricted = Sessions::Scope::required_actions;  // the NIR session waits for the switch
    CHECK(f.sessions.authenticate(second->access_token, restricted));
    CHECK(second->required_actions == std::vector{RequiredAction::switch_identifier});

    auto reuse = f.sessions.refresh(first->refresh_token);
    REQUIRE_FALSE(reuse);
    CHECK(reuse.error().code == ErrorCode::unauthorized);
    CHECK_FALSE(f.sessions.authenticate(second->access_token, restricted));  // the whole session is gone
    CHECK_FALSE(f.sessions.refresh(second->refresh_token));
    CHECK_FALSE(f.sessions.refresh("never-issued"));

    auto other = f.sessions.login("184027512345674", "Ancien-Mot2passe!");
    REQUIRE(other);
    auto session = f.sessions.authenticate(other->access_token, restricted);
    REQUIRE(session);
    REQUIRE(f.sessions.logout(*session));
    CHECK_FALSE(f.sessions.authenticate(other->access_token, restricted));
    CHECK_FALSE(f.sessions.authenticate("garbage"));
}

TEST_CASE("a temporary password gives a session restricted to the required actions", "[service][sessions]") {
    FakeUnitOfWork uow;
    auto clock = test_clock();
    SequenceRandom random;
    PlainHasher hasher;
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {9}}, "https://espace.exemple.fr"};
    MemberImport members(uow, clock);
    REQUIRE(members.run(kAgent, {{2, sample_record()}}));
    AccountImport accounts(uow, hasher, random, clock);
    REQUIRE(accounts.run(kAgent, {"184027512345674", std::nullopt, false, false, std::nullopt}));
    const auto password = uow.outbox().at(0).params.at("password");
    Sessions sessions(uow, hasher, signer, random, clock, test_rules());
    auto tokens = sessions.login("184027512345674", password);
    REQUIRE(tokens);
    CHECK(tokens->required_actions == std::vector{RequiredAction::change_password, RequiredAction::confirm_contacts,
                                                  RequiredAction::verify_email, RequiredAction::switch_identifier});
    // Until they are done, the token opens only the routes of those actions (and /v1/me, logout).
    auto full = sessions.authenticate(tokens->access_token);
    REQUIRE_FALSE(full);
    CHECK(full.error().code == ErrorCode::forbidden);
    CHECK(full.error().detail.find("change_password") != std::string::npos);
    auto session = sessions.authenticate(tokens->access_token, Sessions::Scope::required_actions);
    REQUIRE(session);
    CHECK(session->claims.required_actions.size() == 4);

    FixedClock later(clock.now() + std::chrono::hours(24 * 31));  // letters' passwords live 30 days
    Sessions expired(uow, hasher, signer, random, later, test_rules());
    CHECK(expired.login("184027512345674", password).error().code == ErrorCode::invalid_credentials);
}

TEST_CASE("an account without a password answers password_not_created", "[service][sessions]") {
    FakeUnitOfWork uow;
    auto clock = test_clock();
    MemberImport members(uow, clock);
    REQUIRE(members.run(kAgent, {{2, sample_record()}}));
    uow.run([&](Transaction& tx) { tx.accounts().create_legacy(LegacyAccount{*Nir::parse("184027512345674"), std::nullopt, false, std::nullopt, false}); });
    SequenceRandom random;
    PlainHasher hasher;
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {9}}, "https://espace.exemple.fr"};
    Sessions sessions(uow, hasher, signer, random, clock, test_rules());
    CHECK(sessions.login("184027512345674", "x").error().code == ErrorCode::password_not_created);
}

TEST_CASE("access tokens verify with the published keys and expire after 15 minutes", "[service][sessions]") {
    Fixture f;
    auto tokens = f.sessions.login("184027512345674", "Ancien-Mot2passe!");
    REQUIRE(tokens);
    CHECK(f.signer.verify(tokens->access_token, f.clock.now() + std::chrono::minutes(14)));
    CHECK_FALSE(f.signer.verify(tokens->access_token, f.clock.now() + std::chrono::minutes(16)));
    infra::JwtSigner other{infra::SigningKey{.kid = "", .seed = {10}}, "https://espace.exemple.fr"};
    CHECK_FALSE(other.verify(tokens->access_token, f.clock.now()));
    CHECK(f.signer.jwks()["keys"][0]["crv"] == "Ed25519");
}

TEST_CASE("simultaneous logins of one member never lock them for good", "[service][sessions][lockout]") {
    // Attempts in flight are counted: 5 logins started together leave 2 refused for now, but the
    // first success clears the count (a success is always an attempt counted within the limit).
    Fixture f;
    std::vector<int> counted;
    for (int i = 0; i < 5; ++i) f.uow.run([&](Transaction& tx) { counted.push_back(tx.throttle().count_attempt({"1840275123456"})); });
    CHECK(counted == std::vector{1, 2, 3, 4, 5});  // capped at 5: the first refusal (4) is told apart
    f.uow.run([&](Transaction& tx) { tx.throttle().clear_after_success({"1840275123456"}); });  // attempt 1 succeeded
    CHECK(f.sessions.login("184027512345674", "Ancien-Mot2passe!"));
}

TEST_CASE("a session's requests are limited (SPEC.md §2: 600 a minute), each session on its own", "[service][sessions][limits]") {
    Fixture f;
    auto tokens = f.sessions.login("184027512345674", "Ancien-Mot2passe!");
    REQUIRE(tokens);
    auto other = f.sessions.login("184027512345674", "Ancien-Mot2passe!");
    REQUIRE(other);
    const auto scope = Sessions::Scope::required_actions;
    for (int i = 0; i < 300; ++i) REQUIRE(f.sessions.authenticate(tokens->access_token, scope));
    for (int i = 0; i < 300; ++i) REQUIRE(f.sessions.me(tokens->access_token));
    const auto refused = f.sessions.authenticate(tokens->access_token, scope);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::rate_limited);
    REQUIRE(refused.error().limit);
    CHECK(refused.error().limit->policy == "session");
    CHECK(refused.error().limit->decision.retry_after == std::chrono::seconds(1));  // one back every 100 ms
    CHECK(f.sessions.me(tokens->access_token).error().code == ErrorCode::rate_limited);
    CHECK(f.sessions.authenticate(other->access_token, scope));
}

TEST_CASE("a token's scope is read from its session, not trusted from the token", "[service][sessions]") {
    Fixture f;
    auto tokens = f.sessions.login("184027512345674", "Ancien-Mot2passe!");
    REQUIRE(tokens);
    REQUIRE(tokens->required_actions == std::vector{RequiredAction::switch_identifier});
    auto session = f.sessions.authenticate(tokens->access_token, Sessions::Scope::required_actions);
    REQUIRE(session);
    CHECK_FALSE(f.sessions.authenticate(tokens->access_token));  // restricted
    // The session's actions done elsewhere: the same token now opens everything, and /v1/me says so.
    f.uow.run([&](Transaction& tx) { tx.sessions().set_required_actions(session->claims.session_id, {}); });
    CHECK(f.sessions.authenticate(tokens->access_token));
    const auto me = f.sessions.me(tokens->access_token);
    REQUIRE(me);
    CHECK(me->required_actions.empty());
    CHECK(me->offered_actions == std::vector{RequiredAction::switch_identifier});
    // And the other way: actions added to the session hold a token signed without them.
    f.uow.run([&](Transaction& tx) { tx.sessions().set_required_actions(session->claims.session_id, {RequiredAction::change_password}); });
    const auto held = f.sessions.authenticate(tokens->access_token);
    REQUIRE_FALSE(held);
    CHECK(held.error().code == ErrorCode::forbidden);
    CHECK(f.sessions.me(tokens->access_token)->required_actions == std::vector{RequiredAction::change_password});
}
