-- What a NIR login reads about the account behind a NIR (domain LegacyLogin), in one place: the
-- look-up alone (account_sql::find_legacy_login) and the look-up made in the statement that counts
-- the attempt (throttle_sql::count_attempt_and_find) select the same columns in the same order.
-- A plain view: PostgreSQL plans it as the join it names.
CREATE VIEW legacy_logins AS
SELECT a.id, a.nir_password_hash, a.password_is_temporary,
       extract(epoch FROM a.temporary_password_expires_at)::float8 AS temporary_password_expires_at,
       a.migrated_at IS NOT NULL OR a.identity_id IS NOT NULL AS migrated,
       i.password_hash AS identity_password_hash,
       array_to_string(a.required_actions, ',') AS pending_actions,
       a.has_logged_in,
       m.nir_index
FROM accounts a JOIN members m ON m.id = a.member_id LEFT JOIN connect_identities i ON i.id = a.identity_id;
