-- Sessions (SPEC.md §5): a short-lived signed access token names its session; the refresh token
-- is stored as a keyed hash, rotated on every use, and a reused one revokes its whole session.
CREATE TABLE sessions (
    id               text PRIMARY KEY,              -- random, also the access token's "sid"
    account_id       bigint NOT NULL REFERENCES accounts (id),
    required_actions text[] NOT NULL DEFAULT '{}',  -- while not empty, the session can only do these
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_used_at     timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    revoked_at       timestamptz
);
CREATE INDEX sessions_account ON sessions (account_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY,
    session_id text NOT NULL REFERENCES sessions (id),
    used_at    timestamptz
);
