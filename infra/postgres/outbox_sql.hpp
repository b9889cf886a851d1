#pragma once
#include "infra/postgres/statement.hpp"

namespace guichet::infra::outbox_sql {

inline constexpr Statement enqueue{"outbox_enqueue", R"sql(
INSERT INTO outbox (channel, recipient, kind, params_cipher) VALUES ($1, $2, $3, $4) RETURNING id
)sql"};

// Due messages, and those whose dispatcher died mid-send (lease expired). SKIP LOCKED lets
// several dispatchers claim disjoint batches; the lease keeps a message with one of them while
// it sends outside any transaction. The attempt is counted at claim time, so a message that
// kills its dispatcher still runs out of attempts.
inline constexpr Statement claim_due{"outbox_claim_due", R"sql(
WITH due AS (
    SELECT id FROM outbox
    WHERE channel <> 'letter'
      AND ((status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND lease_until < now()))
    ORDER BY next_attempt_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED)
UPDATE outbox o
SET status = 'sending', attempts = o.attempts + 1, lease_until = now() + make_interval(secs => $2)
FROM due WHERE o.id = due.id
RETURNING o.id, o.channel, o.recipient, o.kind, o.params_cipher, o.attempts
)sql"};

inline constexpr Statement mark_sent{"outbox_mark_sent", R"sql(
UPDATE outbox SET status = 'sent', sent_at = clock_timestamp(), params_cipher = NULL, lease_until = NULL, last_error = NULL
WHERE id = $1 AND status = 'sending'
)sql"};

inline constexpr Statement schedule_retry{"outbox_schedule_retry", R"sql(
UPDATE outbox SET status = 'pending', next_attempt_at = now() + make_interval(secs => $2), last_error = $3, lease_until = NULL
WHERE id = $1 AND status = 'sending'
)sql"};

inline constexpr Statement mark_dead{"outbox_mark_dead", R"sql(
UPDATE outbox SET status = 'dead', last_error = $2, lease_until = NULL WHERE id = $1 AND status = 'sending'
)sql"};

inline constexpr Statement list{"outbox_list", R"sql(
SELECT id, channel, recipient, kind, status, attempts, coalesce(last_error, ''),
       extract(epoch FROM created_at)::float8, extract(epoch FROM next_attempt_at)::float8, extract(epoch FROM sent_at)::float8
FROM outbox WHERE status = $1 AND channel <> 'letter' ORDER BY id DESC LIMIT $2
)sql"};

inline constexpr Statement retry_dead{"outbox_retry_dead", R"sql(
UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL
WHERE id = $1 AND status = 'dead' AND channel <> 'letter'
)sql"};

inline constexpr Statement letters{"outbox_letters", R"sql(
SELECT id, recipient, kind, params_cipher, extract(epoch FROM created_at)::float8, extract(epoch FROM sent_at)::float8
FROM outbox WHERE channel = 'letter' AND status = $1 ORDER BY id LIMIT $2
)sql"};

inline constexpr Statement mark_printed{"outbox_mark_printed", R"sql(
UPDATE outbox SET status = 'sent', sent_at = clock_timestamp(), params_cipher = NULL
WHERE id = $1 AND channel = 'letter' AND status = 'pending'
)sql"};

inline constexpr Statement stats{"outbox_stats", R"sql(
SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
FROM outbox WHERE status IN ('pending', 'sending') AND channel <> 'letter'
)sql"};

}  // namespace guichet::infra::outbox_sql
