// Retention (issue 15) on PostgreSQL: the purge deletes exactly what is due, of every kind, and
// keeps everything still live; one process purges at a time; a purge never waits behind a
// request; exact windows and request rates are due when they would allow a whole quota again.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <thread>
#include <vector>

#include "infra/crypto/data_cipher.hpp"
#include "infra/postgres/pg_purger.hpp"
#include "infra/postgres/pg_unit_of_work.hpp"
#include "infra/postgres/pool.hpp"
#include "infra/postgres/statement.hpp"
#include "infra/system_clock.hpp"
#include "service/retention/purge.hpp"
#include "support/fakes.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;
using namespace std::chrono_literals;

namespace {

struct Db {
    TestDatabase db;
    pqxx::connection conn{db.url()};
    void exec(const std::string& sql) { pqxx::nontransaction(conn).exec(sql); }
    // The values of one column, as text, sorted.
    std::set<std::string> values(const std::string& sql) {
        std::set<std::string> out;
        for (const auto& row : pqxx::nontransaction(conn).exec(sql)) out.insert(row[0].is_null() ? "NULL" : row[0].as<std::string>());
        return out;
    }
    long long count(const std::string& sql) { return pqxx::nontransaction(conn).exec1(sql)[0].as<long long>(); }
};

using Names = std::set<std::string>;

// Three members with an account each (ids 1, 2, 3).
void accounts(Db& d) {
    d.exec(R"sql(
INSERT INTO members (nir_index, nir_cipher, last_name, first_name, birth_date, member_type)
SELECT decode(md5('m' || i), 'hex'), '\x00', 'Martin', 'Jean', '1984-02-29', 'particulier' FROM generate_series(1, 3) i;
INSERT INTO accounts (member_id, status) SELECT id, 'active' FROM members ORDER BY id;
)sql");
}

// Rows of every kind, each named after whether the purge must take it ("due …") or leave it.
void rows_of_every_kind(Db& d) {
    accounts(d);
    d.exec(R"sql(
INSERT INTO flows (id, type, state, sealed, expires_at) VALUES
    ('due expired 25 h ago', 'registration', 'identity', '\x00', now() - interval '25 hours'),
    ('expired 1 h ago', 'registration', 'identity', '\x00', now() - interval '1 hour'),
    ('live', 'recovery', 'code_sent', '\x00', now() + interval '1 hour');

INSERT INTO link_tokens (token_hash, purpose, account_id, expires_at, used_at, created_at, flow_id) VALUES
    ('\x01', 'activation', 1, now() + interval '14 days', now() - interval '25 hours', now() - interval '26 hours', 'due used 25 h ago'),
    ('\x02', 'password_reset', 1, now() - interval '25 hours', NULL, now() - interval '26 hours', 'due expired 25 h ago'),
    ('\x03', 'password_reset', 2, now() + interval '30 minutes', now() - interval '1 hour', now() - interval '2 hours', 'used 1 h ago'),
    ('\x04', 'email_validation', 2, now() - interval '1 hour', NULL, now() - interval '25 hours', 'expired 1 h ago'),
    ('\x05', 'activation', 3, now() + interval '15 days', NULL, now() - interval '30 days', 'live');

INSERT INTO codes (owner, purpose, code_hash, expires_at, used_at) VALUES
    ('due used 25 h ago', 'security', '\x00', now() + interval '5 minutes', now() - interval '25 hours'),
    ('due expired 25 h ago', 'email_verification', '\x00', now() - interval '25 hours', NULL),
    ('used 1 h ago', 'security', '\x00', now() + interval '5 minutes', now() - interval '1 hour'),
    ('live', 'security', '\x00', now() + interval '20 minutes', NULL);

UPDATE accounts SET pending_password_hash = '$argon2id$due', pending_password_expires_at = now() - interval '25 hours' WHERE id = 1;
UPDATE accounts SET pending_password_hash = '$argon2id$live', pending_password_expires_at = now() + interval '1 day' WHERE id = 2;
UPDATE accounts SET pending_password_hash = '$argon2id$no expiry', pending_password_expires_at = NULL WHERE id = 3;

INSERT INTO login_throttle (identifier_key, failures, updated_at) VALUES
    ('due cleared, idle 31 days', 0, now() - interval '31 days'),
    ('due 2 failures, idle 31 days', 2, now() - interval '31 days'),
    ('1 failure, idle 29 days', 1, now() - interval '29 days'),
    ('locked, idle 400 days', 3, now() - interval '400 days'),
    ('locked and refused, idle 400 days', 5, now() - interval '400 days'),
    ('cleared today', 0, now());

INSERT INTO limit_windows (key, events_us, allowed, expires_us) VALUES
    ('due every event out of its window', '{1}', true, (extract(epoch FROM now() - interval '1 second') * 1e6)::bigint),
    ('an event still in its window', '{1}', true, (extract(epoch FROM now() + interval '1 hour') * 1e6)::bigint);

-- Status 'expired' is main's migration 0017_outbox_expiry (a message whose content stopped
-- working before it was sent); its constraint, as 0017 writes it, is a no-op once merged.
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sending', 'sent', 'dead', 'expired'));
INSERT INTO outbox (channel, recipient, kind, status, created_at, sent_at, next_attempt_at) VALUES
    ('email', 'due sent 31 days ago', 'k', 'sent', now() - interval '31 days', now() - interval '31 days', now() - interval '31 days'),
    ('letter', 'due printed 31 days ago', 'k', 'sent', now() - interval '40 days', now() - interval '31 days', now() - interval '40 days'),
    ('sms', 'sent 29 days ago', 'k', 'sent', now() - interval '29 days', now() - interval '29 days', now() - interval '29 days'),
    ('email', 'due dead 91 days ago', 'k', 'dead', now() - interval '92 days', NULL, now() - interval '91 days'),
    ('sms', 'dead 89 days ago', 'k', 'dead', now() - interval '92 days', NULL, now() - interval '89 days'),
    ('sms', 'due expired 91 days ago', 'k', 'expired', now() - interval '91 days', NULL, now() - interval '91 days'),
    ('email', 'expired 89 days ago', 'k', 'expired', now() - interval '89 days', NULL, now() - interval '89 days'),
    ('email', 'pending 200 days', 'k', 'pending', now() - interval '200 days', NULL, now() - interval '200 days'),
    ('letter', 'letter pending 200 days', 'k', 'pending', now() - interval '200 days', NULL, now() - interval '200 days'),
    ('email', 'sending 200 days', 'k', 'sending', now() - interval '200 days', NULL, now() - interval '200 days');

INSERT INTO sessions (id, account_id, created_at, last_used_at, expires_at, revoked_at, opened_by) VALUES
    ('due revoked 31 days ago', 1, now() - interval '40 days', now() - interval '31 days', now() + interval '5 days', now() - interval '31 days', 'password'),
    ('due expired 31 days ago', 2, now() - interval '61 days', now() - interval '40 days', now() - interval '31 days', NULL, 'nir'),
    ('due expired, opened 500 days ago', 2, now() - interval '500 days', now() - interval '470 days', now() - interval '470 days', NULL, 'old'),
    ('revoked 29 days ago', 1, now() - interval '35 days', now() - interval '29 days', now() + interval '5 days', now() - interval '29 days', ''),
    ('live, opened 29 days ago', 3, now() - interval '29 days', now(), now() + interval '1 day', NULL, '');
INSERT INTO refresh_tokens (token_hash, session_id, used_at)
SELECT decode(md5(id || n), 'hex'), id, CASE WHEN n = 1 THEN now() - interval '40 days' END FROM sessions, generate_series(1, 2) n;

INSERT INTO security_events (account_id, kind, detail, agent_id, created_at) VALUES
    (1, 'login_failed', 'due 401 days old', NULL, now() - interval '401 days'),
    (1, 'account_locked', '399 days old', NULL, now() - interval '399 days'),
    (NULL, 'members_imported', 'due agent, 401 days old', 'agent.test', now() - interval '401 days');
)sql");
    // Request rates, over several blocks of the table: half past their TAT, half not.
    d.exec(R"sql(
INSERT INTO rate_limits (key, tat_us, allowed)
SELECT decode(md5('r' || i), 'hex'),
       (extract(epoch FROM now()) * 1e6)::bigint + CASE WHEN i % 2 = 0 THEN -1000000 ELSE 3600000000 END, true
FROM generate_series(1, 3000) i;
)sql");
}

// Names kept by the purge: those that do not start with "due".
Names kept(const Names& all) {
    Names out;
    for (const auto& n : all)
        if (n.rfind("due", 0) != 0) out.insert(n);
    return out;
}

struct Purging {
    infra::ConnectionPool pool;
    infra::PgPurger purger;
    infra::SystemClock clock;
    RetentionRules rules;
    Purge purge;
    explicit Purging(const std::string& url, std::size_t batch = 1000)
        : pool(url, 1), purger(pool, LockoutPolicy{}), purge(purger, clock, rules, batch) {}
};

}  // namespace

TEST_CASE("retention: a purge deletes exactly the rows that are due, of every kind, and keeps every live one", "[retention]") {
    Db d;
    rows_of_every_kind(d);
    const auto flows = d.values("SELECT id FROM flows");
    const auto links = d.values("SELECT flow_id FROM link_tokens");
    const auto codes = d.values("SELECT owner FROM codes");
    const auto throttle = d.values("SELECT convert_from(identifier_key, 'UTF8') FROM login_throttle");
    const auto windows = d.values("SELECT convert_from(key, 'UTF8') FROM limit_windows");
    const auto messages = d.values("SELECT recipient FROM outbox");
    const auto sessions = d.values("SELECT id FROM sessions");
    const auto events = d.values("SELECT detail FROM security_events");

    // Small batches, so that every kind takes several and the rate_limits sweep several ranges.
    Purging p(d.db.url(), 2);
    const auto counts = p.purge.run();
    REQUIRE(counts);

    CHECK(d.values("SELECT id FROM flows") == kept(flows));
    CHECK(d.values("SELECT flow_id FROM link_tokens") == kept(links));
    CHECK(d.values("SELECT owner FROM codes") == kept(codes));
    // An expired pending password is erased; one still usable, or without expiry, stays; the
    // accounts all stay.
    CHECK(d.values("SELECT coalesce(pending_password_hash, 'NULL') FROM accounts") == Names{"NULL", "$argon2id$live", "$argon2id$no expiry"});
    CHECK(d.count("SELECT count(*) FROM accounts WHERE pending_password_hash IS NULL AND pending_password_expires_at IS NOT NULL") == 0);
    CHECK(d.count("SELECT count(*) FROM accounts") == 3);
    CHECK(d.count("SELECT count(*) FROM members") == 3);
    // Failures below the lock are forgotten after 30 idle days; a lock never.
    CHECK(d.values("SELECT convert_from(identifier_key, 'UTF8') FROM login_throttle") == kept(throttle));
    CHECK(d.values("SELECT convert_from(key, 'UTF8') FROM limit_windows") == kept(windows));
    CHECK(d.count("SELECT count(*) FROM rate_limits") == 1500);
    CHECK(d.count("SELECT count(*) FROM rate_limits WHERE tat_us < (extract(epoch FROM now()) * 1e6)::bigint") == 0);
    // Sent after 30 days, dead or expired after 90; pending messages and letters never.
    CHECK(d.values("SELECT recipient FROM outbox") == kept(messages));
    CHECK(d.values("SELECT id FROM sessions") == kept(sessions));
    CHECK(d.values("SELECT DISTINCT session_id FROM refresh_tokens") == kept(sessions));
    CHECK(d.count("SELECT count(*) FROM refresh_tokens") == 2 * static_cast<long long>(kept(sessions).size()));
    // Events older than 400 days go; the logins of the purged sessions stay in the account's
    // events, at their time (the one opened 500 days ago is past the events' retention too).
    CHECK(d.values("SELECT detail FROM security_events WHERE kind <> 'login_succeeded'") == kept(events));
    CHECK(d.values("SELECT account_id || ' ' || detail || ' ' || (now() - created_at > interval '39 days')::text FROM security_events "
                   "WHERE kind = 'login_succeeded' AND agent_id IS NULL") == Names{"1 password true", "2 nir true"});

    const auto& c = *counts;
    CHECK(c[PurgeKind::flows] == 1);
    CHECK(c[PurgeKind::links] == 2);
    CHECK(c[PurgeKind::codes] == 2);
    CHECK(c[PurgeKind::pending_passwords] == 1);
    CHECK(c[PurgeKind::login_throttle] == 2);
    CHECK(c[PurgeKind::rate_limits] == 1500);
    CHECK(c[PurgeKind::limit_windows] == 1);
    CHECK(c[PurgeKind::sent_messages] == 2);
    CHECK(c[PurgeKind::dead_messages] == 2);
    CHECK(c[PurgeKind::sessions] == 3);
    CHECK(c[PurgeKind::security_events] == 2);

    // Nothing is left to purge.
    CHECK(p.purge.run()->total() == 0);
}

TEST_CASE("retention: one purge at a time across processes, and a failed purge leaves the lock to the next", "[retention]") {
    Db d;
    accounts(d);
    d.exec("INSERT INTO flows (id, type, state, sealed, expires_at) "
           "SELECT 'f' || i, 'registration', 'identity', '\\x00', now() - interval '2 days' FROM generate_series(1, 50) i");
    Purging a(d.db.url()), b(d.db.url());
    // While A purges, B (another process: its own pool and connection) does nothing.
    bool b_ran = true;
    std::optional<PurgeCounts> b_counts;
    CHECK(a.purger.exclusively([&](PurgeBatches&) {
        b_ran = b.purger.exclusively([](PurgeBatches&) {});
        b_counts = b.purge.run();
    }));
    CHECK_FALSE(b_ran);
    CHECK_FALSE(b_counts);
    CHECK(d.count("SELECT count(*) FROM flows") == 50);
    // Once A is done, B purges.
    const auto counts = b.purge.run();
    REQUIRE(counts);
    CHECK((*counts)[PurgeKind::flows] == 50);

    // Two purges started together: one of them purges, never both at once.
    d.exec("INSERT INTO flows (id, type, state, sealed, expires_at) "
           "SELECT 'g' || i, 'registration', 'identity', '\\x00', now() - interval '2 days' FROM generate_series(1, 3000) i");
    std::atomic<int> inside{0}, most{0};
    std::vector<std::thread> threads;
    std::vector<std::unique_ptr<Purging>> purgers;
    std::atomic<std::uint64_t> purged{0};
    for (int i = 0; i < 4; ++i) purgers.push_back(std::make_unique<Purging>(d.db.url(), 100));
    for (auto& p : purgers)
        threads.emplace_back([&, q = p.get()] {
            (void)q->purger.exclusively([&](PurgeBatches& batches) {
                most = std::max(most.load(), ++inside);
                for (PurgeBatch batch{0, true}; batch.more;) {
                    batch = batches.purge_batch(PurgeKind::flows, q->rules.cutoffs(q->clock.now()), 100);
                    purged += batch.purged;
                }
                --inside;
            });
        });
    for (auto& t : threads) t.join();
    CHECK(most == 1);
    CHECK(purged == 3000);
    CHECK(d.count("SELECT count(*) FROM flows") == 0);

    // A purge that fails midway does not keep the lock on its pooled connection.
    CHECK_THROWS(a.purger.exclusively([](PurgeBatches&) { throw Unavailable("failed midway"); }));
    CHECK(b.purger.exclusively([](PurgeBatches&) {}));
    CHECK(a.purger.exclusively([](PurgeBatches&) {}));
}

TEST_CASE("retention: a batch deletes at most its limit and never waits for a row a request holds", "[retention]") {
    Db d;
    d.exec("INSERT INTO flows (id, type, state, sealed, expires_at) "
           "SELECT 'f' || i, 'registration', 'identity', '\\x00', now() - interval '2 days' FROM generate_series(1, 250) i");
    Purging p(d.db.url());
    // A request holds one due flow (a step moving it) while the purge runs.
    pqxx::connection request(d.db.url());
    pqxx::work holding(request);
    holding.exec("SELECT 1 FROM flows WHERE id = 'f7' FOR UPDATE");
    std::vector<std::uint64_t> batches;
    CHECK(p.purger.exclusively([&](PurgeBatches& b) {
        for (PurgeBatch batch{0, true}; batch.more;) {
            batch = b.purge_batch(PurgeKind::flows, p.rules.cutoffs(p.clock.now()), 100);
            batches.push_back(batch.purged);
        }
    }));
    CHECK(batches == std::vector<std::uint64_t>{100, 100, 49});  // the held one skipped, not waited for
    CHECK(d.values("SELECT id FROM flows") == Names{"f7"});
    holding.commit();
    CHECK((*p.purge.run())[PurgeKind::flows] == 1);  // the next purge takes it
}

TEST_CASE("retention: an exact window is due once its newest event left the window, a request rate once it allows its whole quota", "[retention]") {
    Db d;
    infra::ConnectionPool pool(d.db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    const auto t0 = std::chrono::system_clock::now();
    LimitPolicy two_a_day{"purge_exact", 2, std::chrono::hours(24), 1, true};
    const LimitPolicy rate{"purge_rate", 60, std::chrono::minutes(1)};  // one back every second
    const auto take = [&](const LimitPolicy& policy, std::chrono::system_clock::time_point at) {
        bool allowed = false;
        uow.autocommit([&](Transaction& tx) { allowed = tx.limits().take(policy, "k", at).allowed; });
        return allowed;
    };
    CHECK(take(two_a_day, t0));
    CHECK(take(two_a_day, t0 + 1h));
    CHECK_FALSE(take(two_a_day, t0 + 2h));  // refused: not counted, and the row's expiry stays
    CHECK(take(rate, t0));
    CHECK(take(rate, t0));  // TAT t0 + 2 s

    infra::PgPurger purger(pool, LockoutPolicy{});
    SettableClock clock;
    const RetentionRules rules;
    Purge purge(purger, clock, rules);
    const auto rows = [&] { return d.count("SELECT count(*) FROM limit_windows") + d.count("SELECT count(*) FROM rate_limits"); };
    clock.t = t0 + 1s;
    CHECK(purge.run()->total() == 0);
    CHECK(rows() == 2);
    clock.t = t0 + 3s;  // the rate is whole again; the window still holds both events
    CHECK((*purge.run())[PurgeKind::rate_limits] == 1);
    clock.t = t0 + 24h + 30min;  // the first event left the window, not the second
    CHECK(purge.run()->total() == 0);
    CHECK(d.count("SELECT count(*) FROM limit_windows") == 1);
    clock.t = t0 + 25h + 1s;  // both left: the row tells what no row tells
    CHECK((*purge.run())[PurgeKind::limit_windows] == 1);
    CHECK(rows() == 0);
    CHECK(take(two_a_day, t0 + 25h + 2s));
    CHECK(take(two_a_day, t0 + 25h + 3s));
    CHECK_FALSE(take(two_a_day, t0 + 25h + 4s));  // and the window counts from nothing again
}

TEST_CASE("retention: every batch reads its rows through the index of what makes them due, never the whole table", "[retention]") {
    Db d;
    // Each statement of pg_purger.cpp: its arguments (the cutoff, the batch's limit, and the
    // third of those that have one) and what its plan must read. rate_limits is swept by ranges
    // of blocks, without an index.
    struct Expected {
        std::string arguments;
        std::vector<std::string> reads;
    };
    const std::map<std::string, Expected> expected{
        {"purge_flows", {"0, 1000", {"flows_expiry"}}},
        {"purge_links", {"0, 1000", {"link_tokens_ended"}}},
        {"purge_codes", {"0, 1000", {"codes_ended"}}},
        {"purge_pending_passwords", {"0, 1000", {"accounts_pending_password"}}},
        {"purge_login_throttle", {"0, 1000, 3", {"login_throttle_idle"}}},
        {"purge_rate_limits", {"'(0,0)', '(12,0)', 0", {"Tid Range Scan on rate_limits"}}},
        {"purge_limit_windows", {"0, 1000", {"limit_windows_expiry"}}},
        {"purge_sent_messages", {"0, 1000", {"outbox_sent"}}},
        {"purge_dead_messages", {"0, 1000", {"outbox_dead"}}},
        {"purge_oidc_requests", {"0, 1000", {"oidc_auth_requests_expiry"}}},
        {"purge_oidc_codes", {"0, 1000", {"oidc_codes_ended"}}},
        {"purge_oidc_refresh_tokens", {"0, 1000", {"oidc_refresh_tokens_expiry"}}},
        {"purge_oidc_grants", {"0, 1000", {"oidc_grants_revoked"}}},
        {"purge_sessions", {"0, 1000, 0", {"sessions_ended", "refresh_tokens_session"}}},
        {"purge_security_events", {"0, 1000", {"security_events_created"}}},
    };
    // Without seqscans to choose from, the planner still takes one where no index serves.
    d.exec("SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan");
    std::set<std::string> explained;
    for (const auto& s : infra::all_statements()) {
        const std::string name = s.name;
        if (name.rfind("purge_", 0) != 0) continue;
        INFO("statement " << name);
        REQUIRE(expected.contains(name));
        d.exec("PREPARE " + name + " AS " + s.sql);
        std::string plan;
        for (const auto& row : pqxx::nontransaction(d.conn).exec("EXPLAIN EXECUTE " + name + "(" + expected.at(name).arguments + ")"))
            plan += row[0].as<std::string>() + "\n";
        INFO(plan);
        CHECK(plan.find("Seq Scan") == std::string::npos);
        for (const auto& read : expected.at(name).reads) CHECK(plan.find(read) != std::string::npos);
        explained.insert(name);
    }
    CHECK(explained.size() == expected.size());
}

TEST_CASE("retention: purging ended sessions tells the session caches nothing, deleting a live one still does", "[retention]") {
    Db d;
    accounts(d);
    d.exec(R"sql(
INSERT INTO sessions (id, account_id, created_at, last_used_at, expires_at, revoked_at) VALUES
    ('revoked', 1, now() - interval '40 days', now() - interval '31 days', now() + interval '5 days', now() - interval '31 days'),
    ('expired', 1, now() - interval '40 days', now() - interval '40 days', now() - interval '31 days', NULL),
    ('live', 2, now(), now(), now() + interval '1 day', NULL);
)sql");
    // What every serve's CacheInvalidation listens to (migrations/0008).
    struct Heard final : pqxx::notification_receiver {
        std::vector<std::string> payloads;
        explicit Heard(pqxx::connection_base& c) : pqxx::notification_receiver(c, "guichet_cache") {}
        void operator()(const std::string& payload, int) override { payloads.push_back(payload); }
    };
    pqxx::connection listening(d.db.url());
    Heard heard(listening);
    Purging p(d.db.url());
    CHECK((*p.purge.run())[PurgeKind::sessions] == 2);
    d.exec("UPDATE sessions SET last_used_at = now() WHERE id = 'live'");  // a change is heard, as before
    for (int i = 0; i < 50 && heard.payloads.empty(); ++i) listening.await_notification(0, 100000);
    CHECK(heard.payloads == std::vector<std::string>{"a:2"});
    d.exec("DELETE FROM sessions WHERE id = 'live'");
    for (int i = 0; i < 50 && heard.payloads.size() < 2; ++i) listening.await_notification(0, 100000);
    CHECK(heard.payloads == std::vector<std::string>{"a:2", "a:2"});
}
