// Service: agent actions (seed 004, issue 5 point 6) and the security events every procedure
// records (point 7): who did what, never a secret.
#include <catch2/catch.hpp>

#include "infra/crypto/jwt_signer.hpp"
#include "service/agents/agent_actions.hpp"
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
    AgentActions agents{uow, hasher, random, clock, test_rules()};
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {9}}, "https://espace.exemple.fr"};
    Sessions sessions{uow, hasher, signer, random, clock, test_rules()};
    infra::JsonFlowDataCodec flow_codec;
    Flows flows{uow, clock, flow_codec};
    Recovery recovery{uow, flows, hasher, random, digest, clock, test_rules()};
    AccountId account{};

    Fixture() {
        uow.clock = &clock;
        MemberImport members(uow, clock);
        REQUIRE(members.run(kAgent, {{2, sample_record()}}));
        std::optional<AccountId> id;
        uow.run([&](Transaction& tx) {
            id = tx.accounts().create_legacy(LegacyAccount{*Nir::parse(kNir), std::string("plain$") + kPassword, false, std::nullopt, true});
        });
        account = *id;
    }
    std::vector<std::string> kinds() {
        std::vector<std::string> out;
        const auto events = agents.events("agent.dupont", account, 100);  // kept: a range-for over *temporary dangles
        for (const auto& e : *events) out.emplace_back(to_string(e.event.kind));
        return out;
    }
    bool recorded(const std::string& kind) {
        const auto all = kinds();
        return std::find(all.begin(), all.end(), kind) != all.end();
    }
};

}  // namespace

TEST_CASE("agents: look an account up by NIR or email, and only by one", "[service][agents]") {
    Fixture f;
    auto found = f.agents.lookup("agent.dupont", std::string("1840275123456"), std::nullopt);
    REQUIRE(found);
    CHECK(found->id == f.account);
    CHECK(found->masked_nir == "1 84 •• •• ••• ••• 74");
    CHECK_FALSE(found->locked);
    REQUIRE(found->channels.size() == 3);
    CHECK(found->channels[0].destination == "06 •• •• •• 78");
    CHECK(f.agents.lookup("agent.dupont", std::string("269029935004220"), std::nullopt).error().code == ErrorCode::not_found);
    CHECK(f.agents.lookup("agent.dupont", std::string("123"), std::nullopt).error().code == ErrorCode::invalid_nir);
    CHECK(f.agents.lookup("agent.dupont", std::nullopt, std::nullopt).error().code == ErrorCode::validation_error);
    CHECK(f.agents.lookup("agent.dupont", std::string(kNir), std::string("a@b.fr")).error().code == ErrorCode::validation_error);
    CHECK(f.agents.lookup("agent.dupont", std::nullopt, std::string("personne@exemple.fr")).error().code == ErrorCode::not_found);
    const auto events = *f.agents.events("agent.martin", f.account, 10);
    REQUIRE(events.size() == 2);
    CHECK(events[0].event.kind == SecurityEventKind::agent_events_read);  // newest first
    CHECK(events[0].event.agent_id == "agent.martin");
    CHECK(events[1].event.kind == SecurityEventKind::agent_lookup);
    CHECK(events[1].event.agent_id == "agent.dupont");
}

TEST_CASE("agents: a password reset sends a temporary password, unlocks and ends the sessions", "[service][agents]") {
    Fixture f;
    auto before = f.sessions.login(kNir, kPassword);
    REQUIRE(before);
    for (int i = 0; i < 4; ++i) f.sessions.login(kNir, "faux");
    CHECK(f.sessions.login(kNir, kPassword).error().code == ErrorCode::account_locked);
    CHECK(f.agents.lookup("agent.dupont", std::string(kNir), std::nullopt)->locked);

    CHECK(f.agents.reset_password("agent.dupont", f.account, "pigeon").error().code == ErrorCode::validation_error);
    CHECK(f.agents.reset_password("agent.dupont", 999, "sms").error().code == ErrorCode::not_found);
    auto done = f.agents.reset_password("agent.dupont", f.account, "sms");
    REQUIRE(done);
    CHECK(done->destination == "06 •• •• •• 78");
    CHECK(done->valid_until == f.clock.now() + std::chrono::hours(24));
    const auto temporary = f.uow.outbox().back().params.at("password");
    CHECK(f.sessions.authenticate(before->access_token).error().code == ErrorCode::unauthorized);  // sessions ended
    auto tokens = f.sessions.login(kNir, temporary);  // unlocked, with the temporary password
    REQUIRE(tokens);
    CHECK(tokens->required_actions.front() == RequiredAction::change_password);

    // Every step is in the log, the agent's with its id, and no secret anywhere.
    CHECK(f.recorded("login_succeeded"));
    CHECK(f.recorded("login_failed"));
    CHECK(f.recorded("account_locked"));
    CHECK(f.recorded("agent_password_reset"));
    for (const auto& e : f.uow.events()) {
        CHECK(e.event.detail.find(temporary) == std::string::npos);
        CHECK(e.event.detail.find(kPassword) == std::string::npos);
        if (e.event.kind == SecurityEventKind::agent_password_reset) CHECK(e.event.agent_id == "agent.dupont");
    }
}

TEST_CASE("agents: unlock", "[service][agents]") {
    Fixture f;
    for (int i = 0; i < 4; ++i) f.sessions.login(kNir, "faux");
    auto after = f.agents.unlock("agent.dupont", f.account);
    REQUIRE(after);
    CHECK_FALSE(after->locked);
    CHECK(f.sessions.login(kNir, kPassword));
    CHECK(f.agents.unlock("agent.dupont", 999).error().code == ErrorCode::not_found);
    CHECK(f.recorded("agent_unlock"));
}

TEST_CASE("security events: a recovery records the code and the temporary password, without them", "[service][agents]") {
    Fixture f;
    auto flow = f.recovery.start(kNir, std::string("29/02/1984"));
    REQUIRE(f.recovery.choose_channel(flow->id, "email"));
    const auto code = f.uow.outbox().back().params.at("code");
    CHECK_FALSE(f.recovery.submit_code(flow->id, code == "000000" ? "111111" : "000000"));
    REQUIRE(f.recovery.submit_code(flow->id, code));
    const auto temporary = f.uow.outbox().back().params.at("password");
    CHECK(f.recorded("code_sent"));
    CHECK(f.recorded("code_failed"));
    CHECK(f.recorded("code_used"));
    CHECK(f.recorded("temporary_password_sent"));
    for (const auto& e : f.uow.events()) {
        CHECK(e.event.detail.find(code) == std::string::npos);
        CHECK(e.event.detail.find(temporary) == std::string::npos);
        CHECK(e.event.detail.find("jean.martin@exemple.fr") == std::string::npos);  // masked
    }
}

TEST_CASE("agents: a temporary password on an email identifier also restricts the session to personalising", "[service][agents]") {
    Fixture f;
    auto record = sample_record("269029935004220");
    record.email = "elodie.lefevre@exemple.fr";
    MemberImport members(f.uow, f.clock);
    REQUIRE(members.run(kAgent, {{3, record}}));
    std::optional<AccountId> account;
    f.uow.run([&](Transaction& tx) {
        const auto identity = tx.identities().create(NewIdentity{*Email::parse("elodie@exemple.fr"), "plain$Forum-Mot2passe!", "first_pet", ""});
        account = tx.accounts().create_registered(RegisteredAccount{*Nir::parse("269029935004220"), *identity, std::nullopt, std::nullopt});
        tx.accounts().activate(*account);
        tx.identities().mark_validated(*identity);
    });
    REQUIRE(f.sessions.login("elodie@exemple.fr", "Forum-Mot2passe!")->required_actions.empty());
    REQUIRE(f.agents.reset_password("agent.dupont", *account, "email"));
    const auto temporary = f.uow.outbox().back().params.at("password");
    CHECK(f.sessions.login("elodie@exemple.fr", "Forum-Mot2passe!").error().code == ErrorCode::invalid_credentials);
    auto tokens = f.sessions.login("elodie@exemple.fr", temporary);
    REQUIRE(tokens);
    CHECK(tokens->required_actions.front() == RequiredAction::change_password);
    f.clock.t += std::chrono::hours(25);  // by email: 24 hours
    CHECK(f.sessions.login("elodie@exemple.fr", temporary).error().code == ErrorCode::invalid_credentials);
}

TEST_CASE("security events: a recovery that lifts a lock says so", "[service][agents]") {
    Fixture f;
    for (int i = 0; i < 4; ++i) f.sessions.login(kNir, "faux");
    auto flow = f.recovery.start(kNir, std::string("29/02/1984"));
    REQUIRE(f.recovery.choose_channel(flow->id, "sms"));
    const auto code = f.uow.outbox().back().params.at("code");
    REQUIRE(f.recovery.submit_code(flow->id, code));
    CHECK(f.recorded("account_unlocked"));
    const std::string temporary = f.uow.outbox().back().params.at("password");  // a copy: login enqueues
    CHECK(f.sessions.login(kNir, temporary));
}
