-- The transactional outbox (SPEC.md §7): a message is written in the transaction of the change
-- that needs it and delivered later, at least once, by the dispatcher of any `guichet serve`.
-- params_cipher holds the template parameters (codes, links, temporary passwords) encrypted
-- under GUICHET_DATA_KEY, and is erased once the message is delivered or printed.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    channel         text NOT NULL CHECK (channel IN ('email', 'sms', 'letter')),
    recipient       text NOT NULL,
    kind            text NOT NULL,
    params_cipher   bytea,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    sent_at         timestamptz
);

-- What the dispatchers poll: due messages on the channels they send (letters wait to be printed).
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending') AND channel <> 'letter';
CREATE INDEX outbox_status ON outbox (status, channel, id);
