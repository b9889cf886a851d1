-- Accounts (Espace personnel) and Connect identities (SPEC.md §1, §3.1-3.2), and the login
-- failure counter behind the lockout (§2: 3 consecutive failures).
CREATE TABLE connect_identities (
    id                 bigserial PRIMARY KEY,
    email              text NOT NULL UNIQUE,        -- lower-cased: an email identifies one identity
    password_hash      text,
    secret_question    text,
    secret_answer_hash text,
    validated          boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
    id                            bigserial PRIMARY KEY,
    member_id                     bigint NOT NULL UNIQUE REFERENCES members (id),  -- one account per member
    identity_id                   bigint UNIQUE REFERENCES connect_identities (id), -- at most one identity, linked once
    status                        text NOT NULL CHECK (status IN ('pending_activation', 'active')),
    nir_password_hash             text,            -- the legacy identifier's own password; NULL: never created
    password_is_temporary         boolean NOT NULL DEFAULT false,
    temporary_password_expires_at timestamptz,
    has_logged_in                 boolean NOT NULL DEFAULT false,
    migrated_at                   timestamptz,     -- switched from the NIR to an email identifier
    created_at                    timestamptz NOT NULL DEFAULT now()
);

-- Failed attempts per identifier, counted before the password is checked (so parallel attempts
-- cannot overtake the limit), keyed by a keyed blind index of the normalised identifier, so an
-- identifier nobody owns locks exactly like a real one.
CREATE TABLE login_throttle (
    identifier_key bytea PRIMARY KEY,
    failures       integer NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
