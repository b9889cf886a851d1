-- Retention (issue 15, domain/retention/retention.hpp): every purge batch (infra/postgres/pg_purger.cpp)
-- reads its rows through an index on what makes them due, oldest first, so a batch costs the rows
-- it deletes whatever the size of the table. rate_limits has none (see pg_purger.hpp).

-- Flows: flows_expiry (0005). Links and codes end when used or when they expire, whichever first.
CREATE INDEX link_tokens_ended ON link_tokens (least(used_at, expires_at));
CREATE INDEX codes_ended ON codes (least(used_at, expires_at));

-- Pending passwords past their expiry (few rows: only accounts that have one).
CREATE INDEX accounts_pending_password ON accounts (pending_password_expires_at) WHERE pending_password_hash IS NOT NULL;

-- Failures below the lock (LockoutPolicy: 3) by the time of the last attempt; locks, which are
-- never purged, are not in the index.
CREATE INDEX login_throttle_idle ON login_throttle (updated_at) WHERE failures < 3;

-- Exact windows: when the newest event leaves the window, the row tells what no row tells.
-- window_take (pg_limits.cpp) writes it; rows written before this migration get their newest
-- event plus 30 days, the longest window of the exact limits (letters), and a row inserted by a
-- process not yet restarted keeps the default, never due, until a new process takes it again.
ALTER TABLE limit_windows ADD COLUMN expires_us bigint NOT NULL DEFAULT 9223372036854775807;
UPDATE limit_windows SET expires_us = coalesce(events_us[cardinality(events_us)], 0) + 30::bigint * 86400 * 1000000;
CREATE INDEX limit_windows_expiry ON limit_windows (expires_us);

-- Messages: sent (letters: printed) by sent_at, dead or expired (0017) by their last attempt's time.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE status = 'sent';
CREATE INDEX outbox_dead ON outbox (next_attempt_at) WHERE status IN ('dead', 'expired');

-- Sessions end when revoked or when they expire, whichever first; their refresh tokens go with
-- them, and both the purge and the foreign key's check find those by session.
CREATE INDEX sessions_ended ON sessions (least(revoked_at, expires_at));
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE INDEX security_events_created ON security_events (created_at);

-- The session cache (0008) hears of every change to a session. A session the purge deletes ended
-- long ago: its revocation was heard then, and the cache checks expiry itself, so its deletion
-- tells no process anything; it is not notified (1,000 notifications a batch, each evicting the
-- account's live entries in every process).
DROP TRIGGER sessions_cache ON sessions;
CREATE TRIGGER sessions_cache AFTER UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION guichet_cache_account_changed();
CREATE TRIGGER sessions_cache_delete AFTER DELETE ON sessions FOR EACH ROW
    WHEN (OLD.revoked_at IS NULL AND OLD.expires_at > now()) EXECUTE FUNCTION guichet_cache_account_changed();
