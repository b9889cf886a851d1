#include "infra/postgres/pg_member_repository.hpp"

#include <pqxx/binarystring>
#include <pqxx/result>
#include <stdexcept>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

// Inserts or replaces a member keyed by the NIR's blind index. The WHERE clause skips identical
// records, so RETURNING yields no row for `unchanged`; xmax = 0 tells an insert from an update.
// The ciphertext is left alone when nothing changed (a new nonce would make every import a write).
GUICHET_SQL(member_upsert, R"sql(
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
)sql");

GUICHET_SQL(member_find_by_nir, R"sql(
SELECT nir_cipher, last_name, first_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, member_type,
       email, mobile_phone, landline_phone, address, carte_vitale_serial, recent_amounts
FROM members WHERE nir_index = $1
)sql");


const char* nullable(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }

template <typename T>
std::optional<std::string> e164(const std::optional<T>& phone) {
    return phone ? std::optional<std::string>(phone->e164()) : std::nullopt;
}


// Stored rows were validated on the way in; a row that no longer parses is corruption.
template <typename T>
T must(Result<T> r, const char* what) {
    if (!r) throw std::runtime_error(std::string("corrupt member row: ") + what);
    return std::move(*r);
}

}  // namespace

UpsertOutcome PgMemberRepository::upsert(const Member& m) {
    const auto index = cipher_.blind_index(m.nir.value());
    const auto sealed = cipher_.encrypt(m.nir.value(), index);
    const auto email = m.email ? std::optional<std::string>(m.email->value()) : std::nullopt;
    const auto mobile = e164(m.mobile_phone);
    const auto landline = e164(m.landline_phone);
    const auto result = tx_.exec_prepared(member_upsert.name, bytes(index), bytes(sealed), m.last_name,
                                          m.first_name, m.birth_date.iso(), std::string(to_string(m.type)),
                                          nullable(email), nullable(mobile), nullable(landline), m.address,
                                          m.carte_vitale_serial, format_recent_amounts(m.recent_amounts));
    if (result.empty()) return UpsertOutcome::unchanged;
    return result[0]["inserted"].as<bool>() ? UpsertOutcome::created : UpsertOutcome::updated;
}

std::optional<Member> PgMemberRepository::find_by_nir(const Nir& nir) {
    const auto index = cipher_.blind_index(nir.value());
    const auto result = tx_.exec_prepared(member_find_by_nir.name, bytes(index));
    if (result.empty()) return std::nullopt;
    const auto row = result[0];
    const pqxx::binarystring sealed(row["nir_cipher"]);
    const auto clear = cipher_.decrypt(sealed.str(), index);
    if (!clear || *clear != nir.value()) throw std::runtime_error("member NIR does not decrypt");

    return member_from_row(row, nir);
}

Member member_from_row(const pqxx::row& row, const Nir& nir) {
    const auto text = [&](const char* column) { return row[column].is_null() ? std::string{} : row[column].as<std::string>(); };
    const CalendarDate far_future{9999, 12, 31};  // stored birth dates were checked at import
    Member m{nir,
             text("last_name"),
             text("first_name"),
             must(BirthDate::parse_iso(text("birth_date"), far_future), "birth_date"),
             member_type_from(text("member_type")).value_or(MemberType::tiers),
             std::nullopt,
             std::nullopt,
             std::nullopt,
             text("address"),
             text("carte_vitale_serial"),
             must(parse_recent_amounts(text("recent_amounts")), "recent_amounts")};
    if (!row["email"].is_null()) m.email = must(Email::parse(text("email")), "email");
    if (!row["mobile_phone"].is_null()) m.mobile_phone = must(Phone::parse(text("mobile_phone")), "mobile_phone");
    if (!row["landline_phone"].is_null())
        m.landline_phone = must(Phone::parse(text("landline_phone")), "landline_phone");
    return m;
}

}  // namespace guichet::infra
