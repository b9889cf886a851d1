// Service: self-service unlock of a NIR identifier (seeds 000, 001; issue 5).
#include <catch2/catch.hpp>

#include "infra/crypto/jwt_signer.hpp"
#include "service/members/member_import.hpp"
#include "service/passwords/password_change.hpp"
#include "service/unlock/unlock.hpp"
#include "infra/flows/json_flow_data.hpp"
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
    infra::JsonFlowDataCodec flow_codec;
    Flows flows{uow, clock, flow_codec};
    Unlock unlock{uow, flows, hasher, random, clock, test_rules()};
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {9}}, "https://espace.exemple.fr"};
    Sessions sessions{uow, hasher, signer, random, clock, test_rules()};
    PasswordChange passwords{uow, hasher, strength, sessions, clock, test_rules()};

    explicit Fixture(MemberRecord record = sample_record()) {
        uow.clock = &clock;
        MemberImport members(uow, clock);
        REQUIRE(members.run(kAgent, {{2, record}}));
        uow.run([&](Transaction& tx) {
            tx.accounts().create_legacy(LegacyAccount{*Nir::parse(record.nir), std::string("plain$Ancien-Mot2passe!"), false, std::nullopt, true});
        });
    }
    void lock(const std::string& nir) {
        for (int i = 0; i < 4; ++i) sessions.login(nir, "faux");
        REQUIRE(sessions.login(nir, "Ancien-Mot2passe!").error().code == ErrorCode::account_locked);
    }
    const OutgoingMessage& last() { return uow.outbox().back(); }
};

}  // namespace

TEST_CASE("unlock: not locked, wrong birth date, then the channel choice and a temporary password by SMS", "[service][unlock]") {
    Fixture f;
    CHECK(f.unlock.start("184027512345674", "29/02/1984").error().code == ErrorCode::account_not_locked);
    f.lock("184027512345674");
    CHECK(f.unlock.start("184027512345674", "28/02/1984").error().code == ErrorCode::identity_check_failed);
    CHECK(f.unlock.start("269029935004220", "29/02/1984").error().code == ErrorCode::identity_check_failed);  // no account
    CHECK(f.unlock.start("184027512345674", "31/02/1984").error().code == ErrorCode::invalid_birth_date);

    auto flow = f.unlock.start("1840275123456", "29/02/1984");
    REQUIRE(flow);
    CHECK(flow->state == "choose_channel");
    REQUIRE(flow->channels.size() == 2);
    CHECK(flow->channels[0].channel == "sms");
    CHECK(flow->channels[0].destination == "06 •• •• •• 78");
    CHECK(flow->channels[1].destination == "j•••@exemple.fr");
    CHECK(f.unlock.choose_channel(flow->id, "letter").error().code == ErrorCode::validation_error);

    auto sent = f.unlock.choose_channel(flow->id, "sms");
    REQUIRE(sent);
    CHECK(sent->state == "temp_password_sent");
    CHECK(f.last().channel == Channel::sms);
    CHECK(f.last().recipient == "+33612345678");
    const auto temporary = f.last().params.at("password");
    CHECK(f.unlock.choose_channel(flow->id, "sms").error().code == ErrorCode::step_not_allowed);  // no replay

    auto tokens = f.sessions.login("184027512345674", temporary);  // unlocked, with the temporary password
    REQUIRE(tokens);
    CHECK(tokens->required_actions.front() == RequiredAction::change_password);
    CHECK(f.sessions.login("184027512345674", "Ancien-Mot2passe!").error().code == ErrorCode::invalid_credentials);
}

TEST_CASE("unlock by email: a reset link, the lock holds until the new password is set", "[service][unlock]") {
    Fixture f;
    f.lock("184027512345674");
    auto flow = f.unlock.start("184027512345674", "29/02/1984");
    REQUIRE(flow);
    auto sent = f.unlock.choose_channel(flow->id, "email");
    REQUIRE(sent);
    CHECK(sent->state == "link_sent");
    CHECK(f.last().kind == MessageKind::reset_link);
    CHECK(f.sessions.login("184027512345674", "Ancien-Mot2passe!").error().code == ErrorCode::account_locked);
    const std::string token = f.last().params.at("token");  // a copy: the reset enqueues more messages
    auto done = f.passwords.reset(token, NewPassword{"Automne-Pluie2027?", "Automne-Pluie2027?"}, std::nullopt);
    REQUIRE(done);
    REQUIRE(done->session);  // seed 000: "vous accéderez à votre Espace personnel"
    CHECK(f.sessions.login("184027512345674", "Automne-Pluie2027?"));
}

TEST_CASE("unlock with one known channel uses it at once, an overseas mobile is never offered for SMS", "[service][unlock]") {
    auto record = sample_record();
    record.mobile_phone = "0690123456";  // Guadeloupe: valid, but no SMS
    Fixture f(record);
    f.lock("184027512345674");
    auto flow = f.unlock.start("184027512345674", "29/02/1984");
    REQUIRE(flow);
    CHECK(flow->state == "link_sent");  // the email, the only channel
    REQUIRE_FALSE(flow->messages.empty());
    CHECK(flow->messages[0].code == "single_channel");
    CHECK(f.last().channel == Channel::email);

    auto letter_only = sample_record();
    letter_only.mobile_phone = "0690123456";
    letter_only.email = "";
    Fixture g(letter_only);
    g.lock("184027512345674");
    auto by_post = g.unlock.start("184027512345674", "29/02/1984");
    REQUIRE(by_post);
    CHECK(by_post->state == "temp_password_sent");
    CHECK(g.last().channel == Channel::letter);
    CHECK(g.last().params.at("valid_for") == "30 jours");
}

TEST_CASE("unlock: nothing changes before proof: the lock holds until the temporary password is used, which lifts it", "[service][unlock][abuse]") {
    Fixture f;
    f.lock("184027512345674");
    auto flow = f.unlock.start("184027512345674", "29/02/1984");
    REQUIRE(flow);
    REQUIRE(f.unlock.choose_channel(flow->id, "sms"));
    const auto temporary = f.last().params.at("password");
    // Whoever started the unlock with the NIR and the birth date changed nothing yet.
    CHECK(f.sessions.login("184027512345674", "Ancien-Mot2passe!").error().code == ErrorCode::account_locked);
    CHECK(f.sessions.login("184027512345674", "faux").error().code == ErrorCode::account_locked);
    // The member, who received it, logs in with it: the lock goes, the password is to personalise.
    auto tokens = f.sessions.login("184027512345674", temporary);
    REQUIRE(tokens);
    CHECK(tokens->required_actions.front() == RequiredAction::change_password);
    CHECK(f.sessions.login("184027512345674", "Ancien-Mot2passe!").error().code == ErrorCode::invalid_credentials);
    const auto& events = f.uow.events();
    CHECK(std::ranges::any_of(events, [](const auto& e) { return e.event.kind == SecurityEventKind::account_unlocked; }));
}
