// Limits (domain/limits): one contract for the in-memory fake and PostgreSQL, the exactness of
// the PostgreSQL adapter under parallel takes, and what a process remembers (limit_memory.hpp).
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "infra/postgres/pg_unit_of_work.hpp"
#include "support/fakes.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;
using namespace std::chrono_literals;

namespace {

LimitDecision take(UnitOfWork& uow, const LimitPolicy& policy, const std::string& key, LimitClock::time_point now) {
    LimitDecision d;
    uow.autocommit([&](Transaction& tx) { d = tx.limits().take(policy, key, now); });
    return d;
}

void limits_contract(UnitOfWork& uow) {
    const auto t0 = test_clock().now();
    const LimitPolicy five{"contract", 5, 60s};  // one back every 12 s
    for (int i = 0; i < 5; ++i) {
        const auto d = take(uow, five, "a", t0);
        CHECK(d.allowed);
        CHECK(d.remaining == 4 - i);
    }
    auto refused = take(uow, five, "a", t0);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.remaining == 0);
    CHECK(refused.retry_after == 12s);
    CHECK(refused.reset == 60s);
    CHECK(take(uow, five, "b", t0).allowed);                       // another key
    CHECK(take(uow, LimitPolicy{"other", 5, 60s}, "a", t0).allowed);  // another policy, same key
    CHECK_FALSE(take(uow, five, "a", t0 + 11s).allowed);
    const auto back = take(uow, five, "a", t0 + 12s);  // one came back
    CHECK(back.allowed);
    CHECK(back.remaining == 0);
    CHECK_FALSE(take(uow, five, "a", t0 + 12s).allowed);
    const auto later = take(uow, five, "a", t0 + 10min);  // all back, never more than the quota
    CHECK(later.allowed);
    CHECK(later.remaining == 4);
    // A refused event is not counted: refusals do not push the retry time further.
    const LimitPolicy one{"one", 1, 3600s};
    CHECK(take(uow, one, "x", t0).allowed);
    for (int i = 0; i < 3; ++i) CHECK(take(uow, one, "x", t0 + 1s).retry_after == 3599s);
    CHECK(take(uow, one, "x", t0 + 3600s).allowed);
    // A quota above one a microsecond counts as one a microsecond (no division by zero).
    const LimitPolicy huge{"huge", 1000000000, 60s};
    CHECK(take(uow, huge, "x", t0).allowed);
    CHECK(take(uow, huge, "x", t0).remaining == 60000000 - 2);
    // A disabled policy allows everything.
    for (int i = 0; i < 10; ++i) CHECK(take(uow, LimitPolicy{"off", 0, 60s}, "x", t0).allowed);

    // An exact window: at most the quota in any window, however the events are spread.
    LimitPolicy three{"exact", 3, 60s};
    three.exact = true;
    for (const auto at : {0s, 20s, 40s}) {
        const auto d = take(uow, three, "k", t0 + at);
        CHECK(d.allowed);
        CHECK(d.reset == 60s);
    }
    const auto full = take(uow, three, "k", t0 + 59s);
    CHECK_FALSE(full.allowed);
    CHECK(full.remaining == 0);
    CHECK(full.retry_after == 1s);  // when the event of t0 leaves the window
    CHECK(full.reset == 41s);       // when the last one leaves
    CHECK_FALSE(take(uow, three, "k", t0 + 59s).allowed);  // refusals are not counted
    const auto next = take(uow, three, "k", t0 + 60s);
    CHECK(next.allowed);
    CHECK(next.remaining == 0);
    CHECK_FALSE(take(uow, three, "k", t0 + 79s).allowed);  // GCRA would allow this one
    CHECK(take(uow, three, "k", t0 + 80s).allowed);
    CHECK(take(uow, three, "other", t0 + 80s).remaining == 2);
    CHECK(take(uow, three, "k", t0 + 10min).remaining == 2);  // old times are dropped
}

}  // namespace

TEST_CASE("limits contract: in-memory fake", "[contract]") {
    FakeUnitOfWork uow;
    limits_contract(uow);
}

TEST_CASE("limits contract: PostgreSQL", "[contract][postgres]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    limits_contract(uow);
    // Keys are stored as a blind index, never in clear.
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    CHECK(tx.exec1("SELECT count(*) FROM rate_limits WHERE position('contract' in encode(key, 'escape')) > 0")[0].as<int>() == 0);
}

TEST_CASE("limits contract: PostgreSQL with a process memory", "[contract][postgres]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::LimitMemory memory;
    infra::PgUnitOfWork uow(pool, cipher, {}, nullptr, &memory);
    limits_contract(uow);
}

TEST_CASE("limits: 200 parallel takes over 3 units of work (3 processes) allow exactly the quota", "[postgres][limits]") {
    TestDatabase db;
    infra::DataCipher cipher(test_data_key());
    infra::ConnectionPool pool_a(db.url(), 4), pool_b(db.url(), 4), pool_c(db.url(), 4);
    infra::LimitMemory mem_a, mem_b, mem_c;
    infra::PgUnitOfWork a(pool_a, cipher, {}, nullptr, &mem_a), b(pool_b, cipher, {}, nullptr, &mem_b),
        c(pool_c, cipher, {}, nullptr, &mem_c);
    UnitOfWork* units[] = {&a, &b, &c};
    for (const bool exact : {false, true}) {  // a GCRA rate, an exact window
        INFO(exact);
        LimitPolicy policy{exact ? "parallel-exact" : "parallel", 31, 3600s};
        policy.exact = exact;
        const auto now = std::chrono::system_clock::now();
        std::atomic<int> allowed{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 8; ++i)
            threads.emplace_back([&, i] {
                for (int j = 0; j < 25; ++j)
                    if (take(*units[(i + j) % 3], policy, "10.0.0.1", now).allowed) ++allowed;
            });
        for (auto& t : threads) t.join();
        CHECK(allowed == 31);
    }
}

TEST_CASE("limits: leases are spent from memory and never exceed the quota across processes", "[postgres][limits]") {
    TestDatabase db;
    infra::DataCipher cipher(test_data_key());
    infra::ConnectionPool pool_a(db.url(), 2), pool_b(db.url(), 2);
    infra::LimitMemory mem_a, mem_b;
    infra::PgUnitOfWork a(pool_a, cipher, {}, nullptr, &mem_a), b(pool_b, cipher, {}, nullptr, &mem_b);
    LimitPolicy policy{"leased", 100, 3600s};
    policy.lease = 10;
    const auto now = std::chrono::system_clock::now();
    int allowed = 0;
    for (int i = 0; i < 150; ++i) allowed += take(i % 2 ? a : b, policy, "session-1", now).allowed;
    CHECK(allowed == 100);  // each process took leases of 10 then the last events one by one
    // A lease is spent without the database: under NoWaiting, a live lease answers, none throws.
    LimitPolicy fresh = policy;
    fresh.name = "leased-fresh";
    CHECK(take(a, fresh, "s", now).allowed);  // takes a lease of 10: 9 left in memory
    {
        NoWaiting scope;
        for (int i = 0; i < 9; ++i) CHECK(take(a, fresh, "s", now).allowed);
        CHECK_THROWS_AS(take(a, fresh, "s", now), WouldWait);
    }
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    CHECK(tx.exec1("SELECT count(*) FROM rate_limits")[0].as<int>() == 2);
}

TEST_CASE("limits: a refusal is remembered and answered without the database", "[postgres][limits]") {
    TestDatabase db;
    infra::DataCipher cipher(test_data_key());
    infra::ConnectionPool pool(db.url(), 2);
    infra::LimitMemory memory;
    infra::PgUnitOfWork uow(pool, cipher, {}, nullptr, &memory);
    const LimitPolicy policy{"flood", 2, 60s};
    const auto now = std::chrono::system_clock::now();
    {
        NoWaiting scope;  // nothing known yet: the database is needed
        CHECK_THROWS_AS(take(uow, policy, "10.0.0.9", now), WouldWait);
    }
    CHECK(take(uow, policy, "10.0.0.9", now).allowed);
    CHECK(take(uow, policy, "10.0.0.9", now).allowed);
    CHECK_FALSE(take(uow, policy, "10.0.0.9", now).allowed);
    NoWaiting scope;
    const auto remembered = take(uow, policy, "10.0.0.9", now + 10s);
    CHECK_FALSE(remembered.allowed);
    CHECK(remembered.retry_after == 20s);
    CHECK_THROWS_AS(take(uow, policy, "10.0.0.9", now + 30s), WouldWait);  // allowed again: ask the database
    CHECK_THROWS_AS(take(uow, policy, "10.0.0.8", now), WouldWait);
}
