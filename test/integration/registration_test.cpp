// Connect identities, registered accounts, flows and link tokens: one contract run on the
// in-memory fakes and on PostgreSQL, and what only the database can show (parallel steps, no
// secret in clear).
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "infra/postgres/pg_unit_of_work.hpp"
#include "support/fakes.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

void registration_contract(UnitOfWork& uow) {
    const auto now = test_clock().now();
    const auto member = *parse_member(sample_record(), test_clock().today());
    uow.run([&](Transaction& tx) { tx.members().upsert(member); });

    // Identities: one per email (case ignored), linked to at most one account.
    std::optional<IdentityId> id, twin;
    const NewIdentity identity{*Email::parse("Jean.Martin@exemple.fr"), "$argon2id$h", "birth_city", "$argon2id$a"};
    uow.run([&](Transaction& tx) { id = tx.identities().create(identity); });
    auto copy = identity;
    copy.email = *Email::parse("jean.martin@EXEMPLE.FR");
    uow.run([&](Transaction& tx) { twin = tx.identities().create(copy); });
    REQUIRE(id);
    CHECK_FALSE(twin);
    std::optional<ConnectIdentity> found;
    uow.run([&](Transaction& tx) { found = tx.identities().find_by_email(*Email::parse("JEAN.MARTIN@exemple.fr")); });
    REQUIRE(found);
    CHECK(found->id == *id);
    CHECK(found->email == "jean.martin@exemple.fr");
    CHECK(found->password_hash == "$argon2id$h");
    CHECK_FALSE(found->validated);
    CHECK_FALSE(found->account_id);

    std::optional<AccountId> account, again;
    const RegisteredAccount registered{member.nir, *id, Phone::parse("0612345678").value(), std::nullopt};
    uow.run([&](Transaction& tx) { account = tx.accounts().create_registered(registered); });
    uow.run([&](Transaction& tx) { again = tx.accounts().create_registered(registered); });
    REQUIRE(account);
    CHECK_FALSE(again);  // one account per member and per identity
    uow.run([&](Transaction& tx) { found = tx.identities().find(*id); });
    CHECK(found->account_id == account);
    CHECK(found->account_status == "pending_activation");
    std::optional<LegacyLogin> legacy;
    uow.run([&](Transaction& tx) { legacy = tx.accounts().find_legacy_login(member.nir.body()); });
    REQUIRE(legacy);
    CHECK(legacy->migrated);  // reached by its email
    CHECK(legacy->identity_password_hash == "$argon2id$h");
    CHECK_FALSE(legacy->nir_password_hash);
    std::optional<AccountProfile> profile;
    uow.autocommit([&](Transaction& tx) { profile = tx.accounts().profile(*account); });
    REQUIRE(profile);
    CHECK(profile->account.identity_email == "jean.martin@exemple.fr");
    CHECK(profile->account.mobile_phone->e164() == "+33612345678");
    CHECK(profile->account.status == "pending_activation");
    CHECK(profile->account.nir == member.nir);
    CHECK(profile->member == member);  // the same member as find_by_nir gives

    bool activated = false, twice = true;
    uow.run([&](Transaction& tx) { activated = tx.accounts().activate(*account); });
    uow.run([&](Transaction& tx) { twice = tx.accounts().activate(*account); });
    CHECK(activated);
    CHECK_FALSE(twice);
    uow.run([&](Transaction& tx) { found = tx.identities().find(*id); });
    CHECK(found->validated);
    CHECK(found->account_status == "active");
    uow.run([&](Transaction& tx) { tx.identities().set_password_hash(*id, "$argon2id$new"); });
    uow.run([&](Transaction& tx) { found = tx.identities().find(*id); });
    CHECK(found->password_hash == "$argon2id$new");

    // Flows: move only from the state a step was meant for; attempts counted and reset.
    FlowRecord flow{"flow-contract-1", "registration", "identity", 0, R"({"nir":"1840275123456"})", now + std::chrono::hours(1)};
    uow.run([&](Transaction& tx) { tx.flows().create(flow); });
    int tries = 0;
    bool moved = false, replayed = true;
    uow.run([&](Transaction& tx) { tries = tx.flows().count_attempt(flow.id); });
    uow.run([&](Transaction& tx) { tries = tx.flows().count_attempt(flow.id); });
    CHECK(tries == 2);
    uow.run([&](Transaction& tx) { moved = tx.flows().advance(flow.id, "identity", 0, "personal_info", R"({"step":2})"); });
    uow.run([&](Transaction& tx) { replayed = tx.flows().advance(flow.id, "identity", 0, "personal_info", R"({"step":3})"); });
    CHECK(moved);
    CHECK_FALSE(replayed);
    std::optional<FlowRecord> loaded;
    uow.run([&](Transaction& tx) { loaded = tx.flows().find(flow.id); });
    REQUIRE(loaded);
    CHECK(loaded->state == "personal_info");
    CHECK(loaded->data == R"({"step":2})");
    CHECK(loaded->attempts == 0);
    CHECK(std::chrono::abs(loaded->expires_at - flow.expires_at) < std::chrono::milliseconds(1));
    // A step that stays in its state (a resend) moves only from the version it was loaded at.
    CHECK(loaded->version == 1);
    bool resent = false, stale = true;
    uow.run([&](Transaction& tx) { resent = tx.flows().advance(flow.id, "personal_info", 1, "personal_info", R"({"step":4})"); });
    uow.run([&](Transaction& tx) { stale = tx.flows().advance(flow.id, "personal_info", 1, "personal_info", R"({"step":5})"); });
    CHECK(resent);
    CHECK_FALSE(stale);
    uow.run([&](Transaction& tx) { loaded = tx.flows().find("absent"); });
    CHECK_FALSE(loaded);
    uow.autocommit([&](Transaction& tx) { loaded = tx.flows().find(flow.id); });  // reads see what is committed
    REQUIRE(loaded);
    CHECK(loaded->state == "personal_info");

    // Link tokens: single use, expiry, purpose, cooldown.
    const LinkSubject subject{account, id};
    uow.run([&](Transaction& tx) {
        tx.links().issue(LinkPurpose::activation, "token-a", subject, now + std::chrono::hours(1));
        tx.links().issue(LinkPurpose::activation, "token-old", subject, now - std::chrono::seconds(1));
    });
    LinkUse use{LinkState::unknown, {}};
    uow.run([&](Transaction& tx) { use = tx.links().consume(LinkPurpose::password_reset, "token-a", now); });
    CHECK(use.state == LinkState::unknown);  // another purpose
    uow.run([&](Transaction& tx) { use = tx.links().consume(LinkPurpose::activation, "token-a", now); });
    CHECK(use.state == LinkState::valid);
    CHECK(use.subject == subject);
    uow.run([&](Transaction& tx) { use = tx.links().consume(LinkPurpose::activation, "token-a", now); });
    CHECK(use.state == LinkState::used);
    uow.run([&](Transaction& tx) { use = tx.links().consume(LinkPurpose::activation, "token-old", now); });
    CHECK(use.state == LinkState::expired);
    uow.run([&](Transaction& tx) { use = tx.links().consume(LinkPurpose::activation, "nope", now); });
    CHECK(use.state == LinkState::unknown);
    bool recent = false, other = true;
    uow.run([&](Transaction& tx) {
        recent = tx.links().issued_since(LinkPurpose::activation, subject, now - std::chrono::hours(24 * 365 * 10));
        other = tx.links().issued_since(LinkPurpose::password_reset, subject, now - std::chrono::hours(24 * 365 * 10));
    });
    CHECK(recent);
    CHECK_FALSE(other);
}

}  // namespace

TEST_CASE("registration contract: in-memory fake", "[contract]") {
    FakeUnitOfWork uow;
    registration_contract(uow);
}

TEST_CASE("registration contract: PostgreSQL", "[contract][postgres]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    registration_contract(uow);
}

TEST_CASE("parallel submissions of one step: exactly one moves the flow", "[postgres][flows]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 8);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    uow.run([&](Transaction& tx) {
        tx.flows().create(FlowRecord{"flow-race", "registration", "personal_info", 0, "{}", std::chrono::system_clock::now() + std::chrono::hours(1)});
    });
    std::atomic<int> moved{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&] {
            bool ok = false;
            uow.run([&](Transaction& tx) { ok = tx.flows().advance("flow-race", "personal_info", 0, "activation_sent", "{}"); });
            if (ok) ++moved;
        });
    for (auto& t : threads) t.join();
    CHECK(moved == 1);
}

TEST_CASE("flow data and link tokens are not stored in clear", "[postgres][security]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    uow.run([&](Transaction& tx) {
        tx.flows().create(FlowRecord{"flow-secret", "registration", "identity", 0, R"({"nir":"1840275123456"})",
                                     std::chrono::system_clock::now() + std::chrono::hours(1)});
        tx.links().issue(LinkPurpose::activation, "secret-token-value", {}, std::chrono::system_clock::now() + std::chrono::hours(1));
    });
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    CHECK(tx.exec1("SELECT count(*) FROM flows f WHERE encode(f.sealed, 'escape') LIKE '%1840275123456%'")[0].as<int>() == 0);
    CHECK(tx.exec1("SELECT count(*) FROM link_tokens l WHERE encode(l.token_hash, 'escape') LIKE '%secret-token%'")[0].as<int>() == 0);
    // A sealed flow moved to another id does not decrypt.
    tx.exec("INSERT INTO flows (id, type, state, sealed, expires_at) SELECT 'flow-copy', type, state, sealed, expires_at FROM flows WHERE id = 'flow-secret'");
    tx.commit();
    CHECK_THROWS(uow.run([&](Transaction& t) { t.flows().find("flow-copy"); }));
}
