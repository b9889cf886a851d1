#pragma once
// Statements of Connect identities, flows and link tokens (migrations/0005_registration.sql).
#include "infra/postgres/statement.hpp"

namespace guichet::infra::identity_sql {

inline constexpr Statement find_by_email{"identity_find_by_email", R"sql(
SELECT i.id, i.email, i.password_hash, i.validated, a.id, a.status, i.secret_answer_hash
FROM connect_identities i LEFT JOIN accounts a ON a.identity_id = i.id
WHERE i.email = $1
)sql"};

inline constexpr Statement find{"identity_find", R"sql(
SELECT i.id, i.email, i.password_hash, i.validated, a.id, a.status, i.secret_answer_hash
FROM connect_identities i LEFT JOIN accounts a ON a.identity_id = i.id
WHERE i.id = $1
)sql"};

// ON CONFLICT: the email is already an identity; no row comes back.
inline constexpr Statement create{"identity_create", R"sql(
INSERT INTO connect_identities (email, password_hash, secret_question, secret_answer_hash, validated)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (email) DO NOTHING
RETURNING id
)sql"};

inline constexpr Statement set_password{"identity_set_password", R"sql(
UPDATE connect_identities SET password_hash = $2, updated_at = now() WHERE id = $1
)sql"};

inline constexpr Statement mark_validated{"identity_mark_validated", R"sql(
UPDATE connect_identities SET validated = true, updated_at = now() WHERE id = $1
)sql"};

}  // namespace guichet::infra::identity_sql

namespace guichet::infra::registration_sql {

// Both unique constraints (one account per member, one account per identity) answer "no row".
inline constexpr Statement create_account{"account_create_registered", R"sql(
INSERT INTO accounts (member_id, identity_id, status, mobile_phone, landline_phone)
SELECT id, $2, 'pending_activation', $3, $4 FROM members WHERE nir_index = $1
ON CONFLICT DO NOTHING
RETURNING id
)sql"};

inline constexpr Statement activate{"account_activate", R"sql(
WITH activated AS (
    UPDATE accounts SET status = 'active' WHERE id = $1 AND status = 'pending_activation' RETURNING identity_id
)
UPDATE connect_identities SET validated = true, updated_at = now()
WHERE id = (SELECT identity_id FROM activated)
RETURNING id
)sql"};

// The identifier switch (seed 002). The identity's row is locked first (identity_lock), so that of
// two accounts racing for one identity the second waits, then sees the first's link in this
// statement's fresh snapshot and changes nothing, instead of failing on the unique constraint.
inline constexpr Statement identity_lock{"account_switch_identity_lock", R"sql(
SELECT id FROM connect_identities WHERE id = $1 FOR UPDATE
)sql"};

inline constexpr Statement switch_identity{"account_switch_identity", R"sql(
UPDATE accounts
SET identity_id = $2, migrated_at = now(), password_is_temporary = false, temporary_password_expires_at = NULL
WHERE id = $1 AND identity_id IS NULL AND migrated_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM accounts other WHERE other.identity_id = $2)
RETURNING id
)sql"};

inline constexpr Statement credentials{"account_credentials", R"sql(
SELECT a.id, m.nir_cipher, m.nir_index, a.identity_id, i.email,
       CASE WHEN a.identity_id IS NULL THEN a.nir_password_hash ELSE i.password_hash END,
       a.password_is_temporary, i.secret_answer_hash
FROM accounts a JOIN members m ON m.id = a.member_id LEFT JOIN connect_identities i ON i.id = a.identity_id
WHERE a.id = $1
)sql"};

// The password lives on the identity once the account has one, on the account otherwise.
inline constexpr Statement set_password{"account_set_password", R"sql(
WITH account AS (
    UPDATE accounts
    SET nir_password_hash = CASE WHEN identity_id IS NULL THEN $2 ELSE nir_password_hash END,
        password_is_temporary = $3, temporary_password_expires_at = to_timestamp($4)
    WHERE id = $1
    RETURNING identity_id
)
UPDATE connect_identities SET password_hash = $2, updated_at = now() WHERE id = (SELECT identity_id FROM account)
)sql"};

}  // namespace guichet::infra::registration_sql

namespace guichet::infra::flow_sql {

inline constexpr Statement create{"flow_create", R"sql(
INSERT INTO flows (id, type, state, sealed, expires_at) VALUES ($1, $2, $3, $4, to_timestamp($5))
)sql"};

inline constexpr Statement find{"flow_find", R"sql(
SELECT id, type, state, attempts, sealed, extract(epoch FROM expires_at)::float8 FROM flows WHERE id = $1
)sql"};

inline constexpr Statement advance{"flow_advance", R"sql(
UPDATE flows SET state = $3, sealed = $4, attempts = 0, updated_at = now()
WHERE id = $1 AND state = $2
RETURNING id
)sql"};

inline constexpr Statement count_attempt{"flow_count_attempt", R"sql(
UPDATE flows SET attempts = attempts + 1, updated_at = now() WHERE id = $1 RETURNING attempts
)sql"};

inline constexpr Statement extend{"flow_extend", R"sql(
UPDATE flows SET expires_at = to_timestamp($2), updated_at = now() WHERE id = $1
)sql"};

}  // namespace guichet::infra::flow_sql

namespace guichet::infra::link_sql {

inline constexpr Statement issue{"link_issue", R"sql(
INSERT INTO link_tokens (token_hash, purpose, account_id, identity_id, expires_at, flow_id)
VALUES ($1, $2, $3, $4, to_timestamp($5), $6)
)sql"};

// Marks the token used, once: a parallel use waits on the row, then finds used_at set.
inline constexpr Statement consume{"link_consume", R"sql(
UPDATE link_tokens SET used_at = now()
WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > to_timestamp($3)
RETURNING account_id, identity_id, flow_id
)sql"};

inline constexpr Statement state{"link_state", R"sql(
SELECT used_at IS NOT NULL FROM link_tokens WHERE token_hash = $1 AND purpose = $2
)sql"};

inline constexpr Statement peek{"link_peek", R"sql(
SELECT account_id, identity_id, used_at IS NOT NULL, expires_at > to_timestamp($3), flow_id
FROM link_tokens WHERE token_hash = $1 AND purpose = $2
)sql"};

inline constexpr Statement count_attempt{"link_count_attempt", R"sql(
UPDATE link_tokens SET attempts = attempts + 1 WHERE token_hash = $1 AND purpose = $2 RETURNING attempts
)sql"};

inline constexpr Statement issued_since{"link_issued_since", R"sql(
SELECT 1 FROM link_tokens
WHERE purpose = $1 AND account_id IS NOT DISTINCT FROM $2 AND identity_id IS NOT DISTINCT FROM $3
  AND created_at > to_timestamp($4)
LIMIT 1
)sql"};

}  // namespace guichet::infra::link_sql
