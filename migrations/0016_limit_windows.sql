-- Exact windows (domain/limits/limits.hpp, LimitPolicy::exact): the abuse limits keep the times
-- of a key's events within the window, at most the quota of them, so "5 a day" is never 6 in any
-- 24 hours (GCRA, in rate_limits, lets a sliding window see up to twice its quota). Taken in one
-- statement (pg_limits.cpp) on the key's row, whose lock orders every process. The key is a blind
-- index, like rate_limits'.
CREATE TABLE limit_windows (
    key bytea PRIMARY KEY,
    events_us bigint[] NOT NULL,      -- event times within the window, microseconds since the epoch
    allowed boolean NOT NULL          -- what the last take decided, read back by its RETURNING
);
