#pragma once
// A member of the insurer's registry (reference data imported into Guichet, SPEC.md §4).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/birth_date.hpp"
#include "domain/email.hpp"
#include "domain/error.hpp"
#include "domain/nir.hpp"
#include "domain/phone.hpp"

namespace guichet {

enum class MemberType { particulier, exploitant, entreprise, tiers };
std::string_view to_string(MemberType type);
std::optional<MemberType> member_type_from(std::string_view text);

// A benefit, contribution invoice or wage contribution paid on a date (what it is depends on the
// member type); used by the security question of the forgot-password procedure.
struct RecentAmount {
    CalendarDate date;
    std::int64_t cents;
    friend bool operator==(const RecentAmount&, const RecentAmount&) = default;
};

struct Member {
    Nir nir;
    std::string last_name;
    std::string first_name;
    BirthDate birth_date;
    MemberType type;
    std::optional<Email> email;
    std::optional<Phone> mobile_phone;
    std::optional<Phone> landline_phone;
    std::string address;
    std::string carte_vitale_serial;
    std::vector<RecentAmount> recent_amounts;
    friend bool operator==(const Member&, const Member&) = default;
};

// One record as it arrives from the CSV file or the admin API: the CSV fields, untouched.
struct MemberRecord {
    std::string nir, last_name, first_name, birth_date, member_type, email, mobile_phone,
        landline_phone, address, carte_vitale_serial, recent_amounts;
};

// Field names of the CSV header and of the admin API, in file order.
inline constexpr std::string_view kMemberFields[] = {
    "nir",     "last_name",    "first_name",     "birth_date", "member_type",         "email",
    "mobile_phone", "landline_phone", "address", "carte_vitale_serial", "recent_amounts"};

// Validates every field; the error names the first field at fault.
// A record where it was read: line of the CSV file (header is line 1) or index in the JSON array.
struct NumberedRecord {
    std::size_t position;
    MemberRecord record;
};

Result<Member> parse_member(const MemberRecord& record, CalendarDate today);

// "12", "12.5", "12.50" or "12,50" euros → cents (at most two decimals, not negative).
Result<std::int64_t> parse_cents(std::string_view text);

// "YYYY-MM-DD:12.50;YYYY-MM-DD:3" → amounts; empty text → none.
Result<std::vector<RecentAmount>> parse_recent_amounts(std::string_view text);
std::string format_recent_amounts(const std::vector<RecentAmount>& amounts);

}  // namespace guichet
