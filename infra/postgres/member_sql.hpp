#pragma once
#include "infra/postgres/statement.hpp"

namespace guichet::infra::member_sql {

// Inserts or replaces a member keyed by the NIR's blind index. The WHERE clause skips identical
// records, so RETURNING yields no row for `unchanged`; xmax = 0 tells an insert from an update.
// The ciphertext is left alone when nothing changed (a new nonce would make every import a write).
inline constexpr Statement upsert{"member_upsert", R"sql(
INSERT INTO members (nir_index, nir_cipher, last_name, first_name, birth_date, member_type, email,
                     mobile_phone, landline_phone, address, carte_vitale_serial, recent_amounts)
VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (nir_index) DO UPDATE SET
    last_name = EXCLUDED.last_name, first_name = EXCLUDED.first_name,
    birth_date = EXCLUDED.birth_date, member_type = EXCLUDED.member_type, email = EXCLUDED.email,
    mobile_phone = EXCLUDED.mobile_phone, landline_phone = EXCLUDED.landline_phone,
    address = EXCLUDED.address, carte_vitale_serial = EXCLUDED.carte_vitale_serial,
    recent_amounts = EXCLUDED.recent_amounts, updated_at = now()
WHERE (members.last_name, members.first_name, members.birth_date, members.member_type, members.email,
       members.mobile_phone, members.landline_phone, members.address, members.carte_vitale_serial,
       members.recent_amounts)
      IS DISTINCT FROM
      (EXCLUDED.last_name, EXCLUDED.first_name, EXCLUDED.birth_date, EXCLUDED.member_type, EXCLUDED.email,
       EXCLUDED.mobile_phone, EXCLUDED.landline_phone, EXCLUDED.address, EXCLUDED.carte_vitale_serial,
       EXCLUDED.recent_amounts)
RETURNING (xmax = 0) AS inserted
)sql"};

inline constexpr Statement find_by_nir{"member_find_by_nir", R"sql(
SELECT nir_cipher, last_name, first_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, member_type,
       email, mobile_phone, landline_phone, address, carte_vitale_serial, recent_amounts
FROM members WHERE nir_index = $1
)sql"};

}  // namespace guichet::infra::member_sql
