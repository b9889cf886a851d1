// Migrations under an advisory lock, and the pool recovering from lost connections.
#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "infra/crypto/data_cipher.hpp"
#include "infra/postgres/migrations.hpp"
#include "infra/postgres/pg_readiness_probe.hpp"
#include "infra/postgres/pg_unit_of_work.hpp"
#include "support/fakes.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;

TEST_CASE("migrate applies every migration once and records it", "[postgres][migrations]") {
    TestDatabase db(false);
    const auto& all = infra::embedded_migrations();
    REQUIRE_FALSE(all.empty());
    auto first = infra::migrate(db.url(), all);
    CHECK(first.applied.size() == all.size());
    CHECK(first.current_version == all.back().version);
    auto second = infra::migrate(db.url(), all);
    CHECK(second.applied.empty());
    CHECK(second.current_version == all.back().version);

    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    CHECK(tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<std::size_t>() == all.size());
}

TEST_CASE("two processes migrating at once apply each migration exactly once", "[postgres][migrations]") {
    TestDatabase db(false);
    const auto& all = infra::embedded_migrations();
    // Several racers on separate connections; the advisory lock serialises them.
    std::vector<std::future<infra::MigrationReport>> racers;
    for (int i = 0; i < 4; ++i)
        racers.push_back(std::async(std::launch::async, [&] { return infra::migrate(db.url(), all); }));
    std::size_t applied = 0;
    for (auto& r : racers) applied += r.get().applied.size();
    CHECK(applied == all.size());
}

TEST_CASE("a failing migration applies nothing", "[postgres][migrations]") {
    TestDatabase db(false);
    std::vector<infra::Migration> broken{{1, "0001_ok", "CREATE TABLE a (x int)"}, {2, "0002_bad", "CREATE TABLE ("}};
    CHECK_THROWS(infra::migrate(db.url(), broken));
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    CHECK(tx.exec("SELECT 1 FROM pg_tables WHERE tablename IN ('a', 'schema_migrations')").empty());
}

TEST_CASE("the pool reconnects after the server drops every connection", "[postgres][pool]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    std::array<unsigned char, 32> key{};
    infra::DataCipher cipher(key);
    infra::PgUnitOfWork uow(pool, cipher);
    infra::PgReadinessProbe probe(pool);
    const auto jean = *parse_member(sample_record(), test_clock().today());

    uow.run([&](Transaction& tx) { tx.members().upsert(jean); });
    CHECK(probe.ready());
    db.kill_connections();  // as a PostgreSQL restart would

    std::optional<Member> found;
    uow.run([&](Transaction& tx) { found = tx.members().find_by_nir(jean.nir); });  // retried on a fresh connection
    CHECK(found);
    db.kill_connections();
    CHECK(probe.ready());  // the broken connection is replaced, not reported
}

TEST_CASE("an unreachable database is Unavailable, not a crash", "[postgres][pool]") {
    infra::ConnectionPool pool("postgresql://guichet@/nope?host=/nonexistent-socket-dir&port=1", 1,
                               std::chrono::milliseconds(200));
    std::array<unsigned char, 32> key{};
    infra::DataCipher cipher(key);
    infra::PgUnitOfWork uow(pool, cipher);
    CHECK_THROWS_AS(uow.run([](Transaction&) {}), Unavailable);
    infra::PgReadinessProbe probe(pool);
    CHECK_FALSE(probe.ready());
}

TEST_CASE("the pool hands each connection to one unit of work at a time", "[postgres][pool]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 3);
    std::array<unsigned char, 32> key{};
    infra::DataCipher cipher(key);
    infra::PgUnitOfWork uow(pool, cipher);
    std::vector<std::thread> threads;
    std::atomic<int> done{0};
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 10; ++i) {
                auto record = sample_record();
                record.last_name = "Nom" + std::to_string(t);
                auto m = *parse_member(record, test_clock().today());
                uow.run([&](Transaction& tx) { tx.members().upsert(m); });
            }
            ++done;
        });
    for (auto& th : threads) th.join();
    CHECK(done == 8);
}
