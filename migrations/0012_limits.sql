-- Limits (domain/limits/limits.hpp): one GCRA timestamp per key, taken in one statement
-- (pg_limits.cpp), so every process enforces the same limit. The key is a blind index of the
-- policy name and the plain key (a client address, a NIR, a destination): none is stored in clear.
-- No index besides the key: each take rewrites tat_us, and an index on it would forbid the HOT
-- updates that keep this table small under a flood.
CREATE TABLE rate_limits (
    key bytea PRIMARY KEY,
    tat_us bigint NOT NULL,           -- theoretical arrival time, microseconds since the epoch
    allowed boolean NOT NULL          -- what the last take decided, read back by its RETURNING
) WITH (fillfactor = 70);
