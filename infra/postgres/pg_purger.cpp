#include "infra/postgres/pg_purger.hpp"

#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include "domain/unit_of_work.hpp"
#include "infra/postgres/conversions.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

// pg_try_advisory_lock's key for "one purge at a time" (the migrations take 0x67756963).
constexpr long long kPurgeLockKey = 0x6775696370757267;  // "guicpurg"

// Each statement deletes the rows due before $1 (seconds since the epoch), at most $2, oldest
// first, through the index of migrations/0018 on what makes them due, and answers their number.
// The rows are locked by the sub-select that picks them (FOR UPDATE re-reads a row changed
// meanwhile and keeps it only if still due), and a row another transaction holds is left for
// the next purge (SKIP LOCKED): a purge never waits behind a request. Most kinds differ only in
// their table, its key, what makes a row due and the indexed expression it is ordered by:
#define GUICHET_PURGE_DUE(table, key, due, order)                                                       \
    "WITH gone AS (DELETE FROM " table " WHERE " key " = ANY(ARRAY(SELECT " key " FROM " table " WHERE " \
    due " ORDER BY " order " LIMIT $2 FOR UPDATE SKIP LOCKED)) RETURNING 1) SELECT count(*) AS purged FROM gone"

// Expired flows (an identifier switch's flow lives as long as its validation link: `extend`).
GUICHET_SQL(purge_flows, GUICHET_PURGE_DUE("flows", "id", "expires_at < to_timestamp($1)", "expires_at"));

// Links and codes used or expired: one is used before it expires, so it ended at
// least(used_at, expires_at).
GUICHET_SQL(purge_links, GUICHET_PURGE_DUE("link_tokens", "token_hash", "least(used_at, expires_at) < to_timestamp($1)",
                                           "least(used_at, expires_at)"));
GUICHET_SQL(purge_codes,
            GUICHET_PURGE_DUE("codes", "id", "least(used_at, expires_at) < to_timestamp($1)", "least(used_at, expires_at)"));

// A pending password past its expiry can no longer be used (LegacyLogin::pending_password_usable):
// its hash is erased, the account stays.
GUICHET_SQL(purge_pending_passwords, R"sql(
WITH gone AS (
    UPDATE accounts SET pending_password_hash = NULL, pending_password_expires_at = NULL WHERE id = ANY(ARRAY(
        SELECT id FROM accounts WHERE pending_password_hash IS NOT NULL AND pending_password_expires_at < to_timestamp($1)
        ORDER BY pending_password_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED))
    RETURNING 1)
SELECT count(*) AS purged FROM gone
)sql");

// Failures below the lock ($3, LockoutPolicy::max_failures) with no attempt since $1; a lock
// stays. `failures < 3` is the predicate of the partial index (locks are not in it, so they cost
// nothing to skip); with a lockout above 3 failures the counts from 3 up are merely kept.
GUICHET_SQL(purge_login_throttle,
            GUICHET_PURGE_DUE("login_throttle", "identifier_key",
                              "failures < 3 AND failures < $3::int AND updated_at < to_timestamp($1)", "updated_at"));

// GCRA rows whose theoretical arrival time has passed: such a row allows exactly what no row
// allows (pg_limits.cpp, limit_take). Blocks [$1, $2) of the table (TID range scan, no index),
// locked and skipped like the other kinds. Also answers the table's size in blocks, where the
// sweep ends.
GUICHET_SQL(purge_rate_limits, R"sql(
WITH gone AS (
    DELETE FROM rate_limits WHERE key = ANY(ARRAY(
        SELECT key FROM rate_limits WHERE ctid >= $1::tid AND ctid < $2::tid AND tat_us < $3::bigint FOR UPDATE SKIP LOCKED))
    RETURNING 1)
SELECT (SELECT count(*) FROM gone) AS purged,
       pg_relation_size('rate_limits') / current_setting('block_size')::bigint AS blocks
)sql");

// Exact windows whose every event has left the window (expires_us: the newest event + the
// window, written by window_take), in microseconds since the epoch ($1).
GUICHET_SQL(purge_limit_windows, GUICHET_PURGE_DUE("limit_windows", "key", "expires_us < $1::bigint", "expires_us"));

// Sent messages and printed letters (their parameters were erased when sent).
GUICHET_SQL(purge_sent_messages, GUICHET_PURGE_DUE("outbox", "id", "status = 'sent' AND sent_at < to_timestamp($1)", "sent_at"));

// Dead messages, and expired ones (never sent: what they carried stopped working first), by the
// time their last attempt was due (marking them dead or expired leaves it there); an agent's
// retry makes a dead one pending again, which no purge touches.
GUICHET_SQL(purge_dead_messages, GUICHET_PURGE_DUE("outbox", "id", "status IN ('dead', 'expired') AND next_attempt_at < to_timestamp($1)",
                                                   "next_attempt_at"));

// Sessions revoked or expired before $1, with their refresh tokens (the foreign key is checked
// at the end of the statement, when both are gone). The account's event list shows each session
// as a login (pg_event_log.cpp, event_list): the login of a purged session is kept there as a
// login_succeeded event of its time, as long as the other events ($3, their cutoff).
GUICHET_SQL(purge_sessions, R"sql(
WITH due AS (
    SELECT id FROM sessions WHERE least(revoked_at, expires_at) < to_timestamp($1)
    ORDER BY least(revoked_at, expires_at) LIMIT $2 FOR UPDATE SKIP LOCKED
), tokens AS (
    DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM due)
), gone AS (
    DELETE FROM sessions WHERE id IN (SELECT id FROM due) RETURNING account_id, opened_by, created_at
), logins AS (
    INSERT INTO security_events (account_id, kind, detail, created_at)
    SELECT account_id, 'login_succeeded', opened_by, created_at FROM gone WHERE created_at >= to_timestamp($3)
)
SELECT count(*) AS purged FROM gone
)sql");

// OpenID Connect (migrations/0020, 0021): requests past their life, codes used or expired, the
// sites' refresh tokens past their life, revoked grants (their codes and tokens go with them).
GUICHET_SQL(purge_oidc_requests, GUICHET_PURGE_DUE("oidc_auth_requests", "id", "expires_at < to_timestamp($1)", "expires_at"));
GUICHET_SQL(purge_oidc_codes, GUICHET_PURGE_DUE("oidc_codes", "code_hash", "least(used_at, expires_at) < to_timestamp($1)",
                                                "least(used_at, expires_at)"));
GUICHET_SQL(purge_oidc_refresh_tokens,
            GUICHET_PURGE_DUE("oidc_refresh_tokens", "token_hash", "expires_at < to_timestamp($1)", "expires_at"));
GUICHET_SQL(purge_oidc_grants, GUICHET_PURGE_DUE("oidc_grants", "id", "revoked_at < to_timestamp($1)", "revoked_at"));

// Security events past GUICHET_EVENT_RETENTION_DAYS (no request holds one: they are only added).
GUICHET_SQL(purge_security_events, GUICHET_PURGE_DUE("security_events", "id", "created_at < to_timestamp($1)", "created_at"));

#undef GUICHET_PURGE_DUE

std::int64_t micros(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::string tid(std::int64_t block) { return "(" + std::to_string(block) + ",0)"; }

class PgPurgeBatches final : public PurgeBatches {
public:
    PgPurgeBatches(pqxx::connection& conn, LockoutPolicy lockout) : conn_(conn), lockout_(lockout) {}

    PurgeBatch purge_batch(PurgeKind kind, const PurgeCutoffs& due, std::size_t limit) override {
        pqxx::nontransaction tx(conn_);  // one statement: its own transaction
        const auto before = due[static_cast<std::size_t>(kind)];
        const auto n = static_cast<std::int64_t>(limit);
        const auto batch = [&](const Statement& statement, auto&&... more) {
            const pqxx::row row = tx.exec_prepared1(statement.name, epoch(before), n, more...);
            const auto purged = row["purged"].as<std::uint64_t>();
            return PurgeBatch{purged, purged >= limit};
        };
        switch (kind) {
            case PurgeKind::flows: return batch(purge_flows);
            case PurgeKind::links: return batch(purge_links);
            case PurgeKind::codes: return batch(purge_codes);
            case PurgeKind::pending_passwords: return batch(purge_pending_passwords);
            case PurgeKind::login_throttle: return batch(purge_login_throttle, lockout_.max_failures);
            case PurgeKind::rate_limits: return sweep_rate_limits(tx, before, limit);
            case PurgeKind::limit_windows: {
                const auto purged = tx.exec_prepared1(purge_limit_windows.name, micros(before), n)["purged"].as<std::uint64_t>();
                return PurgeBatch{purged, purged >= limit};
            }
            case PurgeKind::sent_messages: return batch(purge_sent_messages);
            case PurgeKind::dead_messages: return batch(purge_dead_messages);
            case PurgeKind::oidc_requests: return batch(purge_oidc_requests);
            case PurgeKind::oidc_codes: return batch(purge_oidc_codes);
            case PurgeKind::oidc_refresh_tokens: return batch(purge_oidc_refresh_tokens);
            case PurgeKind::oidc_grants: return batch(purge_oidc_grants);
            case PurgeKind::sessions: return batch(purge_sessions, epoch(due[static_cast<std::size_t>(PurgeKind::security_events)]));
            case PurgeKind::security_events: return batch(purge_security_events);
        }
        return {};
    }

private:
    // About `limit` rows' worth of blocks at a time (some 80 rows fit in a block), from the
    // first block of the table to its last, once per purge.
    PurgeBatch sweep_rate_limits(pqxx::nontransaction& tx, std::chrono::system_clock::time_point before, std::size_t limit) {
        const auto blocks = std::max<std::int64_t>(1, static_cast<std::int64_t>(limit) / 80);
        const auto row = tx.exec_prepared1(purge_rate_limits.name, tid(next_block_), tid(next_block_ + blocks), micros(before));
        next_block_ += blocks;
        const bool more = next_block_ < row["blocks"].as<std::int64_t>();
        if (!more) next_block_ = 0;
        return PurgeBatch{row["purged"].as<std::uint64_t>(), more};
    }

    pqxx::connection& conn_;
    LockoutPolicy lockout_;
    std::int64_t next_block_ = 0;
};

}  // namespace

std::string_view PgPurger::table_of(PurgeKind kind) {
    switch (kind) {
        case PurgeKind::flows: return "flows";
        case PurgeKind::links: return "link_tokens";
        case PurgeKind::codes: return "codes";
        case PurgeKind::pending_passwords: return "accounts";
        case PurgeKind::login_throttle: return "login_throttle";
        case PurgeKind::rate_limits: return "rate_limits";
        case PurgeKind::limit_windows: return "limit_windows";
        case PurgeKind::sent_messages:
        case PurgeKind::dead_messages: return "outbox";
        case PurgeKind::oidc_requests: return "oidc_auth_requests";
        case PurgeKind::oidc_codes: return "oidc_codes";
        case PurgeKind::oidc_refresh_tokens: return "oidc_refresh_tokens";
        case PurgeKind::oidc_grants: return "oidc_grants";
        case PurgeKind::sessions: return "sessions";
        case PurgeKind::security_events: return "security_events";
    }
    return "unknown";
}

bool PgPurger::exclusively(const std::function<void(PurgeBatches&)>& work) {
    auto conn = pool_.acquire();
    try {
        if (!pqxx::nontransaction(*conn).exec_params1("SELECT pg_try_advisory_lock($1)", kPurgeLockKey)[0].as<bool>())
            return false;
        try {
            PgPurgeBatches batches(*conn, lockout_);
            work(batches);
        } catch (...) {
            // A lock left on a pooled connection would stop every later purge: release it, or
            // close the connection, which releases it.
            try {
                pqxx::nontransaction(*conn).exec_params("SELECT pg_advisory_unlock($1)", kPurgeLockKey);
            } catch (...) {
                conn.discard();
            }
            throw;
        }
        pqxx::nontransaction(*conn).exec_params("SELECT pg_advisory_unlock($1)", kPurgeLockKey);
        return true;
    } catch (const pqxx::broken_connection& e) {
        conn.discard();
        pool_.discard_idle();
        throw Unavailable(std::string("database connection lost: ") + e.what());
    } catch (const pqxx::sql_error& e) {
        throw Unavailable(std::string("purge failed: ") + e.what());
    }
}

}  // namespace guichet::infra
