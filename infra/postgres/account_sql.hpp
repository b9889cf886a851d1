#pragma once
#include "infra/postgres/statement.hpp"

namespace guichet::infra::account_sql {

// ON CONFLICT: the member already has an account (one per member): no row comes back.
inline constexpr Statement create_legacy{"account_create_legacy", R"sql(
INSERT INTO accounts (member_id, status, nir_password_hash, password_is_temporary, temporary_password_expires_at, has_logged_in)
SELECT id, 'active', $2, $3, to_timestamp($4), $5 FROM members WHERE nir_index = $1
ON CONFLICT (member_id) DO NOTHING
RETURNING id
)sql"};

// The view's columns (migration 0011), read by legacy_login_from().
inline constexpr Statement find_legacy_login{"account_find_legacy_login", R"sql(
SELECT * FROM legacy_logins WHERE nir_index = $1
)sql"};

// Writes only when something changes (a first login, a rehash): most logins leave the row, its
// WAL and the session cache's notification alone.
inline constexpr Statement record_login{"account_record_login", R"sql(
UPDATE accounts SET has_logged_in = true, nir_password_hash = coalesce($2, nir_password_hash)
WHERE id = $1 AND (NOT has_logged_in OR $2::text IS NOT NULL)
)sql"};

// The account's columns, then the member's under member_sql::find_by_nir's names.
inline constexpr Statement profile{"account_profile", R"sql(
SELECT a.id, m.nir_cipher, m.nir_index, a.migrated_at IS NOT NULL OR a.identity_id IS NOT NULL, a.has_logged_in, a.status,
       i.email AS identity_email, a.mobile_phone AS account_mobile, a.landline_phone AS account_landline, a.contact_email, a.fax AS account_fax,
       m.last_name, m.first_name, to_char(m.birth_date, 'YYYY-MM-DD') AS birth_date, m.member_type,
       m.email, m.mobile_phone, m.landline_phone, m.address, m.carte_vitale_serial, m.recent_amounts
FROM accounts a JOIN members m ON m.id = a.member_id LEFT JOIN connect_identities i ON i.id = a.identity_id
WHERE a.id = $1
)sql"};

// A changed contact email must be verified again.
inline constexpr Statement set_contacts{"account_set_contacts", R"sql(
UPDATE accounts SET email_verified_at = CASE WHEN contact_email IS DISTINCT FROM $2 THEN NULL ELSE email_verified_at END,
                    contact_email = $2, mobile_phone = $3, landline_phone = $4, fax = $5
WHERE id = $1
)sql"};

inline constexpr Statement mark_email_verified{"account_mark_email_verified", R"sql(
UPDATE accounts SET email_verified_at = now() WHERE id = $1
)sql"};

inline constexpr Statement set_pending_actions{"account_set_pending_actions", R"sql(
UPDATE accounts SET required_actions = coalesce(string_to_array(nullif($2, ''), ','), '{}') WHERE id = $1
)sql"};

}  // namespace guichet::infra::account_sql

namespace guichet::infra::session_sql {

// The session and its first refresh token ($6), in one round trip.
// $8, when not NULL, is a login throttle's key whose count a successful login clears (as
// throttle_sql::clear): a login's last round trip. A data-modifying WITH runs whether or not the
// rest reads it.
inline constexpr Statement create{"session_create", R"sql(
WITH session AS (
    INSERT INTO sessions (id, account_id, required_actions, created_at, last_used_at, expires_at, opened_by)
    VALUES ($1, $2, coalesce(string_to_array(nullif($3, ''), ','), '{}'), to_timestamp($4), to_timestamp($4), to_timestamp($5), $7)
    RETURNING id
), cleared AS (
    UPDATE login_throttle SET failures = 0, updated_at = now() WHERE identifier_key = $8
)
INSERT INTO refresh_tokens (token_hash, session_id) SELECT $6, id FROM session
)sql"};

inline constexpr Statement add_refresh{"session_add_refresh", R"sql(
INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)
)sql"};

// Marks the presented token used, once: a second use finds used_at set (reuse).
inline constexpr Statement use_refresh{"session_use_refresh", R"sql(
UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL RETURNING session_id
)sql"};

inline constexpr Statement refresh_owner{"session_refresh_owner", R"sql(
SELECT session_id FROM refresh_tokens WHERE token_hash = $1
)sql"};

inline constexpr Statement find_active{"session_find_active", R"sql(
SELECT id, account_id, array_to_string(required_actions, ','), extract(epoch FROM created_at)::float8,
       extract(epoch FROM last_used_at)::float8, extract(epoch FROM expires_at)::float8
FROM sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > to_timestamp($2)
)sql"};

inline constexpr Statement list_active{"session_list_active", R"sql(
SELECT id, account_id, array_to_string(required_actions, ','), extract(epoch FROM created_at)::float8,
       extract(epoch FROM last_used_at)::float8, extract(epoch FROM expires_at)::float8
FROM sessions WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > to_timestamp($2)
ORDER BY last_used_at DESC LIMIT 100
)sql"};

inline constexpr Statement touch{"session_touch", R"sql(
UPDATE sessions SET last_used_at = now() WHERE id = $1
)sql"};

inline constexpr Statement revoke{"session_revoke", R"sql(
UPDATE sessions SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL
)sql"};

// account_sql::profile, for a live session of that account only.
inline constexpr Statement live_profile{"session_live_profile", R"sql(
SELECT a.id, m.nir_cipher, m.nir_index, a.migrated_at IS NOT NULL OR a.identity_id IS NOT NULL, a.has_logged_in, a.status,
       i.email AS identity_email, a.mobile_phone AS account_mobile, a.landline_phone AS account_landline, a.contact_email, a.fax AS account_fax,
       m.last_name, m.first_name, to_char(m.birth_date, 'YYYY-MM-DD') AS birth_date, m.member_type,
       m.email, m.mobile_phone, m.landline_phone, m.address, m.carte_vitale_serial, m.recent_amounts,
       extract(epoch FROM s.expires_at)::float8 AS session_expires_at
FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN members m ON m.id = a.member_id
     LEFT JOIN connect_identities i ON i.id = a.identity_id
WHERE s.id = $1 AND s.account_id = $2 AND s.revoked_at IS NULL AND s.expires_at > to_timestamp($3)
)sql"};

inline constexpr Statement set_actions{"session_set_actions", R"sql(
UPDATE sessions SET required_actions = coalesce(string_to_array(nullif($2, ''), ','), '{}') WHERE id = $1
RETURNING account_id
)sql"};

inline constexpr Statement revoke_all{"session_revoke_all", R"sql(
UPDATE sessions SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL AND id <> $2
)sql"};

// $2: the actions done, comma-separated.
inline constexpr Statement drop_actions{"session_drop_actions", R"sql(
UPDATE sessions
SET required_actions = ARRAY(SELECT a FROM unnest(required_actions) a WHERE a <> ALL (string_to_array($2, ',')))
WHERE account_id = $1 AND revoked_at IS NULL AND required_actions && string_to_array($2, ',')
)sql"};

inline constexpr Statement revoke_any{"session_revoke_any", R"sql(
UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL
RETURNING account_id
)sql"};

}  // namespace guichet::infra::session_sql

namespace guichet::infra::throttle_sql {

// Counted in one statement, so N parallel attempts see N distinct counts. $2 caps the count two
// above the maximum: a locked identifier stays "over the limit" without growing, and the first
// refused attempt (maximum + 1) can be told from the later ones.
inline constexpr Statement count_attempt{"throttle_count_attempt", R"sql(
INSERT INTO login_throttle (identifier_key, failures) VALUES ($1, 1)
ON CONFLICT (identifier_key) DO UPDATE SET failures = LEAST(login_throttle.failures + 1, $2), updated_at = now()
RETURNING failures
)sql"};

// A NIR login's first round trip: the attempt counted as by count_attempt, and the account behind
// the NIR ($3, the registry's index) read as by account_sql::find_legacy_login: the count first,
// then the view's columns, NULL when no account has that NIR.
inline constexpr Statement count_attempt_and_find{"throttle_count_attempt_and_find", R"sql(
WITH counted AS (
    INSERT INTO login_throttle (identifier_key, failures) VALUES ($1, 1)
    ON CONFLICT (identifier_key) DO UPDATE SET failures = LEAST(login_throttle.failures + 1, $2), updated_at = now()
    RETURNING failures
)
SELECT counted.failures, l.* FROM counted LEFT JOIN legacy_logins l ON l.nir_index = $3
)sql"};

inline constexpr Statement clear{"throttle_clear", R"sql(
UPDATE login_throttle SET failures = 0, updated_at = now() WHERE identifier_key = $1
)sql"};

inline constexpr Statement set_failures{"throttle_set_failures", R"sql(
INSERT INTO login_throttle (identifier_key, failures) VALUES ($1, $2)
ON CONFLICT (identifier_key) DO UPDATE SET failures = EXCLUDED.failures, updated_at = now()
)sql"};

inline constexpr Statement failures{"throttle_failures", R"sql(
SELECT failures FROM login_throttle WHERE identifier_key = $1
)sql"};

}  // namespace guichet::infra::throttle_sql
