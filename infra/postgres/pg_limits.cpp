#include "infra/postgres/pg_limits.hpp"

#include <pqxx/result>

#include "domain/unit_of_work.hpp"
#include "infra/postgres/conversions.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

// gcra_take (domain/limits/limits.cpp) in SQL. $2 now, $3 the events' cost (interval × events)
// and $4 the window, in microseconds. SET reads the old row everywhere, so `allowed` and the new
// TAT come from the same old TAT; a refusal leaves the TAT as it was.
GUICHET_SQL(limit_take, R"sql(
INSERT INTO rate_limits AS l (key, tat_us, allowed)
VALUES ($1::bytea, CASE WHEN $3::bigint <= $4::bigint THEN $2::bigint + $3::bigint ELSE $2::bigint END, $3::bigint <= $4::bigint)
ON CONFLICT (key) DO UPDATE SET
    allowed = greatest(l.tat_us, $2::bigint) + $3::bigint - $2::bigint <= $4::bigint,
    tat_us = CASE WHEN greatest(l.tat_us, $2::bigint) + $3::bigint - $2::bigint <= $4::bigint
                  THEN greatest(l.tat_us, $2::bigint) + $3::bigint ELSE greatest(l.tat_us, $2::bigint) END
RETURNING tat_us, allowed
)sql");

// window_take (domain/limits/limits.cpp) in SQL: $2 now, $3 the window in microseconds, $4 the
// quota. The old row's times within the window are kept; now is added when fewer than the quota
// remain. Every SET expression reads the same old row. expires_us, when the newest event leaves
// the window, is what the purge reads (pg_purger.cpp): refused, the newest old event is within
// the window (the quota of them is), and allowed, now is the newest.
GUICHET_SQL(window_take, R"sql(
INSERT INTO limit_windows AS w (key, events_us, allowed, expires_us)
VALUES ($1::bytea, ARRAY[$2::bigint], true, $2::bigint + $3::bigint)
ON CONFLICT (key) DO UPDATE SET
    allowed = (SELECT count(*) FROM unnest(w.events_us) AS e WHERE e > $2::bigint - $3::bigint) < $4::int,
    expires_us = greatest((SELECT max(e) FROM unnest(w.events_us) AS e),
                          CASE WHEN (SELECT count(*) FROM unnest(w.events_us) AS e WHERE e > $2::bigint - $3::bigint) < $4::int
                               THEN $2::bigint END) + $3::bigint,
    events_us = (SELECT coalesce(array_agg(e ORDER BY e), '{}'::bigint[]) FROM (
        SELECT e FROM unnest(w.events_us) AS e WHERE e > $2::bigint - $3::bigint
        UNION ALL
        SELECT $2::bigint WHERE (SELECT count(*) FROM unnest(w.events_us) AS e WHERE e > $2::bigint - $3::bigint) < $4::int) AS kept(e))
RETURNING events_us, allowed
)sql");

std::int64_t micros(LimitClock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::string memory_key(const LimitPolicy& policy, const std::string& key) { return policy.name + ":" + key; }

// How long a lease's events may be spent after they were counted: the time they stand for, and at
// least a sixtieth of the window (1 s a minute), or a quota far above the request rate (a
// benchmark's) leases events that expire before the next request. Spent that late, a sliding
// window may see up to `events` + quota / 60 more than the quota; the total never exceeds it.
LimitClock::duration lease_life(const LimitPolicy& policy, int events) {
    return std::max<LimitClock::duration>(policy.interval() * events, policy.window / 60);
}

std::optional<LimitDecision> from_memory(LimitMemory* memory, const LimitPolicy& policy, const std::string& key,
                                         LimitClock::time_point now, bool leases) {
    if (!policy.enabled()) return LimitDecision{true, policy.quota, std::chrono::seconds(0), std::chrono::seconds(0)};
    if (memory == nullptr) return std::nullopt;
    const auto k = memory_key(policy, key);
    if (auto refused = memory->refusal(k, now)) return refused;
    if (leases && policy.lease > 1) return memory->spend_lease(k, now);
    return std::nullopt;
}

}  // namespace

LimitDecision PgLimits::take(const LimitPolicy& policy, const std::string& key, LimitClock::time_point now) {
    if (auto known = from_memory(memory_, policy, key, now, autocommit_ && !policy.exact)) return *known;
    const auto index = bytes(cipher_.blind_index("limit:" + memory_key(policy, key)));
    if (policy.exact) return take_window(policy, key, index, now);
    const auto window = std::chrono::duration_cast<std::chrono::microseconds>(policy.window).count();
    const auto interval = policy.interval().count();
    int events = autocommit_ && memory_ != nullptr ? std::max(1, policy.lease) : 1;
    auto row = tx_.exec_prepared1(limit_take.name, index, micros(now), interval * events, window);
    if (!row["allowed"].as<bool>() && events > 1) {
        events = 1;  // not a whole lease left: the last events one by one
        row = tx_.exec_prepared1(limit_take.name, index, micros(now), interval, window);
    }
    const bool allowed = row["allowed"].as<bool>();
    const LimitClock::time_point tat{std::chrono::microseconds(row["tat_us"].as<std::int64_t>())};
    const auto decision = gcra_decision(policy, tat, now, allowed, events);
    // A refusal inside a transaction may count events of that transaction, which can roll back.
    if (memory_ != nullptr && autocommit_) {
        const auto k = memory_key(policy, key);
        if (!allowed)
            // The first time the database would allow one more: TAT + interval - window.
            memory_->remember_refusal(k, now, tat + policy.interval() - policy.window, decision);
        else if (events > 1)
            memory_->add_lease(k, now, events - 1, now + lease_life(policy, events), decision);
    }
    return decision;
}

LimitDecision PgLimits::take_window(const LimitPolicy& policy, const std::string& key, const pqxx::binarystring& index,
                                    LimitClock::time_point now) {
    const auto window = std::chrono::duration_cast<std::chrono::microseconds>(policy.window).count();
    const auto row = tx_.exec_prepared1(window_take.name, index, micros(now), window, policy.quota);
    std::vector<LimitClock::time_point> kept;
    auto array = row["events_us"].as_array();
    for (auto item = array.get_next(); item.first != pqxx::array_parser::juncture::done; item = array.get_next())
        if (item.first == pqxx::array_parser::juncture::string_value)
            kept.emplace_back(std::chrono::microseconds(std::stoll(item.second)));
    const bool allowed = row["allowed"].as<bool>();
    const auto decision = window_decision(policy, kept, now, allowed);
    // Times only ever leave the window when it passes them: no process can make a refused key
    // allowed sooner than its oldest event leaves.
    if (memory_ != nullptr && autocommit_ && !allowed) memory_->remember_refusal(memory_key(policy, key), now, window_next(policy, kept, now), decision);
    return decision;
}

LimitDecision MemoryLimits::take(const LimitPolicy& policy, const std::string& key, LimitClock::time_point now) {
    if (auto known = from_memory(memory_, policy, key, now, true)) return *known;
    throw WouldWait();
}

}  // namespace guichet::infra
