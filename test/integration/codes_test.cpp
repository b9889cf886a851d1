// One-time codes: one contract for the in-memory fake and PostgreSQL, and the guarantee that
// only the allowed number of tries is ever compared, whatever arrives in parallel (issue 5).
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "infra/postgres/pg_unit_of_work.hpp"
#include "support/fakes.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

void code_contract(UnitOfWork& uow) {
    const auto now = test_clock().now();
    const auto p = CodePurpose::email_verification;
    CodeCheck check{CodeOutcome::valid};
    uow.run([&](Transaction& tx) { check = tx.codes().check(p, "account:1", "1234", now, 5); });
    CHECK(check.outcome == CodeOutcome::none);

    uow.run([&](Transaction& tx) { tx.codes().issue(p, "account:1", "1234", now + std::chrono::minutes(30)); });
    std::optional<std::chrono::system_clock::time_point> issued;
    uow.run([&](Transaction& tx) { issued = tx.codes().last_issued(p, "account:1"); });
    CHECK(issued.has_value());
    uow.run([&](Transaction& tx) { check = tx.codes().check(p, "account:1", "0000", now, 5); });
    CHECK(check.outcome == CodeOutcome::invalid);
    CHECK(check.attempts_left == 4);
    uow.run([&](Transaction& tx) { check = tx.codes().check(CodePurpose::security, "account:1", "1234", now, 5); });
    CHECK(check.outcome == CodeOutcome::none);  // another purpose
    uow.run([&](Transaction& tx) { check = tx.codes().check(p, "account:2", "1234", now, 5); });
    CHECK(check.outcome == CodeOutcome::none);  // another owner
    uow.run([&](Transaction& tx) { check = tx.codes().check(p, "account:1", "1234", now, 5); });
    CHECK(check.outcome == CodeOutcome::valid);
    uow.run([&](Transaction& tx) { check = tx.codes().check(p, "account:1", "1234", now, 5); });
    CHECK(check.outcome == CodeOutcome::none);  // used up

    // A new code replaces the old; five wrong tries kill it; an old code expires.
    uow.run([&](Transaction& tx) {
        tx.codes().issue(p, "account:1", "1111", now + std::chrono::minutes(30));
        tx.codes().issue(p, "account:1", "2222", now + std::chrono::minutes(30));
    });
    uow.run([&](Transaction& tx) { check = tx.codes().check(p, "account:1", "1111", now, 5); });
    CHECK(check.outcome == CodeOutcome::invalid);
    for (int i = 0; i < 4; ++i) uow.run([&](Transaction& tx) { check = tx.codes().check(p, "account:1", "9999", now, 5); });
    CHECK(check.outcome == CodeOutcome::exhausted);
    uow.run([&](Transaction& tx) { check = tx.codes().check(p, "account:1", "2222", now, 5); });
    CHECK(check.outcome == CodeOutcome::exhausted);
    uow.run([&](Transaction& tx) { tx.codes().issue(p, "account:1", "3333", now + std::chrono::minutes(30)); });
    uow.run([&](Transaction& tx) { check = tx.codes().check(p, "account:1", "3333", now + std::chrono::minutes(31), 5); });
    CHECK(check.outcome == CodeOutcome::expired);
}

}  // namespace

TEST_CASE("code contract: in-memory fake", "[contract]") {
    FakeUnitOfWork uow;
    code_contract(uow);
}

TEST_CASE("code contract: PostgreSQL", "[contract][postgres]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    code_contract(uow);
}

TEST_CASE("50 parallel wrong submissions of one code: at most 5 are compared", "[postgres][codes]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 8);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    const auto now = std::chrono::system_clock::now();
    uow.run([&](Transaction& tx) { tx.codes().issue(CodePurpose::security, "flow:x", "123456", now + std::chrono::minutes(30)); });
    std::atomic<int> compared{0}, refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 50; ++i)
        threads.emplace_back([&, i] {
            CodeCheck check{CodeOutcome::none};
            const auto guess = std::to_string(200000 + i);
            uow.run([&](Transaction& tx) { check = tx.codes().check(CodePurpose::security, "flow:x", guess, now, 5); });
            if (check.outcome == CodeOutcome::invalid) ++compared;
            if (check.outcome == CodeOutcome::exhausted) ++refused;
        });
    for (auto& t : threads) t.join();
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    CHECK(tx.exec1("SELECT attempts FROM codes WHERE owner = 'flow:x'")[0].as<int>() == 5);  // no more tries ever counted
    CHECK(compared == 4);   // tries 1-4 answer invalid; the 5th answers exhausted (compared, none left)
    CHECK(refused == 46);   // the 5th, and 45 never compared
    CHECK(tx.exec1("SELECT count(*) FROM codes c WHERE encode(c.code_hash, 'escape') LIKE '%123456%'")[0].as<int>() == 0);
}
