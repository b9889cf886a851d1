// Service: new password from an email link, change while logged in, personalisation of a
// temporary password (seeds 000, 002, 004; issue 5).
#include <catch2/catch.hpp>

#include <set>

#include <algorithm>

#include "infra/crypto/jwt_signer.hpp"
#include "service/accounts/account_import.hpp"
#include "service/members/member_import.hpp"
#include "service/passwords/password_change.hpp"
#include "service/registration/registration.hpp"
#include "infra/flows/json_flow_data.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

constexpr const char* kPassword = "Vacances-Ete2026!";
constexpr const char* kNewPassword = "Automne-Pluie2027?";

struct Fixture {
    FakeUnitOfWork uow;
    FixedClock clock = test_clock();
    SequenceRandom random;
    PlainHasher hasher;
    PasswordStrengthCheck strength{PasswordPolicy{}};
    infra::JsonFlowDataCodec flow_codec;
    Flows flows{uow, clock, flow_codec};
    Registration registration{uow, flows, hasher, strength, random, clock, test_rules()};
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {9}}, "https://espace.exemple.fr"};
    // The identifier switch only offered: these tests are about the password and the contacts
    // (identifier_switch_test.cpp holds the switch to its turn).
    Sessions sessions{uow, hasher, signer, random, clock, offered_switch_rules()};
    PasswordChange change{uow, hasher, strength, sessions, clock, test_rules()};

    Fixture() {
        uow.clock = &clock;
        MemberImport members(uow, clock);
        REQUIRE(members.run(kAgent, {{2, sample_record()}, {3, sample_record("269029935004220")}}));
    }
    // Jean Martin registers with a Connect identity (secret answer "Quimper") and activates it.
    void register_jean() {
        auto flow = registration.start("1840275123456");
        REQUIRE(flow);
        REQUIRE(registration.submit_identity(flow->id, IdentityStep{"new", "jean.martin@exemple.fr", kPassword, std::string(kPassword),
                                                                    std::string("birth_city"), std::string("Quimper")}));
        REQUIRE(registration.submit_personal_info(flow->id, PersonalInfoStep{"74", "Martin", "29/02/1984", std::nullopt, std::nullopt}));
        REQUIRE(registration.activate(last(MessageKind::activation_link).params.at("token")));
    }
    const OutgoingMessage& last(MessageKind kind) {
        for (auto it = uow.outbox().rbegin(); it != uow.outbox().rend(); ++it)
            if (it->kind == kind) return *it;
        FAIL("no such message");
        return uow.outbox().back();
    }
    std::size_t count(MessageKind kind) {
        std::size_t n = 0;
        for (const auto& m : uow.outbox()) n += m.kind == kind;
        return n;
    }
    AuthenticatedSession session_of(const SessionTokens& tokens) {
        auto s = sessions.authenticate(tokens.access_token, Sessions::Scope::required_actions);
        REQUIRE(s);
        return *s;
    }
};

}  // namespace

TEST_CASE("a locked Connect identity resets its password by the mailed link, with its secret answer", "[service][passwords]") {
    Fixture f;
    f.register_jean();
    for (int i = 0; i < 4; ++i) f.sessions.login("jean.martin@exemple.fr", "faux");
    REQUIRE(f.sessions.login("jean.martin@exemple.fr", kPassword).error().code == ErrorCode::connect_identity_locked);
    const auto token = f.last(MessageKind::reset_link).params.at("token");

    NewPassword good{kNewPassword, kNewPassword};
    CHECK(f.change.reset(token, good, std::nullopt).error().code == ErrorCode::validation_error);  // the answer is asked
    auto wrong = f.change.reset(token, good, std::string("Brest"));
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == ErrorCode::identity_check_failed);
    CHECK(f.change.reset(token, NewPassword{"Martin1984!", "Martin1984!"}, std::string("quimper")).error().code ==
          ErrorCode::password_too_weak);
    CHECK(f.change.reset(token, NewPassword{kNewPassword, "Autre"}, std::string("quimper")).error().code == ErrorCode::password_mismatch);
    CHECK(f.sessions.login("jean.martin@exemple.fr", kPassword).error().code == ErrorCode::connect_identity_locked);  // still

    auto done = f.change.reset(token, good, std::string(" QUIMPER "));  // case and spaces do not matter
    REQUIRE(done);
    REQUIRE(done->session);
    CHECK(f.sessions.authenticate(done->session->access_token));
    CHECK(f.count(MessageKind::password_changed) == 2);  // the member's known contacts: email and mobile
    CHECK(f.change.reset(token, good, std::string("quimper")).error().code == ErrorCode::link_expired);  // single use

    // Unlocked, with the new password only.
    CHECK(f.sessions.login("jean.martin@exemple.fr", kPassword).error().code == ErrorCode::invalid_credentials);
    CHECK(f.sessions.login("jean.martin@exemple.fr", kNewPassword));
}

TEST_CASE("five wrong secret answers kill the reset link", "[service][passwords]") {
    Fixture f;
    f.register_jean();
    for (int i = 0; i < 4; ++i) f.sessions.login("jean.martin@exemple.fr", "faux");
    const auto token = f.last(MessageKind::reset_link).params.at("token");
    NewPassword good{kNewPassword, kNewPassword};
    for (int i = 1; i < PasswordChange::kSecretAnswerTries; ++i)
        CHECK(f.change.reset(token, good, std::string("Brest")).error().code == ErrorCode::identity_check_failed);
    CHECK(f.change.reset(token, good, std::string("Brest")).error().code == ErrorCode::too_many_attempts);
    CHECK(f.change.reset(token, good, std::string("Quimper")).error().code == ErrorCode::link_expired);
}

TEST_CASE("a wrong current password is a failed login: recorded, and the third locks", "[service][passwords][security]") {
    Fixture f;
    f.register_jean();
    auto login = f.sessions.login("jean.martin@exemple.fr", kPassword);
    REQUIRE(login);
    const auto session = f.session_of(*login);
    const NewPassword good{kNewPassword, kNewPassword};
    const auto count = [&](SecurityEventKind kind) {
        return std::ranges::count_if(f.uow.events(), [&](const RecordedSecurityEvent& e) { return e.event.kind == kind; });
    };
    for (int i = 0; i < 3; ++i)
        CHECK(f.change.change(session, std::string("faux"), good).error().code == ErrorCode::invalid_credentials);
    CHECK(count(SecurityEventKind::login_failed) == 3);
    CHECK(count(SecurityEventKind::account_locked) == 1);
    CHECK(f.change.change(session, std::string(kPassword), good).error().code == ErrorCode::connect_identity_locked);
}

TEST_CASE("change the password while logged in: the current one, the rules, a notice, other sessions ended",
          "[service][passwords]") {
    Fixture f;
    f.register_jean();
    auto phone = f.sessions.login("jean.martin@exemple.fr", kPassword);
    auto laptop = f.sessions.login("jean.martin@exemple.fr", kPassword);
    REQUIRE(phone);
    REQUIRE(laptop);
    const auto session = f.session_of(*laptop);
    NewPassword good{kNewPassword, kNewPassword};
    CHECK(f.change.change(session, std::nullopt, good).error().code == ErrorCode::validation_error);
    CHECK(f.change.change(session, std::string("faux"), good).error().code == ErrorCode::invalid_credentials);
    CHECK(f.change.change(session, std::string(kPassword), NewPassword{kPassword, kPassword}).error().code ==
          ErrorCode::password_policy);  // not the same again
    CHECK(f.change.change(session, std::string(kPassword), NewPassword{"Martin1984!", "Martin1984!"}).error().code ==
          ErrorCode::password_too_weak);
    auto changed = f.change.change(session, std::string(kPassword), good);
    REQUIRE(changed);
    CHECK(changed->other_sessions_ended == 1);
    CHECK(changed->access.required_actions.empty());
    CHECK_FALSE(f.sessions.authenticate(phone->access_token));  // the other session is over
    CHECK(f.sessions.authenticate(laptop->access_token));        // not this one
    CHECK(f.count(MessageKind::password_changed) == 2);  // SPEC.md §8: the known contacts, email and mobile
    std::set<std::string> told;
    for (const auto& m : f.uow.outbox())
        if (m.kind == MessageKind::password_changed) told.insert(m.recipient);
    CHECK(told == std::set<std::string>{"jean.martin@exemple.fr", "+33612345678"});
    CHECK(f.sessions.login("jean.martin@exemple.fr", kNewPassword));
}

TEST_CASE("a temporary password is personalised without the current one, then the session moves on", "[service][passwords]") {
    Fixture f;
    AccountImport import(f.uow, f.hasher, f.random, f.clock);
    REQUIRE(import.run(kAgent, {"184027512345674", std::nullopt, false, false, std::nullopt}));
    const auto temporary = f.last(MessageKind::temporary_password).params.at("password");
    auto tokens = f.sessions.login("184027512345674", temporary);
    REQUIRE(tokens);
    const auto session = f.session_of(*tokens);
    CHECK(f.change.change(session, std::nullopt, NewPassword{temporary, temporary}).error().code ==
          ErrorCode::password_policy);  // a new one
    auto changed = f.change.change(session, std::nullopt, NewPassword{kNewPassword, kNewPassword});
    REQUIRE(changed);
    CHECK(changed->access.required_actions == std::vector{RequiredAction::confirm_contacts, RequiredAction::verify_email});
    // The new token still opens only what remains; the password step is done.
    CHECK(f.sessions.authenticate(changed->access.access_token).error().code == ErrorCode::forbidden);
    auto next = f.sessions.authenticate(changed->access.access_token, Sessions::Scope::required_actions);
    REQUIRE(next);
    CHECK(f.change.change(*next, std::nullopt, NewPassword{"Hiver-Neige2028!", "Hiver-Neige2028!"}).error().code ==
          ErrorCode::forbidden);
    // The password is no longer temporary, but the contacts and the email are still to confirm.
    auto again = f.sessions.login("184027512345674", kNewPassword);
    REQUIRE(again);
    CHECK(again->required_actions == std::vector{RequiredAction::confirm_contacts, RequiredAction::verify_email});
}
