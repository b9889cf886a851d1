// Service: the first-login personalisation of seed 004, in order: password, contacts, email code.
#include <catch2/catch.hpp>

#include "infra/crypto/jwt_signer.hpp"
#include "service/accounts/account_import.hpp"
#include "service/members/member_import.hpp"
#include "service/passwords/password_change.hpp"
#include "service/personalisation/contact_details.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

struct Fixture {
    FakeUnitOfWork uow;
    SettableClock clock;
    SequenceRandom random;
    PlainHasher hasher;
    PasswordStrengthCheck strength{PasswordPolicy{}};
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {9}}, "https://espace.exemple.fr"};
    // The identifier switch only offered: these tests are about the password and the contacts
    // (identifier_switch_test.cpp holds the switch to its turn).
    Sessions sessions{uow, hasher, signer, random, clock, offered_switch_rules()};
    PasswordChange passwords{uow, hasher, strength, sessions, clock, test_rules()};
    ContactDetails contacts{uow, sessions, hasher, random, clock, test_rules()};
    std::string temporary;

    Fixture() {
        uow.clock = &clock;
        MemberImport members(uow, clock);
        REQUIRE(members.run(kAgent, {{2, sample_record()}}));
        AccountImport import(uow, hasher, random, clock);
        REQUIRE(import.run(kAgent, {"184027512345674", std::nullopt, false, false, std::nullopt}));
        temporary = last(MessageKind::temporary_password).params.at("password");
    }
    const OutgoingMessage& last(MessageKind kind) {
        for (auto it = uow.outbox().rbegin(); it != uow.outbox().rend(); ++it)
            if (it->kind == kind) return *it;
        FAIL("no such message");
        return uow.outbox().back();
    }
    AuthenticatedSession session(const std::string& access) {
        auto s = sessions.authenticate(access, Sessions::Scope::required_actions);
        REQUIRE(s);
        return *s;
    }
    ContactsInput input() { return {"jean.nouveau@exemple.fr", std::string("06 11 22 33 44"), std::nullopt, std::string("0145678911")}; }
};

}  // namespace

TEST_CASE("first login: password, then contacts, then the email code, and only then a full session", "[service][personalisation]") {
    Fixture f;
    auto tokens = f.sessions.login("184027512345674", f.temporary);
    REQUIRE(tokens);
    auto s1 = f.session(tokens->access_token);
    CHECK(f.contacts.confirm(s1, f.input()).error().code == ErrorCode::forbidden);  // the password comes first
    CHECK(f.contacts.send_email_code(s1).error().code == ErrorCode::forbidden);

    auto after_password = f.passwords.change(s1, std::nullopt, NewPassword{"Automne-Pluie2027?", "Automne-Pluie2027?"});
    REQUIRE(after_password);
    auto s2 = f.session(after_password->access.access_token);
    CHECK(f.contacts.send_email_code(s2).error().code == ErrorCode::forbidden);  // contacts before the email
    auto bad = f.input();
    bad.mobile_phone = "06 ABC";
    CHECK(f.contacts.confirm(s2, bad).error().code == ErrorCode::invalid_phone);
    auto after_contacts = f.contacts.confirm(s2, f.input());
    REQUIRE(after_contacts);
    CHECK(after_contacts->required_actions == std::vector{RequiredAction::verify_email});

    auto s3 = f.session(after_contacts->access_token);
    auto sent = f.contacts.send_email_code(s3);
    REQUIRE(sent);
    CHECK(sent->destination == "j•••@exemple.fr");
    const auto& mail = f.last(MessageKind::email_verification_code);
    CHECK(mail.recipient == "jean.nouveau@exemple.fr");
    const auto code = mail.params.at("code");
    CHECK(code.size() == 4);
    CHECK(f.contacts.send_email_code(s3).error().code == ErrorCode::rate_limited);

    const std::string wrong = code == "0000" ? "1111" : "0000";
    auto first = f.contacts.confirm_email_code(s3, wrong);
    REQUIRE_FALSE(first);
    CHECK(first.error().code == ErrorCode::code_invalid);
    auto verified = f.contacts.confirm_email_code(s3, code);
    REQUIRE(verified);
    CHECK(verified->required_actions.empty());
    CHECK(f.sessions.authenticate(verified->access_token));  // a full session at last
    auto me = f.sessions.me(verified->access_token);
    REQUIRE(me);
    CHECK(me->member.email->value() == "jean.nouveau@exemple.fr");
    CHECK(me->member.mobile_phone->e164() == "+33611223344");
    REQUIRE(me->fax);
    CHECK(me->fax->e164() == "+33145678911");

    auto next = f.sessions.login("184027512345674", "Automne-Pluie2027?");
    REQUIRE(next);
    CHECK(next->required_actions.empty());
}

TEST_CASE("an email code: 5 tries, then dead, expired after 30 minutes, a new one after the cooldown", "[service][personalisation]") {
    Fixture f;
    auto tokens = f.sessions.login("184027512345674", f.temporary);
    auto s1 = f.session(tokens->access_token);
    auto s2 = f.session(f.passwords.change(s1, std::nullopt, NewPassword{"Automne-Pluie2027?", "Automne-Pluie2027?"})->access.access_token);
    auto s3 = f.session(f.contacts.confirm(s2, f.input())->access_token);
    REQUIRE(f.contacts.send_email_code(s3));
    const auto code = f.last(MessageKind::email_verification_code).params.at("code");
    const std::string wrong = code == "0000" ? "1111" : "0000";
    for (int left = 4; left >= 1; --left) {
        auto r = f.contacts.confirm_email_code(s3, wrong);
        CHECK(r.error().code == ErrorCode::code_invalid);
        CHECK(r.error().detail.find(std::to_string(left)) != std::string::npos);
    }
    CHECK(f.contacts.confirm_email_code(s3, wrong).error().code == ErrorCode::too_many_attempts);
    CHECK(f.contacts.confirm_email_code(s3, code).error().code == ErrorCode::too_many_attempts);  // dead, even right

    f.clock.t += std::chrono::minutes(2);
    REQUIRE(f.contacts.send_email_code(s3));
    f.clock.t += std::chrono::minutes(31);
    const auto late = f.last(MessageKind::email_verification_code).params.at("code");
    CHECK(f.contacts.confirm_email_code(s3, late).error().code == ErrorCode::code_expired);

    // The session ended half-way: the next login still asks for the email.
    auto again = f.sessions.login("184027512345674", "Automne-Pluie2027?");
    REQUIRE(again);
    CHECK(again->required_actions == std::vector{RequiredAction::verify_email});
}

TEST_CASE("confirmed contacts: a new email or mobile needs the current password and tells the previous ones", "[service][personalisation][abuse]") {
    Fixture f;
    // Through the first login: password, contacts, email; then a full session.
    auto tokens = f.sessions.login("184027512345674", f.temporary);
    REQUIRE(tokens);
    auto s = f.session(tokens->access_token);
    auto step = f.passwords.change(s, std::nullopt, NewPassword{"Automne-Pluie2027?", "Automne-Pluie2027?"});
    REQUIRE(step);
    s = f.session(step->access.access_token);
    auto contacts = f.contacts.confirm(s, f.input());
    REQUIRE(contacts);
    s = f.session(contacts->access_token);
    REQUIRE(f.contacts.send_email_code(s));
    auto verified = f.contacts.confirm_email_code(s, f.last(MessageKind::email_verification_code).params.at("code"));
    REQUIRE(verified);
    s = f.session(verified->access_token);
    const auto notices = [&] {
        std::vector<std::string> to;
        for (const auto& m : f.uow.outbox())
            if (m.kind == MessageKind::contacts_changed) to.push_back(m.recipient);
        return to;
    };

    // The landline and the fax change freely; the same email and mobile need nothing either.
    auto same = f.input();
    same.landline_phone = "0299887766";
    CHECK(f.contacts.confirm(s, same));
    CHECK(notices().empty());

    // A stolen session cannot move where codes and passwords go.
    ContactsInput moved{"voleur@exemple.fr", std::string("0611223344"), std::nullopt, std::nullopt};
    CHECK(f.contacts.confirm(s, moved).error().field == "current_password");
    moved.current_password = "Pas-le-bon1!";
    CHECK(f.contacts.confirm(s, moved).error().code == ErrorCode::invalid_credentials);
    CHECK(f.sessions.me(verified->access_token)->member.email->value() == "jean.nouveau@exemple.fr");  // unchanged
    moved.current_password = "Automne-Pluie2027?";
    REQUIRE(f.contacts.confirm(s, moved));
    CHECK(notices() == std::vector<std::string>{"jean.nouveau@exemple.fr", "+33611223344"});
    // A new mobile alone also needs it.
    ContactsInput phone{"voleur@exemple.fr", std::string("0799887766"), std::nullopt, std::nullopt};
    CHECK(f.contacts.confirm(s, phone).error().field == "current_password");
}
