-- Registration (seed 003, SPEC.md §3.1, §6): flows, the tokens of links sent by email, and the
-- phone numbers a member gives when creating their account.
ALTER TABLE accounts ADD COLUMN mobile_phone text, ADD COLUMN landline_phone text;  -- E.164
ALTER TABLE connect_identities ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- A multi-step procedure. `sealed` is the procedure's private state (NIR, chosen identity,
-- hashes), encrypted under GUICHET_DATA_KEY and bound to the flow id.
CREATE TABLE flows (
    id         text PRIMARY KEY,
    type       text NOT NULL,
    state      text NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    sealed     bytea NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX flows_expiry ON flows (expires_at);

-- Single-use links (activation, password reset, identifier validation): only a keyed hash of the
-- token is stored.
CREATE TABLE link_tokens (
    token_hash  bytea PRIMARY KEY,
    purpose     text NOT NULL CHECK (purpose IN ('activation', 'password_reset', 'email_validation')),
    account_id  bigint REFERENCES accounts (id),
    identity_id bigint REFERENCES connect_identities (id),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX link_tokens_account ON link_tokens (purpose, account_id, created_at);
CREATE INDEX link_tokens_identity ON link_tokens (purpose, identity_id, created_at);
