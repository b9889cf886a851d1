// The session cache's own rules (infra/postgres/session_cache.hpp); its listener and triggers are
// tested against PostgreSQL in test/integration/session_cache_test.cpp.
#include <catch2/catch.hpp>

#include <thread>

#include "infra/postgres/session_cache.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;
using infra::SessionCache;

namespace {

SessionCache::Entry entry_for(AccountId account, std::chrono::system_clock::time_point expires) {
    SessionInfo session{"s1", account, {}, expires - std::chrono::hours(1), expires - std::chrono::hours(1), expires};
    return SessionCache::Entry{account, expires, session, std::nullopt};
}

}  // namespace

TEST_CASE("session cache: serves what was stored, while the session lives", "[cache]") {
    SessionCache cache;
    const auto now = test_clock().now();
    cache.set_enabled(true);
    cache.store(cache.epoch(), "s1", entry_for(42, now + std::chrono::minutes(1)));
    CHECK(cache.live_session("s1", now));
    CHECK_FALSE(cache.live_session("s1", now + std::chrono::minutes(1)));  // the session expired
    CHECK_FALSE(cache.live_session("s2", now));
    CHECK_FALSE(cache.live_profile("s1", 42, now));  // no profile read yet
}

TEST_CASE("session cache: a read that raced with an eviction is not stored", "[cache]") {
    SessionCache cache;
    const auto now = test_clock().now();
    cache.set_enabled(true);
    const auto seen = cache.epoch();  // before the database read
    cache.forget_account(7);          // a change committed meanwhile (any account)
    cache.store(seen, "s1", entry_for(42, now + std::chrono::minutes(1)));
    CHECK(cache.size() == 0);
}

TEST_CASE("session cache: an eviction forgets every session of the account, only those", "[cache]") {
    SessionCache cache;
    const auto now = test_clock().now();
    cache.set_enabled(true);
    cache.store(cache.epoch(), "s1", entry_for(42, now + std::chrono::minutes(1)));
    cache.store(cache.epoch(), "s2", entry_for(42, now + std::chrono::minutes(1)));
    cache.store(cache.epoch(), "s3", entry_for(43, now + std::chrono::minutes(1)));
    cache.forget_account(42);
    CHECK_FALSE(cache.live_session("s1", now));
    CHECK_FALSE(cache.live_session("s2", now));
    CHECK(cache.live_session("s3", now));
}

TEST_CASE("session cache: off, it serves and stores nothing", "[cache]") {
    SessionCache cache;  // off until its listener listens
    const auto now = test_clock().now();
    cache.store(cache.epoch(), "s1", entry_for(42, now + std::chrono::minutes(1)));
    CHECK(cache.size() == 0);
    cache.set_enabled(true);
    cache.store(cache.epoch(), "s1", entry_for(42, now + std::chrono::minutes(1)));
    cache.set_enabled(false);  // the listener lost its connection
    CHECK_FALSE(cache.live_session("s1", now));
    CHECK(cache.size() == 0);
}

TEST_CASE("session cache: entries die after their time to live, and the size is bounded", "[cache]") {
    SessionCache cache(2, std::chrono::milliseconds(20));
    const auto now = test_clock().now();
    cache.set_enabled(true);
    cache.store(cache.epoch(), "s1", entry_for(1, now + std::chrono::minutes(1)));
    cache.store(cache.epoch(), "s2", entry_for(2, now + std::chrono::minutes(1)));
    cache.store(cache.epoch(), "s3", entry_for(3, now + std::chrono::minutes(1)));
    CHECK(cache.size() == 2);
    CHECK(cache.live_session("s3", now));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // past the time to live (not a timing assertion)
    CHECK_FALSE(cache.live_session("s3", now));
}

TEST_CASE("session cache: a profile is served only for its own account", "[cache]") {
    SessionCache cache;
    const auto now = test_clock().now();
    cache.set_enabled(true);
    const auto member = *parse_member(sample_record(), test_clock().today());
    AccountProfile profile{AccountOverview{42, member.nir, false, true, "active"}, member};
    cache.store(cache.epoch(), "s1", SessionCache::Entry{42, now + std::chrono::minutes(1), std::nullopt, LiveProfile{profile, {}}});
    CHECK(cache.live_profile("s1", 42, now));
    CHECK_FALSE(cache.live_profile("s1", 43, now));
    CHECK_FALSE(cache.live_session("s1", now));  // the session part was not read
}

TEST_CASE("session cache: where waiting is not allowed, a miss throws WouldWait", "[cache]") {
    SessionCache cache;
    const auto now = test_clock().now();
    cache.set_enabled(true);
    infra::CachedSessionReads reads(&cache);
    CHECK_THROWS_AS(reads.find_active("s1", now), WouldWait);
    cache.store(cache.epoch(), "s1", entry_for(42, now + std::chrono::minutes(1)));
    CHECK(reads.find_active("s1", now)->account_id == 42);
    CHECK_THROWS_AS(reads.revoke("s1", 42), WouldWait);
}
