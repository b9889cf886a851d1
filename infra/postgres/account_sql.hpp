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

}  // namespace guichet::infra::account_sql

namespace guichet::infra::throttle_sql {

// Counted in one statement, so N parallel attempts see N distinct counts. $2 caps the count one
// above the maximum: a locked identifier stays "over the limit" without growing.
inline constexpr Statement count_attempt{"throttle_count_attempt", R"sql(
INSERT INTO login_throttle (identifier_key, failures) VALUES ($1, 1)
ON CONFLICT (identifier_key) DO UPDATE SET failures = LEAST(login_throttle.failures + 1, $2), updated_at = now()
RETURNING failures
)sql"};

// $2 is the maximum: a count above it means another attempt found the identifier locked.
inline constexpr Statement clear_unless_locked{"throttle_clear_unless_locked", R"sql(
UPDATE login_throttle SET failures = 0, updated_at = now() WHERE identifier_key = $1 AND failures <= $2
)sql"};

inline constexpr Statement set_failures{"throttle_set_failures", R"sql(
INSERT INTO login_throttle (identifier_key, failures) VALUES ($1, $2)
ON CONFLICT (identifier_key) DO UPDATE SET failures = EXCLUDED.failures, updated_at = now()
)sql"};

inline constexpr Statement failures{"throttle_failures", R"sql(
SELECT failures FROM login_throttle WHERE identifier_key = $1
)sql"};

}  // namespace guichet::infra::throttle_sql
