-- The member registry (SPEC.md §4): reference data imported from the insurer.
-- The NIR is never stored in clear: nir_cipher is XChaCha20-Poly1305 (nonce || ciphertext) under
-- GUICHET_DATA_KEY, and nir_index a keyed BLAKE2b blind index used for look-ups and uniqueness.
CREATE TABLE members (
    id                  bigserial PRIMARY KEY,
    nir_index           bytea NOT NULL UNIQUE,
    nir_cipher          bytea NOT NULL,
    last_name           text NOT NULL,
    first_name          text NOT NULL,
    birth_date          date NOT NULL,
    member_type         text NOT NULL CHECK (member_type IN ('particulier', 'exploitant', 'entreprise', 'tiers')),
    email               text,
    mobile_phone        text,
    landline_phone      text,
    address             text NOT NULL DEFAULT '',
    carte_vitale_serial text NOT NULL DEFAULT '',
    recent_amounts      text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
