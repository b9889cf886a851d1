// Service: account creation (seed 003), activation, and login by email with each outcome of
// SPEC.md §3.2 (issue 4).
#include <catch2/catch.hpp>

#include "infra/crypto/jwt_signer.hpp"
#include "service/members/member_import.hpp"
#include "service/registration/registration.hpp"
#include "service/sessions/sessions.hpp"
#include "infra/flows/json_flow_data.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

constexpr const char* kPassword = "Vacances-Ete2026!";

struct Fixture {
    FakeUnitOfWork uow;
    SettableClock clock;
    SequenceRandom random;
    PlainHasher hasher;
    PasswordStrengthCheck strength{PasswordPolicy{}};
    infra::JsonFlowDataCodec flow_codec;
    Flows flows{uow, clock, flow_codec};
    Registration registration{uow, flows, hasher, strength, random, clock, test_rules()};
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {9}}, "https://espace.exemple.fr"};
    Sessions sessions{uow, hasher, signer, random, clock, test_rules()};
    Fixture() {
        uow.clock = &clock;
        auto lefevre = sample_record("269029935004220");
        lefevre.last_name = "Lefèvre-Dupré";
        lefevre.first_name = "Anne";
        lefevre.birth_date = "1969-02-10";
        MemberImport members(uow, clock);
        REQUIRE(members.run(kAgent, {{2, sample_record()}, {3, lefevre}}));
    }

    IdentityStep new_identity(std::string email = "jean.martin@exemple.fr") {
        return IdentityStep{"new", std::move(email), kPassword, std::string(kPassword), std::string("birth_city"),
                            std::string("Quimper")};
    }
    static PersonalInfoStep martin() { return PersonalInfoStep{"74", "MARTIN", "29/02/1984", std::string("06 12 34 56 78"), std::nullopt}; }

    // The token of the last activation or reset mail.
    std::string last_token(MessageKind kind) {
        for (auto it = uow.outbox().rbegin(); it != uow.outbox().rend(); ++it)
            if (it->kind == kind) return it->params.at("token");
        FAIL("no such message");
        return {};
    }
    std::size_t count(MessageKind kind) {
        std::size_t n = 0;
        for (const auto& m : uow.outbox()) n += m.kind == kind;
        return n;
    }

    // Registers Jean Martin with a new identity and activates the account.
    void register_martin(bool activate = true) {
        auto flow = registration.start("1840275123456");
        REQUIRE(flow);
        REQUIRE(registration.submit_identity(flow->id, new_identity()));
        REQUIRE(registration.submit_personal_info(flow->id, martin()));
        if (activate) REQUIRE(registration.activate(last_token(MessageKind::activation_link)));
    }
};

}  // namespace

TEST_CASE("registration with a new identity: identity, personal info, activation mail, activation, email login",
          "[service][registration]") {
    Fixture f;
    auto flow = f.registration.start(" 1840275123456 ");
    REQUIRE(flow);
    CHECK(flow->type == "registration");
    CHECK(flow->state == "identity");
    REQUIRE(flow->next_steps.size() == 1);
    CHECK(flow->next_steps[0].name == "identity");

    auto step = f.registration.submit_identity(flow->id, f.new_identity("Jean.Martin@Exemple.fr"));
    REQUIRE(step);
    CHECK(step->state == "personal_info");
    CHECK(f.uow.identities().empty());  // nothing is created before the registry check

    auto done = f.registration.submit_personal_info(flow->id, Fixture::martin());
    REQUIRE(done);
    CHECK(done->state == "activation_sent");
    CHECK(done->next_steps.empty());
    REQUIRE(done->messages.size() == 1);
    CHECK(done->messages[0].text.find("15 jours") != std::string::npos);
    CHECK(done->messages[0].text.find("J•••@exemple.fr") != std::string::npos);  // masked

    REQUIRE(f.count(MessageKind::activation_link) == 1);
    const auto& mail = f.uow.outbox().back();
    CHECK(mail.channel == Channel::email);
    CHECK(mail.recipient == "jean.martin@exemple.fr");
    CHECK(mail.params.at("first_name") == "Jean");
    REQUIRE(f.uow.identities().size() == 1);
    const auto& identity = f.uow.identities().begin()->second;
    CHECK(identity.password_hash == std::string("plain$") + kPassword);
    CHECK(identity.secret_answer_hash == "plain$quimper");  // compared without case or accents
    CHECK_FALSE(identity.validated);

    // Pending: the right password says so, a wrong one says nothing.
    auto pending = f.sessions.login("jean.martin@exemple.fr", kPassword);
    REQUIRE_FALSE(pending);
    CHECK(pending.error().code == ErrorCode::account_not_activated);
    CHECK(f.sessions.login("jean.martin@exemple.fr", "Autre-Mot2passe!").error().code == ErrorCode::invalid_credentials);

    const auto token = f.last_token(MessageKind::activation_link);
    auto activated = f.registration.activate(token);
    REQUIRE(activated);
    CHECK(f.uow.identities().begin()->second.validated);
    auto replay = f.registration.activate(token);
    REQUIRE_FALSE(replay);
    CHECK(replay.error().code == ErrorCode::link_expired);

    auto tokens = f.sessions.login("JEAN.MARTIN@exemple.fr", kPassword);
    REQUIRE(tokens);
    auto session = f.sessions.authenticate(tokens->access_token);
    REQUIRE(session);
    auto me = f.sessions.me(tokens->access_token);
    REQUIRE(me);
    CHECK(me->identifier_kind == "email");
    CHECK(me->status == "active");
    REQUIRE(me->member.mobile_phone);
    CHECK(me->member.mobile_phone->e164() == "+33612345678");
}

TEST_CASE("registration steps cannot be skipped, replayed or used after expiry", "[service][registration]") {
    Fixture f;
    auto flow = f.registration.start("1840275123456");
    REQUIRE(flow);
    auto skipped = f.registration.submit_personal_info(flow->id, Fixture::martin());
    REQUIRE_FALSE(skipped);
    CHECK(skipped.error().code == ErrorCode::step_not_allowed);

    REQUIRE(f.registration.submit_identity(flow->id, f.new_identity()));
    auto replayed = f.registration.submit_identity(flow->id, f.new_identity("autre@exemple.fr"));
    REQUIRE_FALSE(replayed);
    CHECK(replayed.error().code == ErrorCode::step_not_allowed);

    REQUIRE(f.registration.submit_personal_info(flow->id, Fixture::martin()));
    auto again = f.registration.submit_personal_info(flow->id, Fixture::martin());
    REQUIRE_FALSE(again);
    CHECK(again.error().code == ErrorCode::step_not_allowed);
    CHECK(f.count(MessageKind::activation_link) == 1);

    auto late = f.registration.start("1840275123456");
    REQUIRE(late);
    f.clock.t += std::chrono::minutes(61);
    auto expired = f.registration.submit_identity(late->id, f.new_identity());
    REQUIRE_FALSE(expired);
    CHECK(expired.error().code == ErrorCode::flow_expired);
    CHECK(f.flows.view(late->id).error().code == ErrorCode::flow_expired);
    CHECK(f.flows.view("inconnu").error().code == ErrorCode::not_found);
}

TEST_CASE("the identity step enforces the password rules and the secret question", "[service][registration]") {
    Fixture f;
    auto flow = f.registration.start("1840275123456");
    REQUIRE(flow);
    auto code_of = [&](IdentityStep step) { return f.registration.submit_identity(flow->id, step).error().code; };
    auto step = f.new_identity();
    step.password = "court1!";
    step.password_confirmation = step.password;
    CHECK(code_of(step) == ErrorCode::password_policy);
    step.password = "Martin1984!";
    step.password_confirmation = step.password;
    CHECK(code_of(step) == ErrorCode::password_too_weak);  // the member's own data scores low
    step = f.new_identity();
    step.password_confirmation = "Vacances-Ete2027!";
    CHECK(code_of(step) == ErrorCode::password_mismatch);
    step = f.new_identity();
    step.secret_question_id = "pas_une_question";
    CHECK(code_of(step) == ErrorCode::validation_error);
    step = f.new_identity();
    step.secret_answer = " ";
    CHECK(code_of(step) == ErrorCode::validation_error);
    step = f.new_identity();
    step.mode = "autre";
    CHECK(code_of(step) == ErrorCode::validation_error);
    CHECK(code_of(f.new_identity("pas-une-adresse")) == ErrorCode::invalid_email);
    CHECK(f.registration.start("184027512345674").error().code == ErrorCode::invalid_nir);  // 13 digits, no key
    CHECK(f.registration.start("18402751234").error().code == ErrorCode::invalid_nir);
}

TEST_CASE("personal info is checked against the registry, names without case or accents, 3 tries",
          "[service][registration]") {
    Fixture f;
    auto flow = f.registration.start("2690299350042");
    REQUIRE(flow);
    REQUIRE(f.registration.submit_identity(flow->id, f.new_identity("anne@exemple.fr")));
    PersonalInfoStep wrong{"21", "LEFEVRE DUPRE", "10/02/1969", std::nullopt, std::nullopt};
    auto first = f.registration.submit_personal_info(flow->id, wrong);  // wrong key
    REQUIRE_FALSE(first);
    CHECK(first.error().code == ErrorCode::identity_check_failed);
    CHECK(first.error().detail.find("2 essais") != std::string::npos);
    wrong.nir_key = "ab";
    CHECK(f.registration.submit_personal_info(flow->id, wrong).error().code == ErrorCode::invalid_nir);  // costs no try
    wrong.nir_key = "21";
    wrong.birth_date = "31/02/1969";
    CHECK(f.registration.submit_personal_info(flow->id, wrong).error().code == ErrorCode::invalid_birth_date);
    auto view = f.flows.view(flow->id);
    REQUIRE(view);
    REQUIRE(view->messages.size() == 1);
    CHECK(view->messages[0].code == "identity_check_failed");

    PersonalInfoStep right{"20", "lefèvre-dupré", "10/02/1969", std::nullopt, std::string("0145678910")};
    right.last_name = "LEFEVRE DUPRE";
    // The key of 2690299350042 is 20 (97 - N mod 97): the name written without accents passes.
    auto ok = f.registration.submit_personal_info(flow->id, right);
    REQUIRE(ok);
    CHECK(ok->state == "activation_sent");

    // Another flow spends its 3 tries, then is refused whatever it sends.
    auto other = f.registration.start("1840275123456");
    REQUIRE(other);
    REQUIRE(f.registration.submit_identity(other->id, f.new_identity()));
    PersonalInfoStep bad = Fixture::martin();
    bad.last_name = "Dupont";
    CHECK(f.registration.submit_personal_info(other->id, bad).error().code == ErrorCode::identity_check_failed);
    CHECK(f.registration.submit_personal_info(other->id, bad).error().code == ErrorCode::identity_check_failed);
    CHECK(f.registration.submit_personal_info(other->id, bad).error().code == ErrorCode::too_many_attempts);
    CHECK(f.registration.submit_personal_info(other->id, Fixture::martin()).error().code == ErrorCode::too_many_attempts);
    CHECK(f.count(MessageKind::activation_link) == 1);
}

TEST_CASE("an existing identity is linked only by its password, one account per member and per identity",
          "[service][registration]") {
    Fixture f;
    f.register_martin();
    // Jean's identity is taken by his account: Anne cannot link it, even with its password.
    auto anne = f.registration.start("2690299350042");
    REQUIRE(anne);
    IdentityStep existing{"existing", "jean.martin@exemple.fr", kPassword, std::nullopt, std::nullopt, std::nullopt};
    CHECK(f.registration.submit_identity(anne->id, existing).error().code == ErrorCode::email_already_used);
    // A new identity on an address that already is one: nothing says so, the flow goes on alike and
    // ends as usual, the address's owner gets a mail about linking it, and nothing is created.
    auto taken = f.registration.start("2690299350042");
    REQUIRE(taken);
    const auto activations = f.count(MessageKind::activation_link);
    const auto after_identity = f.registration.submit_identity(taken->id, f.new_identity("jean.martin@exemple.fr"));
    REQUIRE(after_identity);
    CHECK(after_identity->state == "personal_info");
    const auto ended = f.registration.submit_personal_info(taken->id, PersonalInfoStep{"20", "Lefèvre-Dupré", "10/02/1969", std::nullopt, std::nullopt});
    REQUIRE(ended);
    CHECK(ended->state == "activation_sent");
    CHECK(f.count(MessageKind::activation_link) == activations);
    CHECK(f.count(MessageKind::identity_already_exists) == 1);
    CHECK(f.uow.outbox().back().recipient == "jean.martin@exemple.fr");
    CHECK(f.uow.identities().size() == 1);

    // An identity of another site (no account): wrong password refused, right one linked.
    f.uow.run([&](Transaction& tx) {
        tx.identities().create(NewIdentity{*Email::parse("anne@exemple.fr"), "plain$Forum-Mot2passe!", "birth_city", "plain$brest"});
    });
    existing.email = "anne@exemple.fr";
    existing.password = "mauvais";
    CHECK(f.registration.submit_identity(anne->id, existing).error().code == ErrorCode::invalid_credentials);
    existing.password = "Forum-Mot2passe!";
    REQUIRE(f.registration.submit_identity(anne->id, existing));
    auto done = f.registration.submit_personal_info(anne->id, PersonalInfoStep{"20", "Lefèvre-Dupré", "10/02/1969", std::nullopt, std::nullopt});
    REQUIRE(done);
    CHECK(f.uow.identities().size() == 2);  // linked, not created

    // Jean again: his member already has an account.
    auto again = f.registration.start("1840275123456");
    REQUIRE(again);
    REQUIRE(f.registration.submit_identity(again->id, f.new_identity("jean2@exemple.fr")));
    CHECK(f.registration.submit_personal_info(again->id, Fixture::martin()).error().code == ErrorCode::account_already_exists);
    CHECK(f.uow.identities().size() == 2);  // rolled back with the rest
}

TEST_CASE("email login outcomes: not validated, no account, locked (with one reset mail)", "[service][sessions][registration]") {
    Fixture f;
    f.uow.run([&](Transaction& tx) {
        tx.identities().create(NewIdentity{*Email::parse("forum@exemple.fr"), "plain$Forum-Mot2passe!", "birth_city", "plain$brest"});
    });
    auto not_validated = f.sessions.login("forum@exemple.fr", "Forum-Mot2passe!");
    REQUIRE_FALSE(not_validated);
    CHECK(not_validated.error().code == ErrorCode::connect_identity_not_validated);
    CHECK(f.count(MessageKind::reset_link) == 1);
    f.sessions.login("forum@exemple.fr", "Forum-Mot2passe!");
    CHECK(f.count(MessageKind::reset_link) == 1);  // not twice within the cooldown

    f.uow.run([&](Transaction& tx) { tx.identities().mark_validated(1); });
    CHECK(f.sessions.login("forum@exemple.fr", "Forum-Mot2passe!").error().code == ErrorCode::no_account);

    // Three failures, then locked; the first refusal mails a reset link (after the cooldown).
    f.clock.t += std::chrono::minutes(10);
    for (int i = 0; i < 3; ++i) CHECK(f.sessions.login("forum@exemple.fr", "faux").error().code == ErrorCode::invalid_credentials);
    CHECK(f.sessions.login("forum@exemple.fr", "Forum-Mot2passe!").error().code == ErrorCode::connect_identity_locked);
    CHECK(f.sessions.login("forum@exemple.fr", "Forum-Mot2passe!").error().code == ErrorCode::connect_identity_locked);
    CHECK(f.count(MessageKind::reset_link) == 2);
    // An unknown email locks the same way and mails nothing.
    for (int i = 0; i < 3; ++i) CHECK(f.sessions.login("personne@exemple.fr", "faux").error().code == ErrorCode::invalid_credentials);
    CHECK(f.sessions.login("personne@exemple.fr", "faux").error().code == ErrorCode::connect_identity_locked);
    CHECK(f.count(MessageKind::reset_link) == 2);
    CHECK(f.hasher.dummy_checks >= 3);
}

TEST_CASE("NIR login on an account created with an email answers identifier_migrated, after its password",
          "[service][sessions][registration]") {
    Fixture f;
    f.register_martin();
    CHECK(f.sessions.login("184027512345674", "faux").error().code == ErrorCode::invalid_credentials);
    CHECK(f.sessions.login("184027512345674", kPassword).error().code == ErrorCode::identifier_migrated);
}

TEST_CASE("the activation mail can be asked again, at most once a minute, and says nothing of unknown addresses",
          "[service][registration]") {
    Fixture f;
    f.register_martin(false);
    REQUIRE(f.count(MessageKind::activation_link) == 1);
    CHECK(f.registration.resend_activation("jean.martin@exemple.fr"));
    CHECK(f.count(MessageKind::activation_link) == 1);  // cooldown
    f.clock.t += std::chrono::minutes(2);
    CHECK(f.registration.resend_activation("Jean.Martin@exemple.fr"));
    CHECK(f.count(MessageKind::activation_link) == 2);
    CHECK(f.registration.resend_activation("personne@exemple.fr"));
    CHECK(f.count(MessageKind::activation_link) == 2);
    CHECK(f.registration.resend_activation("pas-une-adresse").error().code == ErrorCode::invalid_email);

    // Both links work until one is used; a link past 15 days is expired.
    REQUIRE(f.registration.activate(f.last_token(MessageKind::activation_link)));
    CHECK(f.registration.resend_activation("jean.martin@exemple.fr"));
    CHECK(f.count(MessageKind::activation_link) == 2);  // active now: nothing to resend
}

TEST_CASE("an activation link expires after 15 days", "[service][registration]") {
    Fixture f;
    f.register_martin(false);
    f.clock.t += std::chrono::hours(24 * 15) + std::chrono::seconds(1);
    auto late = f.registration.activate(f.last_token(MessageKind::activation_link));
    REQUIRE_FALSE(late);
    CHECK(late.error().code == ErrorCode::link_expired);
    CHECK(f.registration.activate("inconnu").error().code == ErrorCode::link_expired);
}
