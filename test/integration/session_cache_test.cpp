// PostgreSQL: the session cache (infra/postgres/session_cache.hpp) never serves a session that was
// revoked, whichever process revoked it; it serves nothing while its listener is cut off from the
// database; and it answers GET /v1/me's reads where waiting is not allowed.
#include <catch2/catch.hpp>

#include <mutex>
#include <thread>

#include "infra/postgres/pg_unit_of_work.hpp"
#include "support/fakes.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;
using namespace std::chrono_literals;

namespace {

// Notifications arrive a moment after the commit: wait for the condition (5 s at most), never
// for a fixed time.
template <typename Condition>
bool eventually(Condition condition) {
    for (int i = 0; i < 500; ++i) {
        if (condition()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return condition();
}

struct CacheFixture {
    TestDatabase db;
    infra::DataCipher cipher{test_data_key()};
    infra::ConnectionPool pool{db.url(), 2};
    infra::SessionCache cache;
    std::mutex states_mutex;
    std::vector<std::string> states;
    infra::CacheInvalidation listener{db.url(), cache, [this](const std::string& s) {
                                          std::lock_guard lock(states_mutex);
                                          states.push_back(s);
                                      }};
    infra::PgUnitOfWork uow{pool, cipher, LockoutPolicy{}, &cache};
    // Another `guichet serve` on the same database, with no cache of ours.
    infra::ConnectionPool other_pool{db.url(), 1};
    infra::PgUnitOfWork other{other_pool, cipher};
    AccountId account{};
    const std::chrono::system_clock::time_point now = test_clock().now();

    CacheFixture() {
        REQUIRE(listener.wait_listening(5s));
        const auto member = *parse_member(sample_record(), test_clock().today());
        std::optional<AccountId> created;
        uow.run([&](Transaction& tx) {
            tx.members().upsert(member);
            created = tx.accounts().create_legacy(LegacyAccount{member.nir, std::string("$2b$10$abc"), false, std::nullopt, true});
        });
        REQUIRE(created);
        account = *created;
    }

    void open_session(const std::string& id) {
        uow.run([&](Transaction& tx) { tx.sessions().create(SessionInfo{id, account, {}, now, now, now + 1h}, "refresh-" + id); });
    }
    std::optional<LiveProfile> profile(const std::string& id) {
        std::optional<LiveProfile> p;
        uow.autocommit([&](Transaction& tx) { p = tx.sessions().live_profile(id, account, now); });
        return p;
    }
    // Where waiting is not allowed (an HTTP event loop): memory or WouldWait.
    std::optional<LiveProfile> profile_without_waiting(const std::string& id) {
        NoWaiting scope;
        std::optional<LiveProfile> p;
        uow.autocommit([&](Transaction& tx) { p = tx.sessions().live_profile(id, account, now); });
        return p;
    }
};

}  // namespace

TEST_CASE("session cache: a session revoked by another process is no longer served", "[postgres][cache]") {
    CacheFixture f;
    f.open_session("s1");
    CHECK_THROWS_AS(f.profile_without_waiting("s1"), WouldWait);  // not read yet
    REQUIRE(f.profile("s1"));
    REQUIRE(f.profile_without_waiting("s1"));  // now from memory
    CHECK(f.cache.size() == 1);

    f.other.run([&](Transaction& tx) { CHECK(tx.sessions().revoke("s1", f.account)); });
    CHECK(eventually([&] { return f.cache.size() == 0; }));
    CHECK_THROWS_AS(f.profile_without_waiting("s1"), WouldWait);
    CHECK_FALSE(f.profile("s1"));
    std::optional<SessionInfo> active;
    f.uow.autocommit([&](Transaction& tx) { active = tx.sessions().find_active("s1", f.now); });
    CHECK_FALSE(active);
}

TEST_CASE("session cache: a change to the member or account, by any path, evicts the profile", "[postgres][cache]") {
    CacheFixture f;
    f.open_session("s1");
    REQUIRE(f.profile("s1")->profile.member.last_name == "Martin");
    // Plain SQL, as an operator or a later feature would write: the triggers still tell.
    {
        pqxx::connection conn(f.db.url());
        pqxx::work tx(conn);
        tx.exec("UPDATE members SET last_name = 'Durand'");
        tx.commit();
    }
    CHECK(eventually([&] { return f.cache.size() == 0; }));
    CHECK(f.profile("s1")->profile.member.last_name == "Durand");

    {
        pqxx::connection conn(f.db.url());
        pqxx::work tx(conn);
        tx.exec("UPDATE accounts SET status = 'pending_activation'");
        tx.commit();
    }
    CHECK(eventually([&] { return f.cache.size() == 0; }));
    CHECK(f.profile("s1")->profile.account.status == "pending_activation");

    // The session's own required actions come with the profile, and a change to them evicts it.
    CHECK(f.profile("s1")->required_actions.empty());
    f.uow.run([&](Transaction& tx) { tx.sessions().set_required_actions("s1", {RequiredAction::change_password}); });
    CHECK(f.profile("s1")->required_actions == std::vector{RequiredAction::change_password});
}

TEST_CASE("session cache: this process's own writes evict as they commit", "[postgres][cache]") {
    CacheFixture f;
    f.open_session("s1");
    f.open_session("s2");
    REQUIRE(f.profile("s1"));
    REQUIRE(f.profile("s2"));
    f.uow.run([&](Transaction& tx) { tx.sessions().revoke_all(f.account, "s2"); });
    // No waiting for the notification: the next request of the same caller must see the logout.
    CHECK_THROWS_AS(f.profile_without_waiting("s1"), WouldWait);
    CHECK_FALSE(f.profile("s1"));
    CHECK(f.profile("s2"));

    // A transaction rolled back evicts nothing it did not change.
    REQUIRE(f.profile_without_waiting("s2"));
    CHECK_THROWS(f.uow.run([&](Transaction& tx) {
        tx.sessions().revoke("s2", f.account);
        throw std::runtime_error("rolled back");
    }));
    CHECK(f.profile_without_waiting("s2"));
}

TEST_CASE("session cache: serves nothing while its listener is cut off, and resumes after", "[postgres][cache]") {
    CacheFixture f;
    f.open_session("s1");
    REQUIRE(f.profile("s1"));
    REQUIRE(f.cache.size() == 1);
    f.db.kill_connections();  // as a database restart would
    auto saw = [&](const std::string& prefix) {
        std::lock_guard lock(f.states_mutex);
        return std::any_of(f.states.begin(), f.states.end(), [&](const auto& s) { return s.rfind(prefix, 0) == 0; });
    };
    CHECK(eventually([&] { return saw("stopped listening"); }));
    CHECK(f.cache.size() == 0);  // what it held may have missed a change
    CHECK(eventually([&] { return f.cache.enabled(); }));  // listening again
    CHECK(f.profile("s1"));
    CHECK(f.profile_without_waiting("s1"));
}
