// Retention (issue 15): the cutoffs of each kind, and the purge use case and loop over the fake
// Purger. What the PostgreSQL adapter deletes is in test/integration/retention_test.cpp.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "service/retention/purge.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;
using namespace std::chrono_literals;

namespace {

std::chrono::system_clock::time_point cutoff(const PurgeCutoffs& c, PurgeKind kind) { return c[static_cast<std::size_t>(kind)]; }

// A purge of batches of 1,000 over a fake purger, at the tests' fixed time.
struct Purging {
    FakePurger purger;
    FixedClock clock = test_clock();
    RetentionRules rules;
    Purge purge{purger, clock, rules, 1000};
};

}  // namespace

TEST_CASE("retention: each kind is due after its own time, limits as soon as they allow a whole quota again", "[retention]") {
    const auto now = test_clock().now();
    RetentionRules rules;
    const auto due = rules.cutoffs(now);
    // Flows, links, codes and pending passwords: a day after they ended (their answers stay
    // flow_expired / link_expired / code_expired that day, and every cooldown is shorter).
    for (const auto kind : {PurgeKind::flows, PurgeKind::links, PurgeKind::codes, PurgeKind::pending_passwords})
        CHECK(cutoff(due, kind) == now - 24h);
    CHECK(cutoff(due, PurgeKind::login_throttle) == now - std::chrono::days(30));
    CHECK(cutoff(due, PurgeKind::rate_limits) == now);
    CHECK(cutoff(due, PurgeKind::limit_windows) == now);
    CHECK(cutoff(due, PurgeKind::sent_messages) == now - std::chrono::days(30));  // issue 15: sent after 30 days
    CHECK(cutoff(due, PurgeKind::dead_messages) == now - std::chrono::days(90));  // dead after 90
    CHECK(cutoff(due, PurgeKind::oidc_requests) == now - std::chrono::hours(24));
    CHECK(cutoff(due, PurgeKind::oidc_codes) == now - std::chrono::hours(24));
    CHECK(cutoff(due, PurgeKind::oidc_refresh_tokens) == now - std::chrono::hours(24));
    CHECK(cutoff(due, PurgeKind::oidc_grants) == now - std::chrono::days(30));
    CHECK(cutoff(due, PurgeKind::sessions) == now - std::chrono::days(30));       // ended sessions after 30
    CHECK(cutoff(due, PurgeKind::security_events) == now - std::chrono::days(400));  // GUICHET_EVENT_RETENTION_DAYS default
    rules.security_events = std::chrono::days(730);
    CHECK(cutoff(rules.cutoffs(now), PurgeKind::security_events) == now - std::chrono::days(730));
}

TEST_CASE("retention: every kind has its own stable name", "[retention]") {
    std::set<std::string_view> names;
    for (const auto kind : kPurgeKinds) names.insert(to_string(kind));
    CHECK(names.size() == kPurgeKindCount);
    CHECK(to_string(PurgeKind::sent_messages) == "sent_messages");
    CHECK(to_string(PurgeKind::security_events) == "security_events");
}

TEST_CASE("retention: a purge takes every kind batch by batch until less than a batch is left", "[retention]") {
    Purging p;
    auto& [purger, clock, rules, purge] = p;
    purger.due[PurgeKind::flows] = 2500;
    purger.due[PurgeKind::sessions] = 1000;
    purger.due[PurgeKind::security_events] = 7;
    const auto counts = purge.run();
    REQUIRE(counts);
    CHECK((*counts)[PurgeKind::flows] == 2500);
    CHECK((*counts)[PurgeKind::sessions] == 1000);
    CHECK((*counts)[PurgeKind::security_events] == 7);
    CHECK((*counts)[PurgeKind::codes] == 0);
    CHECK(counts->total() == 3507);
    // flows: 1000, 1000, 500; sessions: 1000, then an empty batch that says it is done; one batch
    // of every other kind.
    CHECK(std::count(purger.batches.begin(), purger.batches.end(), PurgeKind::flows) == 3);
    CHECK(std::count(purger.batches.begin(), purger.batches.end(), PurgeKind::sessions) == 2);
    CHECK(purger.batches.size() == kPurgeKindCount + 2 + 1);
    CHECK(purger.batches.front() == kPurgeKinds[0]);
    CHECK(purger.batches.back() == kPurgeKinds[kPurgeKindCount - 1]);
    // The cutoffs are those of the rules at the clock's time.
    CHECK(purger.cutoffs.front() == rules.cutoffs(clock.now()));
    // Nothing left: a second purge finds nothing, one batch per kind.
    purger.batches.clear();
    CHECK(purge.run()->total() == 0);
    CHECK(purger.batches.size() == kPurgeKindCount);
}

TEST_CASE("retention: while another process purges, a purge does nothing and says so", "[retention]") {
    Purging p;
    auto& [purger, clock, rules, purge] = p;
    purger.due[PurgeKind::flows] = 10;
    purger.busy = true;
    CHECK_FALSE(purge.run());
    CHECK(purger.batches.empty());
    CHECK(purger.due[PurgeKind::flows] == 10);
}

TEST_CASE("retention: a purge asked to stop stops between two batches and keeps what it purged", "[retention]") {
    Purging p;
    auto& [purger, clock, rules, purge] = p;
    purger.due[PurgeKind::flows] = 5000;
    int asked = 0;
    const auto counts = purge.run([&] { return ++asked < 2; });
    REQUIRE(counts);
    CHECK((*counts)[PurgeKind::flows] == 2000);  // the first batch, then one more, then stopped
    CHECK(purger.batches.size() == 2);
    CHECK(purger.due[PurgeKind::flows] == 3000);
}

TEST_CASE("retention: the loop purges every interval, reports only what deleted something, and stops at once", "[retention]") {
    Purging p;
    auto& [purger, clock, rules, purge] = p;
    purger.due[PurgeKind::codes] = 3;
    std::mutex mutex;
    std::vector<PurgeReport> reports;
    std::atomic<int> errors{0};
    {
        PurgeLoop loop(
            purge, 20ms, 0ms,
            [&](const PurgeReport& r) {
                std::lock_guard lock(mutex);
                reports.push_back(r);
            },
            [&](const std::string&) { ++errors; });
        for (int i = 0; i < 500; ++i) {
            {
                std::lock_guard lock(mutex);
                if (!reports.empty()) break;
            }
            std::this_thread::sleep_for(10ms);
        }
        std::this_thread::sleep_for(100ms);  // several more purges, with nothing left to purge
        loop.stop();
    }
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].counts[PurgeKind::codes] == 3);
    CHECK(errors == 0);

    // A loop of one purge an hour stops at once, before its first purge.
    purger.batches.clear();
    const auto started = std::chrono::steady_clock::now();
    {
        PurgeLoop idle(purge, std::chrono::hours(1), 0ms, [](const PurgeReport&) {}, [](const std::string&) {});
        idle.stop();
    }
    CHECK(std::chrono::steady_clock::now() - started < 1s);
    CHECK(purger.batches.empty());
}

TEST_CASE("retention: a purge that fails is reported, and the next one runs", "[retention]") {
    struct FailingOnce final : Purger {
        std::atomic<int> calls{0};
        bool exclusively(const std::function<void(PurgeBatches&)>&) override {
            if (calls++ == 0) throw Unavailable("database connection lost");
            return true;
        }
    } purger;
    const auto clock = test_clock();
    const RetentionRules rules;
    Purge purge(purger, clock, rules);
    std::atomic<int> errors{0};
    {
        PurgeLoop loop(purge, 10ms, 0ms, [](const PurgeReport&) {}, [&](const std::string&) { ++errors; });
        for (int i = 0; i < 500 && purger.calls < 3; ++i) std::this_thread::sleep_for(10ms);
    }
    CHECK(errors == 1);
    CHECK(purger.calls >= 3);
}
