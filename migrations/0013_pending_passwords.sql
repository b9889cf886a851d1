-- A temporary password that waits beside the current one (SPEC.md §3.4, §8): a letter, or an
-- unlock's temporary password, sent before the member proved the channel. The current password
-- keeps working until this one is first used; then it becomes the account's (temporary) password.
ALTER TABLE accounts ADD COLUMN pending_password_hash text, ADD COLUMN pending_password_expires_at timestamptz;

-- What a NIR login reads (migration 0011), with the pending password at the end.
CREATE OR REPLACE VIEW legacy_logins AS
SELECT a.id, a.nir_password_hash, a.password_is_temporary,
       extract(epoch FROM a.temporary_password_expires_at)::float8 AS temporary_password_expires_at,
       a.migrated_at IS NOT NULL OR a.identity_id IS NOT NULL AS migrated,
       i.password_hash AS identity_password_hash,
       array_to_string(a.required_actions, ',') AS pending_actions,
       a.has_logged_in,
       m.nir_index,
       a.pending_password_hash,
       extract(epoch FROM a.pending_password_expires_at)::float8 AS pending_password_expires_at
FROM accounts a JOIN members m ON m.id = a.member_id LEFT JOIN connect_identities i ON i.id = a.identity_id;
