-- First-login personalisation (seed 004): contact details confirmed by the member, and the codes
-- that prove an email (4 digits, 30 minutes, 5 tries); forgot-password codes use the same table.
ALTER TABLE accounts ADD COLUMN contact_email text, ADD COLUMN fax text, ADD COLUMN email_verified_at timestamptz;

-- One live code per owner and purpose. Only a keyed hash of the code is stored; attempts are
-- counted before a code is compared, so no more than the limit are ever compared.
CREATE TABLE codes (
    id         bigserial PRIMARY KEY,
    owner      text NOT NULL,          -- "account:<id>" or "flow:<id>"
    purpose    text NOT NULL CHECK (purpose IN ('email_verification', 'security')),
    code_hash  bytea NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX codes_owner ON codes (owner, purpose, created_at);
