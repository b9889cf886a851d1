-- The W3C trace id of the request that queued a message (issue 15), for the delivery's log line.
ALTER TABLE outbox ADD COLUMN trace_id text CHECK (trace_id ~ '^[0-9a-f]{32}$');
