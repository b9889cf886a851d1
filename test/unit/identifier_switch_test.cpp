// Service: the switch from the NIR to an email identifier (seed 002, SPEC.md §3.7): the three
// paths of the email step, both endings, the race for one email, and the troubleshooting cases.
#include <catch2/catch.hpp>

#include "infra/crypto/jwt_signer.hpp"
#include "service/identifier_switch/identifier_switch.hpp"
#include "service/accounts/account_import.hpp"
#include "service/members/member_import.hpp"
#include "service/personalisation/contact_details.hpp"
#include "domain/secret_questions.hpp"
#include "service/passwords/password_change.hpp"
#include "infra/flows/json_flow_data.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

constexpr const char* kNir = "184027512345674";          // Jean Martin, contact jean.martin@exemple.fr
constexpr const char* kOtherNir = "269029935004220";     // Claire Durand, the same contact email
constexpr const char* kPassword = "Ancien-Mot2passe!";
constexpr const char* kNewPassword = "Automne-Pluie2027?";
const std::optional<std::string> kCurrent{kPassword};  // the account's current password (re-authentication)

struct Fixture {
    FakeUnitOfWork uow;
    SettableClock clock;
    SequenceRandom random;
    PlainHasher hasher;
    PasswordStrengthCheck strength{PasswordPolicy{}};
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {9}}, "https://espace.exemple.fr"};
    Sessions sessions{uow, hasher, signer, random, clock, test_rules()};
    infra::JsonFlowDataCodec flow_codec;
    Flows flows{uow, clock, flow_codec};
    IdentifierSwitch switcher{uow, flows, sessions, hasher, strength, random, clock, test_rules(), "MGEN"};

    Fixture() {
        uow.clock = &clock;
        auto other = sample_record(kOtherNir);
        other.last_name = "Durand";
        other.first_name = "Claire";
        other.birth_date = "1969-02-11";
        MemberImport members(uow, clock);
        REQUIRE(members.run(kAgent, {{2, sample_record()}, {3, other}}));
        uow.run([&](Transaction& tx) {
            for (const char* nir : {kNir, kOtherNir})
                REQUIRE(tx.accounts().create_legacy(
                    LegacyAccount{*Nir::parse(nir), std::string("plain$") + kPassword, false, std::nullopt, true}));
            // Connect identities of other sites, linked to no account: one validated, one not.
            tx.identities().create(NewIdentity{*Email::parse("elodie@exemple.fr"), "plain$Forum-Mot2passe!", "", "", true});
            tx.identities().create(NewIdentity{*Email::parse("brouillon@exemple.fr"), "plain$Forum-Mot2passe!", "", "", false});
        });
    }

    AuthenticatedSession login(const char* nir = kNir) {
        auto tokens = sessions.login(nir, kPassword);
        REQUIRE(tokens);
        auto session = sessions.authenticate(tokens->access_token, Sessions::Scope::required_actions);
        REQUIRE(session);
        return *session;
    }
    static CredentialsInput credentials(std::string password = kNewPassword) {
        return CredentialsInput{password, password, std::string(secret_questions().front().id), std::string("Médor")};
    }
    const OutgoingMessage& last(MessageKind kind) {
        for (auto it = uow.outbox().rbegin(); it != uow.outbox().rend(); ++it)
            if (it->kind == kind) return *it;
        FAIL("no message of that kind");
        throw;
    }
    // Follows the newest reset link mailed to `email` with kNewPassword (seed 002's way out).
    bool reset_password(const std::string& email) {
        const auto reset = last(MessageKind::reset_link);
        CHECK(reset.recipient == email);
        PasswordChange change(uow, hasher, strength, sessions, clock, test_rules());
        return change.reset(reset.params.at("token"), NewPassword{kNewPassword, kNewPassword}, std::nullopt).has_value();
    }
    bool switched(const char* nir = kNir) { return sessions.login(nir, kPassword).error().code == ErrorCode::identifier_migrated; }
};

}  // namespace

TEST_CASE("identifier switch: the proposed contact email and new credentials switch at once", "[service][identifier_switch]") {
    Fixture f;
    const auto session = f.login();
    CHECK(session.claims.required_actions == std::vector{RequiredAction::switch_identifier});
    auto flow = f.switcher.start(session);
    REQUIRE(flow);
    CHECK(flow->state == "choose_email");
    CHECK(flow->proposed_email == "jean.martin@exemple.fr");

    auto chosen = f.switcher.choose_email(session, flow->id, " Jean.Martin@exemple.fr ");
    REQUIRE(chosen);
    CHECK(chosen->flow.state == "new_credentials");
    CHECK_FALSE(chosen->access);

    auto input = Fixture::credentials();
    auto weak = Fixture::credentials("martin1984");
    CHECK_FALSE(f.switcher.submit_credentials(session, flow->id, kCurrent, weak));
    auto mismatch = input;
    mismatch.password_confirmation = "Autre-Chose2027?";
    CHECK(f.switcher.submit_credentials(session, flow->id, kCurrent, mismatch).error().code == ErrorCode::password_mismatch);
    auto no_question = input;
    no_question.secret_question_id = "unknown";
    CHECK(f.switcher.submit_credentials(session, flow->id, kCurrent, no_question).error().code == ErrorCode::validation_error);

    auto done = f.switcher.submit_credentials(session, flow->id, kCurrent, input);
    REQUIRE(done);
    CHECK(done->flow.state == "done");
    CHECK(done->flow.next_steps.empty());
    REQUIRE(done->access);
    CHECK(done->access->required_actions.empty());
    CHECK(f.sessions.authenticate(done->access->access_token));  // a full session now
    CHECK(f.switcher.submit_credentials(session, flow->id, kCurrent, input).error().code == ErrorCode::step_not_allowed);  // replayed

    // Seed 002: the NIR no longer logs in; the email and its password do, on login and recovery.
    CHECK(f.switched());
    auto by_email = f.sessions.login("jean.martin@exemple.fr", kNewPassword);
    REQUIRE(by_email);
    CHECK(by_email->required_actions.empty());
    CHECK(f.sessions.me(by_email->access_token)->identifier_kind == "email");
    CHECK(f.switcher.start(session).error().code == ErrorCode::identifier_migrated);
    const auto& events = f.uow.events();
    const auto recorded = std::ranges::find_if(events, [](const auto& e) { return e.event.kind == SecurityEventKind::identifier_switched; });
    REQUIRE(recorded != events.end());
    CHECK(recorded->event.detail == "proposed contact email, j•••@exemple.fr");  // masked
    // The member hears of it on the contacts known before: email and mobile.
    std::vector<std::string> notices;
    for (const auto& m : f.uow.outbox())
        if (m.kind == MessageKind::identifier_changed) notices.push_back(std::string(to_string(m.channel)) + " " + m.recipient);
    CHECK(notices == std::vector<std::string>{"email jean.martin@exemple.fr", "sms +33612345678"});
}

TEST_CASE("identifier switch: another email waits for its validation link, then switches and opens a session",
          "[service][identifier_switch]") {
    Fixture f;
    const auto session = f.login();
    auto flow = f.switcher.start(session);
    REQUIRE(f.switcher.choose_email(session, flow->id, "jean.perso@exemple.fr"));
    auto input = Fixture::credentials();
    auto sent = f.switcher.submit_credentials(session, flow->id, kCurrent, input);
    REQUIRE(sent);
    CHECK(sent->flow.state == "validation_sent");
    CHECK_FALSE(sent->access);
    CHECK(sent->flow.expires_at == f.clock.now() + std::chrono::hours(24));
    const auto mail = f.last(MessageKind::identifier_validation_link);
    CHECK(mail.recipient == "jean.perso@exemple.fr");
    const auto token = mail.params.at("token");

    // Nothing exists under the email until its owner follows the link; the NIR still logs in.
    for (const auto& [id, identity] : f.uow.identities()) CHECK(identity.email != "jean.perso@exemple.fr");
    CHECK_FALSE(f.switched());

    CHECK(f.uow.outbox().back().kind == MessageKind::identifier_validation_link);  // no notice before the switch
    auto validated = f.switcher.validate_email(token);
    REQUIRE(validated);
    CHECK(validated->required_actions.empty());
    CHECK(f.last(MessageKind::identifier_changed).params.at("email") == "j•••@exemple.fr");
    CHECK(f.sessions.authenticate(validated->access_token));
    CHECK(f.switched());
    CHECK(f.sessions.login("jean.perso@exemple.fr", kNewPassword));
    CHECK(f.switcher.validate_email(token).error().code == ErrorCode::link_expired);  // single use
    CHECK(f.flows.view(flow->id)->state == "done");
    // The session that asked for the switch is no longer held to it at its next refresh.
    for (const auto& s : f.sessions.list(session)) CHECK(s.required_actions.empty());
}

TEST_CASE("identifier switch: an expired validation link switches nothing", "[service][identifier_switch]") {
    Fixture f;
    const auto session = f.login();
    auto flow = f.switcher.start(session);
    REQUIRE(f.switcher.choose_email(session, flow->id, "jean.perso@exemple.fr"));
    auto input = Fixture::credentials();
    REQUIRE(f.switcher.submit_credentials(session, flow->id, kCurrent, input));
    const auto token = f.last(MessageKind::identifier_validation_link).params.at("token");
    f.clock.t += std::chrono::hours(24) + std::chrono::seconds(1);
    CHECK(f.switcher.validate_email(token).error().code == ErrorCode::link_expired);
    CHECK(f.switcher.validate_email("").error().code == ErrorCode::link_expired);
    CHECK_FALSE(f.switched());
}

TEST_CASE("identifier switch: an email that identifies another account is refused, a few times per flow",
          "[service][identifier_switch]") {
    Fixture f;
    // Claire switches first to the contact email she shares with Jean.
    const auto claire = f.login(kOtherNir);
    auto hers = f.switcher.start(claire);
    CHECK(hers->proposed_email == "jean.martin@exemple.fr");
    REQUIRE(f.switcher.choose_email(claire, hers->id, "jean.martin@exemple.fr"));
    auto input = Fixture::credentials();
    REQUIRE(f.switcher.submit_credentials(claire, hers->id, kCurrent, input)->flow.state == "done");

    const auto jean = f.login();
    auto flow = f.switcher.start(jean);
    REQUIRE(flow);
    CHECK_FALSE(flow->proposed_email);  // already another Espace personnel's identifier
    for (int i = 0; i < 5; ++i) {
        auto refused = f.switcher.choose_email(jean, flow->id, "JEAN.MARTIN@exemple.fr");
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == ErrorCode::email_already_used);
    }
    CHECK(f.switcher.choose_email(jean, flow->id, "jean.perso@exemple.fr").error().code == ErrorCode::too_many_attempts);
    CHECK(f.flows.view(flow->id)->next_steps.empty());
    CHECK(f.switcher.choose_email(jean, f.switcher.start(jean)->id, "jean.perso@exemple.fr"));  // a new flow starts afresh
    CHECK(f.switcher.choose_email(jean, flow->id, "pas une adresse").error().code == ErrorCode::invalid_email);
}

TEST_CASE("identifier switch: a Connect identity of no account is linked by proving its password",
          "[service][identifier_switch]") {
    Fixture f;
    const auto session = f.login();
    auto flow = f.switcher.start(session);
    auto chosen = f.switcher.choose_email(session, flow->id, "elodie@exemple.fr");
    REQUIRE(chosen);
    CHECK(chosen->flow.state == "connect_password");
    CHECK(chosen->flow.next_steps.at(0).name == "connect_password");

    // Its failures count towards the identity's lockout, as logins by email do.
    CHECK(f.switcher.prove_connect_password(session, flow->id, kCurrent, "faux").error().code == ErrorCode::invalid_credentials);
    CHECK(f.sessions.login("elodie@exemple.fr", "faux").error().code == ErrorCode::invalid_credentials);
    auto sent = f.switcher.prove_connect_password(session, flow->id, kCurrent, "Forum-Mot2passe!");
    REQUIRE(sent);
    CHECK(sent->flow.state == "validation_sent");  // not the proposed email: its owner validates it
    auto validated = f.switcher.validate_email(f.last(MessageKind::identifier_validation_link).params.at("token"));
    REQUIRE(validated);
    CHECK(f.switched());
    auto by_email = f.sessions.login("elodie@exemple.fr", "Forum-Mot2passe!");
    REQUIRE(by_email);
    CHECK(f.sessions.me(by_email->access_token)->account_id == session.claims.account_id);
}

TEST_CASE("identifier switch: a locked Connect identity mails a reset link, after the reset the switch resumes",
          "[service][identifier_switch]") {
    Fixture f;
    const auto session = f.login();
    auto flow = f.switcher.start(session);
    REQUIRE(f.switcher.choose_email(session, flow->id, "elodie@exemple.fr"));
    for (int i = 0; i < 3; ++i) CHECK(f.switcher.prove_connect_password(session, flow->id, kCurrent, "faux").error().code == ErrorCode::invalid_credentials);
    auto locked = f.switcher.prove_connect_password(session, flow->id, kCurrent, "Forum-Mot2passe!");
    REQUIRE_FALSE(locked);
    CHECK(locked.error().code == ErrorCode::connect_identity_locked);
    REQUIRE(f.reset_password("elodie@exemple.fr"));
    // Seed 002: "reconnectez-vous … avec votre numéro de sécurité sociale pour recommencer".
    const auto again = f.login();
    auto resumed = f.switcher.start(again);
    REQUIRE(f.switcher.choose_email(again, resumed->id, "elodie@exemple.fr"));
    REQUIRE(f.switcher.prove_connect_password(again, resumed->id, kCurrent, kNewPassword)->flow.state == "validation_sent");
}

TEST_CASE("identifier switch: a Connect identity not validated answers its code and mails a reset link",
          "[service][identifier_switch]") {
    Fixture f;
    const auto session = f.login();
    auto flow = f.switcher.start(session);
    REQUIRE(f.switcher.choose_email(session, flow->id, "brouillon@exemple.fr"));
    auto refused = f.switcher.prove_connect_password(session, flow->id, kCurrent, "Forum-Mot2passe!");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::connect_identity_not_validated);
    REQUIRE(f.reset_password("brouillon@exemple.fr"));  // validates it
    CHECK(f.switcher.prove_connect_password(session, flow->id, kCurrent, kNewPassword)->flow.state == "validation_sent");
}

TEST_CASE("identifier switch: of two members racing for one email, exactly one gets it", "[service][identifier_switch]") {
    Fixture f;
    auto input = Fixture::credentials();
    std::vector<std::string> tokens;
    for (const char* nir : {kNir, kOtherNir}) {
        const auto session = f.login(nir);
        auto flow = f.switcher.start(session);
        REQUIRE(f.switcher.choose_email(session, flow->id, "famille@exemple.fr")->flow.state == "new_credentials");
        REQUIRE(f.switcher.submit_credentials(session, flow->id, kCurrent, input)->flow.state == "validation_sent");
        tokens.push_back(f.last(MessageKind::identifier_validation_link).params.at("token"));
    }
    REQUIRE(f.switcher.validate_email(tokens[1]));
    auto lost = f.switcher.validate_email(tokens[0]);
    REQUIRE_FALSE(lost);
    CHECK(lost.error().code == ErrorCode::email_already_used);
    CHECK(f.switched(kOtherNir));
    CHECK_FALSE(f.switched(kNir));  // nothing half-made: Jean still logs in with his NIR
}

TEST_CASE("identifier switch: the flow is its account's, and only the NIR accounts switch", "[service][identifier_switch]") {
    Fixture f;
    const auto jean = f.login();
    const auto claire = f.login(kOtherNir);
    auto flow = f.switcher.start(jean);
    CHECK(f.switcher.choose_email(claire, flow->id, "claire@exemple.fr").error().code == ErrorCode::not_found);
    CHECK(f.switcher.choose_email(jean, "unknown", "jean.perso@exemple.fr").error().code == ErrorCode::not_found);
    auto input = Fixture::credentials();
    CHECK(f.switcher.submit_credentials(jean, flow->id, kCurrent, input).error().code == ErrorCode::step_not_allowed);  // skipped
    f.clock.t += std::chrono::minutes(61);
    CHECK(f.switcher.choose_email(jean, flow->id, "jean.perso@exemple.fr").error().code == ErrorCode::flow_expired);
}

TEST_CASE("identifier switch: after the whole personalisation, in order, a contact email proved by its code needs no link",
          "[service][identifier_switch]") {
    Fixture f;
    const char* pierre = "175057505612393";
    auto record = sample_record(pierre);
    record.last_name = "Dubois";
    record.first_name = "Pierre";
    record.birth_date = "1975-05-20";
    MemberImport members(f.uow, f.clock);
    REQUIRE(members.run(kAgent, {{4, record}}));
    AccountImport import(f.uow, f.hasher, f.random, f.clock);
    REQUIRE(import.run(kAgent, {pierre, std::nullopt, false, false, std::nullopt}));  // a temporary password by letter
    const auto temporary = f.last(MessageKind::temporary_password).params.at("password");
    auto tokens = f.sessions.login(pierre, temporary);
    REQUIRE(tokens);
    CHECK(tokens->required_actions == std::vector{RequiredAction::change_password, RequiredAction::confirm_contacts,
                                                  RequiredAction::verify_email, RequiredAction::switch_identifier});
    PasswordChange change(f.uow, f.hasher, f.strength, f.sessions, f.clock, test_rules());
    ContactDetails contacts(f.uow, f.sessions, f.hasher, f.random, f.clock, test_rules());
    auto s1 = *f.sessions.authenticate(tokens->access_token, Sessions::Scope::required_actions);
    auto changed = change.change(s1, std::nullopt, NewPassword{kNewPassword, kNewPassword});
    REQUIRE(changed);
    auto s2 = *f.sessions.authenticate(changed->access.access_token, Sessions::Scope::required_actions);
    auto confirmed = contacts.confirm(s2, ContactsInput{"pierre.dubois@exemple.fr", std::nullopt, std::nullopt, std::nullopt});
    REQUIRE(confirmed);
    CHECK(confirmed->required_actions == std::vector{RequiredAction::verify_email, RequiredAction::switch_identifier});

    auto s3 = *f.sessions.authenticate(confirmed->access_token, Sessions::Scope::required_actions);
    // SPEC.md §8: required actions in order; the switch comes after the email is verified.
    CHECK(f.switcher.start(s3).error().code == ErrorCode::forbidden);
    REQUIRE(contacts.send_email_code(s3));
    auto verified = contacts.confirm_email_code(s3, f.last(MessageKind::email_verification_code).params.at("code"));
    REQUIRE(verified);
    CHECK(verified->required_actions == std::vector{RequiredAction::switch_identifier});
    auto s4 = *f.sessions.authenticate(verified->access_token, Sessions::Scope::required_actions);
    auto flow = f.switcher.start(s4);
    CHECK(flow->proposed_email == "pierre.dubois@exemple.fr");  // the contact email he confirmed and proved
    REQUIRE(f.switcher.choose_email(s4, flow->id, "pierre.dubois@exemple.fr"));
    auto done = f.switcher.submit_credentials(s4, flow->id, std::string(kNewPassword), Fixture::credentials("Hiver-Neige2028!"));
    REQUIRE(done);
    CHECK(done->flow.state == "done");  // proved by the code: no validation link
    CHECK(done->access->required_actions.empty());
    auto by_email = f.sessions.login("pierre.dubois@exemple.fr", "Hiver-Neige2028!");
    REQUIRE(by_email);
    CHECK(by_email->required_actions.empty());
}

TEST_CASE("identifier switch: a stolen session cannot switch without the current password, and the switch ends the other sessions",
          "[service][identifier_switch][abuse]") {
    Fixture f;
    const auto other_device = f.sessions.login(kNir, kPassword);  // e.g. the thief's copy
    REQUIRE(other_device);
    const auto session = f.login();
    auto flow = f.switcher.start(session);
    REQUIRE(f.switcher.choose_email(session, flow->id, "jean.martin@exemple.fr"));
    // Without it, or wrong: nothing is hashed or switched, and a wrong one counts like a login.
    const auto missing = f.switcher.submit_credentials(session, flow->id, std::nullopt, Fixture::credentials());
    CHECK(missing.error().code == ErrorCode::validation_error);
    CHECK(missing.error().field == "current_password");
    for (int i = 0; i < 2; ++i)
        CHECK(f.switcher.submit_credentials(session, flow->id, std::string("faux"), Fixture::credentials()).error().code ==
              ErrorCode::invalid_credentials);
    CHECK(f.uow.failures().at("1840275123456") == 2);
    CHECK_FALSE(f.switched());  // (a login: the count is cleared)
    auto done = f.switcher.submit_credentials(session, flow->id, kCurrent, Fixture::credentials());
    REQUIRE(done);
    CHECK(done->flow.state == "done");
    CHECK(f.switched());
    // The session that switched goes on; the other one is over, its refresh token too.
    CHECK(f.sessions.authenticate(done->access->access_token, Sessions::Scope::full));
    CHECK(f.sessions.authenticate(other_device->access_token, Sessions::Scope::required_actions).error().code == ErrorCode::unauthorized);
    CHECK_FALSE(f.sessions.refresh(other_device->refresh_token));
}

TEST_CASE("identifier switch: a contact email the member only typed is proposed but needs its validation link",
          "[service][identifier_switch][abuse]") {
    Fixture f;
    // Claire typed an address once and never proved it (no code): the insurer does not know it.
    f.uow.run([&](Transaction& tx) {
        tx.accounts().set_contacts(2, *Email::parse("claire.tapee@exemple.fr"), std::nullopt, std::nullopt, std::nullopt);
    });
    const auto session = f.login(kOtherNir);
    auto flow = f.switcher.start(session);
    REQUIRE(flow);
    CHECK(flow->proposed_email == "claire.tapee@exemple.fr");
    REQUIRE(f.switcher.choose_email(session, flow->id, "claire.tapee@exemple.fr"));
    auto sent = f.switcher.submit_credentials(session, flow->id, kCurrent, Fixture::credentials());
    REQUIRE(sent);
    CHECK(sent->flow.state == "validation_sent");  // like any other address
    CHECK(f.last(MessageKind::identifier_validation_link).recipient == "claire.tapee@exemple.fr");
}
