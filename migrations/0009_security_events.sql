-- Security events (issue 5): what happened to an account's access, read by agents. The detail
-- never holds a secret (codes, passwords, tokens, answers) and masks destinations.
CREATE TABLE security_events (
    id         bigserial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    kind       text NOT NULL,
    detail     text NOT NULL DEFAULT '',
    agent_id   text,                       -- set for agent actions
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX security_events_account ON security_events (account_id, id DESC);

-- Every session is a login: the event list shows them as such, with how they were opened.
ALTER TABLE sessions ADD COLUMN opened_by text NOT NULL DEFAULT '';
