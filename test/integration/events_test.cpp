// The security event log port: the same contract on the in-memory fake and on PostgreSQL.
#include <catch2/catch.hpp>

#include "infra/postgres/pg_unit_of_work.hpp"
#include "support/fakes.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

void event_log_contract(UnitOfWork& uow) {
    const auto member = *parse_member(sample_record(), test_clock().today());
    std::optional<AccountId> account;
    uow.run([&](Transaction& tx) {
        tx.members().upsert(member);
        account = tx.accounts().create_legacy(LegacyAccount{member.nir, std::nullopt, false, std::nullopt, false});
    });
    REQUIRE(account);
    uow.run([&](Transaction& tx) {
        tx.events().record(SecurityEvent{*account, SecurityEventKind::login_failed, "nir"});
        tx.events().record(SecurityEvent{*account, SecurityEventKind::agent_unlock, "", std::string("agent.dupont")});
        const auto now = std::chrono::system_clock::now();
        tx.sessions().create(SessionInfo{"s1", *account, {}, now, now, now + std::chrono::hours(1), "nir"}, "refresh-s1");
    });
    CHECK_THROWS(uow.run([&](Transaction& tx) {  // rolled back with its transaction
        tx.events().record(SecurityEvent{*account, SecurityEventKind::password_changed, "change"});
        throw std::runtime_error("rollback");
    }));
    std::vector<RecordedSecurityEvent> events, two, other;
    uow.run([&](Transaction& tx) {
        events = tx.events().list(*account, 10);
        two = tx.events().list(*account, 2);
        other = tx.events().list(*account + 1, 10);
    });
    REQUIRE(events.size() == 3);
    CHECK(events[0].event.kind == SecurityEventKind::login_succeeded);  // newest first: the session, as a login
    CHECK(events[0].event.detail == "nir");
    CHECK(events[1].event.kind == SecurityEventKind::agent_unlock);
    CHECK(events[1].event.agent_id == "agent.dupont");
    CHECK_FALSE(events[2].event.agent_id);
    CHECK(events[2].event.detail == "nir");
    CHECK(two.size() == 2);
    CHECK(other.empty());

    // A back-office write of no single account (SPEC.md §8): stored with its agent, listed under
    // no account; without an agent either, it would say nothing of who did it: refused.
    uow.run([&](Transaction& tx) {
        tx.events().record(SecurityEvent{std::nullopt, SecurityEventKind::members_imported, "created 1", std::string("agent.dupont")});
    });
    uow.run([&](Transaction& tx) { events = tx.events().list(*account, 10); });
    CHECK(events.size() == 3);
    CHECK_THROWS(uow.run([&](Transaction& tx) { tx.events().record(SecurityEvent{std::nullopt, SecurityEventKind::members_imported}); }));
}

}  // namespace

TEST_CASE("security event log contract: in-memory fake", "[contract]") {
    FakeUnitOfWork uow;
    event_log_contract(uow);
}

TEST_CASE("security event log contract: PostgreSQL", "[contract][postgres]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    event_log_contract(uow);
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    CHECK(tx.exec1("SELECT count(*) FROM security_events WHERE account_id IS NULL AND agent_id = 'agent.dupont'")[0].as<int>() == 1);
}
