// Service: forgot password (seed 004, seed 002 for Connect identities; issue 5 point 2), and the
// security question of each member type.
#include <catch2/catch.hpp>

#include "domain/members/security_question.hpp"
#include "infra/crypto/jwt_signer.hpp"
#include "service/members/member_import.hpp"
#include "service/recovery/recovery.hpp"
#include "service/sessions/sessions.hpp"
#include "infra/flows/json_flow_data.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

constexpr const char* kNir = "184027512345674";
constexpr const char* kPassword = "Ancien-Mot2passe!";

struct Fixture {
    FakeUnitOfWork uow;
    SettableClock clock;
    SequenceRandom random;
    PlainHasher hasher;
    FakeDigest digest;
    infra::JsonFlowDataCodec flow_codec;
    Flows flows{uow, clock, flow_codec};
    Recovery recovery{uow, flows, hasher, random, digest, clock, test_rules()};
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {9}}, "https://espace.exemple.fr"};
    Sessions sessions{uow, hasher, signer, random, clock, test_rules()};

    explicit Fixture(MemberRecord record = sample_record(), bool logged_in_before = true) {
        uow.clock = &clock;
        MemberImport members(uow, clock);
        REQUIRE(members.run(kAgent, {{2, record}}));
        uow.run([&](Transaction& tx) {
            tx.accounts().create_legacy(
                LegacyAccount{*Nir::parse(record.nir), std::string("plain$") + kPassword, false, std::nullopt, logged_in_before});
        });
    }
    OutgoingMessage last() const { return uow.outbox().back(); }
    std::size_t sent() const { return uow.outbox().size(); }
    // Starts by NIR, chooses `channel` and answers the code that was sent.
    FlowView through_code(const std::string& channel) {
        auto flow = recovery.start(kNir, std::string("29/02/1984"));
        REQUIRE(flow);
        auto at_code = recovery.choose_channel(flow->id, channel);
        REQUIRE(at_code);
        REQUIRE(last().kind == MessageKind::security_code);
        const auto code = last().params.at("code");
        auto after = recovery.submit_code(flow->id, code);
        REQUIRE(after);
        return *after;
    }
};

std::string wrong_code(const std::string& code) { return code == "000000" ? "111111" : "000000"; }

}  // namespace

TEST_CASE("recovery: code by SMS, then a temporary password, the old password works until the code is used", "[service][recovery]") {
    Fixture f;
    CHECK(f.recovery.start(kNir, std::nullopt).error().field == "birth_date");
    CHECK(f.recovery.start("pas un identifiant", std::nullopt).error().field == "identifier");
    auto flow = f.recovery.start(kNir, std::string("29/02/1984"));
    REQUIRE(flow);
    CHECK(flow->state == "choose_channel");
    REQUIRE(flow->channels.size() == 3);
    CHECK(flow->channels[0].destination == "06 •• •• •• 78");
    CHECK(flow->channels[1].destination == "j•••@exemple.fr");
    CHECK(flow->channels[2].channel == "letter");

    auto at_code = f.recovery.choose_channel(flow->id, "sms");
    REQUIRE(at_code);
    CHECK(at_code->state == "code_sent");
    CHECK(f.last().kind == MessageKind::security_code);
    CHECK(f.last().recipient == "+33612345678");
    const auto code = f.last().params.at("code");
    CHECK(code.size() == 6);
    CHECK(f.sessions.login(kNir, kPassword));  // still the old password

    auto wrong = f.recovery.submit_code(flow->id, wrong_code(code));
    CHECK(wrong.error().code == ErrorCode::code_invalid);
    auto done = f.recovery.submit_code(flow->id, code);
    REQUIRE(done);
    CHECK(done->state == "temp_password_sent");
    CHECK(f.last().kind == MessageKind::temporary_password);
    CHECK(f.last().channel == Channel::sms);
    const auto temporary = f.last().params.at("password");
    CHECK(f.recovery.submit_code(flow->id, code).error().code == ErrorCode::step_not_allowed);  // no replay

    CHECK(f.sessions.login(kNir, kPassword).error().code == ErrorCode::invalid_credentials);
    auto tokens = f.sessions.login(kNir, temporary);
    REQUIRE(tokens);
    CHECK(tokens->required_actions.front() == RequiredAction::change_password);
}

TEST_CASE("recovery: 5 wrong codes kill the code, a code expires after 30 minutes", "[service][recovery]") {
    Fixture f;
    auto flow = f.recovery.start(kNir, std::string("29/02/1984"));
    REQUIRE(f.recovery.choose_channel(flow->id, "email"));
    const auto code = f.last().params.at("code");
    for (int i = 0; i < 4; ++i) CHECK(f.recovery.submit_code(flow->id, wrong_code(code)).error().code == ErrorCode::code_invalid);
    CHECK(f.recovery.submit_code(flow->id, wrong_code(code)).error().code == ErrorCode::too_many_attempts);  // the 5th
    CHECK(f.recovery.submit_code(flow->id, code).error().code == ErrorCode::too_many_attempts);  // dead, even the right one

    f.clock.t += std::chrono::seconds(61);
    REQUIRE(f.recovery.resend_code(flow->id));  // a new code
    const auto fresh = f.last().params.at("code");
    f.clock.t += std::chrono::minutes(31);
    CHECK(f.recovery.submit_code(flow->id, fresh).error().code == ErrorCode::code_expired);
}

TEST_CASE("recovery: a new code with a cooldown and a cap, the older code stops working", "[service][recovery]") {
    Fixture f;
    auto flow = f.recovery.start(kNir, std::string("29/02/1984"));
    REQUIRE(f.recovery.choose_channel(flow->id, "sms"));
    const auto first = f.last().params.at("code");
    CHECK(f.recovery.resend_code(flow->id).error().code == ErrorCode::rate_limited);  // within the minute
    for (int i = 1; i < test_rules().recovery_codes_per_flow; ++i) {
        f.clock.t += std::chrono::seconds(61);
        REQUIRE(f.recovery.resend_code(flow->id));
    }
    f.clock.t += std::chrono::seconds(61);
    CHECK(f.recovery.resend_code(flow->id).error().code == ErrorCode::rate_limited);  // the cap
    const auto latest = f.last().params.at("code");
    if (latest != first) CHECK(f.recovery.submit_code(flow->id, first).error().code == ErrorCode::code_invalid);
    CHECK(f.recovery.submit_code(flow->id, latest));
}

TEST_CASE("recovery, never logged in: the security question of a particulier, right answer", "[service][recovery]") {
    Fixture f(sample_record(), false);
    auto question = f.through_code("email");
    CHECK(question.state == "security_question");
    REQUIRE(question.question);
    CHECK(question.question->kind == "carte_vitale_or_benefit");
    auto done = f.recovery.answer_question(question.id, "23,50 €");
    REQUIRE(done);
    CHECK(done->state == "temp_password_sent");
    CHECK(f.last().kind == MessageKind::temporary_password);
    CHECK(f.last().channel == Channel::email);
    CHECK(f.recovery.answer_question(question.id, "23,50").error().code == ErrorCode::step_not_allowed);
}

TEST_CASE("recovery, never logged in: a wrong answer sends the password by letter, and says so on the channel", "[service][recovery]") {
    Fixture f(sample_record(), false);
    auto question = f.through_code("sms");
    const auto before = f.sent();
    auto done = f.recovery.answer_question(question.id, "99,99");
    REQUIRE(done);
    CHECK(done->state == "letter_sent");
    REQUIRE(f.sent() == before + 2);
    const auto letter = f.uow.outbox()[before];
    CHECK(letter.channel == Channel::letter);
    CHECK(letter.kind == MessageKind::temporary_password);
    CHECK(letter.params.at("valid_for") == "30 jours");
    CHECK(f.last().kind == MessageKind::letter_on_its_way);
    CHECK(f.last().channel == Channel::sms);
    CHECK(done->messages.front().code == "identity_not_verified");
}

TEST_CASE("recovery, never logged in: a tiers cannot be checked online: letter at once after the code", "[service][recovery]") {
    auto record = sample_record();
    record.member_type = "tiers";
    Fixture f(record, false);
    auto done = f.through_code("email");
    CHECK(done.state == "letter_sent");
    CHECK(f.last().kind == MessageKind::letter_on_its_way);
    CHECK(f.uow.outbox()[f.sent() - 2].channel == Channel::letter);
}

TEST_CASE("recovery: an unknown NIR or a wrong birth date looks the same, and nothing is sent", "[service][recovery]") {
    Fixture f;
    auto unknown = f.recovery.start("269029935004220", std::string("01/01/1969"));
    REQUIRE(unknown);
    CHECK(unknown->state == "choose_channel");
    CHECK(unknown->channels.back().channel == "letter");
    auto again = f.recovery.start("269029935004220", std::string("01/01/1969"));
    REQUIRE(again->channels.size() == unknown->channels.size());
    for (std::size_t i = 0; i < again->channels.size(); ++i) CHECK(again->channels[i].destination == unknown->channels[i].destination);

    auto wrong_birth = f.recovery.start(kNir, std::string("28/02/1984"));
    REQUIRE(wrong_birth);
    CHECK(wrong_birth->state == "choose_channel");
    const auto before = f.sent();
    const auto channel = wrong_birth->channels.front().channel;
    if (channel != "letter") {
        auto at_code = f.recovery.choose_channel(wrong_birth->id, channel);
        REQUIRE(at_code);
        CHECK(at_code->state == "code_sent");
        for (int i = 0; i < 4; ++i) CHECK(f.recovery.submit_code(wrong_birth->id, "123456").error().code == ErrorCode::code_invalid);
        CHECK(f.recovery.submit_code(wrong_birth->id, "123456").error().code == ErrorCode::too_many_attempts);
    }
    auto by_post = f.recovery.choose_channel(unknown->id, "letter");
    REQUIRE(by_post);
    CHECK(by_post->state == "letter_sent");
    CHECK(f.sent() == before);  // no code, no letter
    CHECK(f.sessions.login(kNir, kPassword));  // the real member's password is untouched
}

TEST_CASE("recovery by email: a reset link for a Connect identity, the same answer for an unknown email", "[service][recovery]") {
    Fixture f;
    f.uow.run([&](Transaction& tx) {
        tx.identities().create(NewIdentity{*Email::parse("marie.curie@exemple.fr"), "plain$Radium-1898!", "first_pet", "plain$minou"});
    });
    auto known = f.recovery.start("Marie.Curie@exemple.fr", std::nullopt);
    REQUIRE(known);
    CHECK(known->state == "link_sent");
    CHECK(f.last().kind == MessageKind::reset_link);
    CHECK(f.last().recipient == "marie.curie@exemple.fr");
    const auto before = f.sent();
    auto unknown = f.recovery.start("pierre.curie@exemple.fr", std::nullopt);
    REQUIRE(unknown);
    CHECK(unknown->state == known->state);
    CHECK(unknown->next_steps.empty());
    CHECK(unknown->messages.front().code == known->messages.front().code);
    CHECK(f.sent() == before);
}

TEST_CASE("security question: what each member type is asked, and what counts as right", "[domain][recovery]") {
    const auto today = test_clock().today();  // 2026-11-25
    auto member = *parse_member(sample_record(), today);  // particulier; 23.50 on 2026-10-03, 112 on 2026-08-14
    CHECK(security_answer_matches(member, "123456789", today));
    CHECK(security_answer_matches(member, " 123 456 789 ", today));
    CHECK(security_answer_matches(member, "112", today));
    CHECK(security_answer_matches(member, "112,00 EUR", today));
    CHECK(security_answer_matches(member, "23.5", today));
    CHECK_FALSE(security_answer_matches(member, "23", today));
    CHECK_FALSE(security_answer_matches(member, "", today));
    CHECK_FALSE(security_answer_matches(member, "-23.50", today));
    member.recent_amounts = *parse_recent_amounts("2026-05-24:40;2026-05-25:41");
    CHECK_FALSE(security_answer_matches(member, "40", today));  // more than 6 months ago
    CHECK(security_answer_matches(member, "41", today));
    member.type = MemberType::exploitant;  // 12 months, amounts only
    CHECK(security_answer_matches(member, "40", today));
    CHECK_FALSE(security_answer_matches(member, "123456789", today));
    member.type = MemberType::tiers;
    CHECK_FALSE(security_answer_matches(member, "40", today));
    CHECK_FALSE(security_question_for(MemberType::tiers));
    CHECK(security_question_for(MemberType::entreprise)->kind == "wage_contributions");
}

TEST_CASE("recovery: 5 identity checks a day per NIR, known or not, then too_many_attempts whatever is typed", "[service][recovery][limits]") {
    Fixture f;
    for (const char* nir : {kNir, "2990175123456"}) {  // a member's NIR, and nobody's
        INFO(nir);
        for (int i = 0; i < 5; ++i) REQUIRE(f.recovery.start(nir, std::string(i % 2 ? "29/02/1984" : "01/01/1990")));
        const auto refused = f.recovery.start(nir, std::string("29/02/1984"));  // even the right birth date
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == ErrorCode::too_many_attempts);
        REQUIRE(refused.error().limit);
        CHECK(refused.error().limit->policy == "identity_checks");
        CHECK(refused.error().limit->decision.retry_after == std::chrono::hours(24));
    }
    // An exact window: no check comes back before the first one is 24 h old (never 6 in a day).
    f.clock.t += std::chrono::hours(23);
    CHECK_FALSE(f.recovery.start(kNir, std::string("29/02/1984")));
    f.clock.t += std::chrono::hours(1);
    CHECK(f.recovery.start(kNir, std::string("29/02/1984")));
}

TEST_CASE("recovery: codes to one destination are capped at 5 an hour across flows, decoys alike, and nothing is queued beyond", "[service][recovery][limits]") {
    Fixture f;
    const auto codes_to = [&](const char* nir, const char* birth) {
        int sent = 0;
        for (int flow_no = 0; flow_no < 3; ++flow_no) {
            f.clock.t += std::chrono::minutes(2);
            auto flow = f.recovery.start(nir, std::string(birth));
            REQUIRE(flow);
            REQUIRE(flow->channels.front().channel != "letter");  // the decoy's first channel, like the member's SMS
            auto step = f.recovery.choose_channel(flow->id, flow->channels.front().channel);
            for (int resend = 0; step && resend < 2; ++resend) {
                ++sent;
                f.clock.t += std::chrono::minutes(1);
                step = f.recovery.resend_code(flow->id);
            }
            if (step) ++sent;
            if (!step) {
                CHECK(step.error().code == ErrorCode::rate_limited);
                REQUIRE(step.error().limit);
                CHECK(step.error().limit->policy == "destination_hour");
                return sent;
            }
        }
        return sent;
    };
    const auto before = f.sent();
    CHECK(codes_to(kNir, "29/02/1984") == 5);
    CHECK(f.sent() - before == 5);
    CHECK(codes_to("2990175123456", "01/01/1990") == 5);  // a decoy: counted alike, nothing sent
    CHECK(f.sent() - before == 5);
}

TEST_CASE("recovery: at most 2 letters per account in 30 days, decoys alike", "[service][recovery][limits]") {
    Fixture f;
    for (const char* nir : {kNir, "2990175123456"}) {
        INFO(nir);
        for (int i = 0; i < 2; ++i) {
            f.clock.t += std::chrono::hours(1);
            auto flow = f.recovery.start(nir, std::string("29/02/1984"));
            REQUIRE(flow);
            CHECK(f.recovery.choose_channel(flow->id, "letter"));
        }
        auto flow = f.recovery.start(nir, std::string("29/02/1984"));
        REQUIRE(flow);
        const auto third = f.recovery.choose_channel(flow->id, "letter");
        REQUIRE_FALSE(third);
        CHECK(third.error().code == ErrorCode::rate_limited);
        CHECK(third.error().limit->policy == "letters");
    }
}

TEST_CASE("recovery by letter: the current password keeps working until the letter's is first used", "[service][recovery][abuse]") {
    Fixture f;
    auto flow = f.recovery.start(kNir, std::string("29/02/1984"));
    REQUIRE(flow);
    REQUIRE(f.recovery.choose_channel(flow->id, "letter"));
    REQUIRE(f.last().channel == Channel::letter);
    const auto letter = f.last().params.at("password");
    // A stranger who knows the NIR and the birth date cut no one off.
    CHECK(f.sessions.login(kNir, kPassword));
    // That login ended the letter's password: the member had theirs.
    CHECK(f.sessions.login(kNir, letter).error().code == ErrorCode::invalid_credentials);

    // Another letter, and the member uses it: it becomes the password, to personalise.
    f.clock.t += std::chrono::hours(1);
    auto again = f.recovery.start(kNir, std::string("29/02/1984"));
    REQUIRE(again);
    REQUIRE(f.recovery.choose_channel(again->id, "letter"));
    const auto second = f.last().params.at("password");
    auto tokens = f.sessions.login(kNir, second);
    REQUIRE(tokens);
    CHECK(tokens->required_actions.front() == RequiredAction::change_password);
    CHECK(f.sessions.login(kNir, kPassword).error().code == ErrorCode::invalid_credentials);
}

TEST_CASE("recovery by letter: a letter opens a locked account and lifts the lock, an expired letter does not", "[service][recovery][abuse]") {
    Fixture f;
    for (int i = 0; i < 3; ++i) f.sessions.login(kNir, "faux");
    REQUIRE(f.sessions.login(kNir, kPassword).error().code == ErrorCode::account_locked);
    auto flow = f.recovery.start(kNir, std::string("29/02/1984"));
    REQUIRE(flow);
    REQUIRE(f.recovery.choose_channel(flow->id, "letter"));
    const auto letter = f.last().params.at("password");
    CHECK(f.sessions.login(kNir, kPassword).error().code == ErrorCode::account_locked);  // still locked: nothing proved
    {
        Fixture g;
        for (int i = 0; i < 3; ++i) g.sessions.login(kNir, "faux");
        auto other = g.recovery.start(kNir, std::string("29/02/1984"));
        REQUIRE(other);
        REQUIRE(g.recovery.choose_channel(other->id, "letter"));
        const auto late = g.last().params.at("password");
        g.clock.t += std::chrono::hours(24 * 31);
        CHECK(g.sessions.login(kNir, late).error().code == ErrorCode::account_locked);
    }
    REQUIRE(f.sessions.login(kNir, letter));
    CHECK(f.sessions.login(kNir, "faux").error().code == ErrorCode::invalid_credentials);  // unlocked: counted afresh
}

TEST_CASE("a password replaced by a recovery or by a letter's first use ends the sessions of before and tells the contacts",
          "[service][recovery][abuse]") {
    Fixture f;
    auto before = f.sessions.login(kNir, kPassword);
    REQUIRE(before);
    f.through_code("sms");  // the code proved the phone: the temporary password replaces the old one
    CHECK_FALSE(f.sessions.refresh(before->refresh_token));
    CHECK_FALSE(f.sessions.authenticate(before->access_token, Sessions::Scope::required_actions));
    int notices = 0;
    for (const auto& m : f.uow.outbox())
        if (m.kind == MessageKind::password_changed) {
            ++notices;
            CHECK(m.recipient == "jean.martin@exemple.fr");  // not the phone, which got the password itself
        }
    CHECK(notices == 1);

    Fixture g;
    auto stolen = g.sessions.login(kNir, kPassword);
    REQUIRE(stolen);
    auto flow = g.recovery.start(kNir, std::string("29/02/1984"));
    REQUIRE(flow);
    REQUIRE(g.recovery.choose_channel(flow->id, "letter"));
    const auto letter = g.last().params.at("password");
    const auto rotated = g.sessions.refresh(stolen->refresh_token);  // nothing changed yet
    REQUIRE(rotated);
    REQUIRE(g.sessions.login(kNir, letter));
    CHECK_FALSE(g.sessions.refresh(rotated->refresh_token));  // the letter's first use ended it
}
