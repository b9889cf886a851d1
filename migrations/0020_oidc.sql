-- OpenID Connect provider (issue 16, SPEC.md §9, domain/oidc/oidc.hpp). Codes, refresh tokens,
-- resume tokens and browser cookies are stored as keyed hashes (blind indexes under the data key).
CREATE TABLE oidc_clients (
    id                        text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._-]{1,64}$'),
    name                      text NOT NULL,
    type                      text NOT NULL CHECK (type IN ('confidential', 'public')),
    secret_hash               bytea CHECK ((type = 'confidential') = (secret_hash IS NOT NULL)),
    redirect_uris             text[] NOT NULL,
    post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
    backchannel_logout_uri    text,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now()
);

-- A request waiting for the member (10 minutes), then answered once.
CREATE TABLE oidc_auth_requests (
    id                text PRIMARY KEY,
    client_id         text NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    redirect_uri      text NOT NULL,
    scopes            text[] NOT NULL,
    state             text NOT NULL,
    nonce             text NOT NULL,
    code_challenge    text NOT NULL,
    prompt_login      boolean NOT NULL,
    max_age           bigint,
    login_hint        text,
    created_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    session_id        text REFERENCES sessions (id) ON DELETE CASCADE,
    resume_token_hash bytea UNIQUE,
    resumed_at        timestamptz
);
CREATE INDEX oidc_auth_requests_expiry ON oidc_auth_requests (expires_at);

-- What one code gave one client in one session; it dies with the session (ON DELETE: the purge).
CREATE TABLE oidc_grants (
    id         text PRIMARY KEY,
    client_id  text NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    account_id bigint NOT NULL,
    scopes     text[] NOT NULL,
    nonce      text NOT NULL,
    auth_time  timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX oidc_grants_session ON oidc_grants (session_id);

CREATE TABLE oidc_codes (
    code_hash      bytea PRIMARY KEY,
    grant_id       text NOT NULL REFERENCES oidc_grants (id) ON DELETE CASCADE,
    redirect_uri   text NOT NULL,
    code_challenge text NOT NULL,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz
);
CREATE INDEX oidc_codes_grant ON oidc_codes (grant_id);

CREATE TABLE oidc_refresh_tokens (
    token_hash bytea PRIMARY KEY,
    grant_id   text NOT NULL REFERENCES oidc_grants (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX oidc_refresh_tokens_grant ON oidc_refresh_tokens (grant_id);

-- Single sign-on: a browser's __Host-guichet_sso cookie → its member's session.
CREATE TABLE oidc_browsers (
    cookie_hash bytea PRIMARY KEY,
    session_id  text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oidc_browsers_session ON oidc_browsers (session_id);
