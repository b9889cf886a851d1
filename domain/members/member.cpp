#include "domain/members/member.hpp"

#include <charconv>

#include "domain/text.hpp"

namespace guichet {

namespace {

bool has_control_char(std::string_view s) {
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return true;
    }
    return false;
}

// A name or free text: present (when required), no control character, bounded length.
Result<std::string> text_field(std::string_view raw, std::string_view field, bool required,
                               std::size_t max_bytes) {
    const auto value = trim(raw);
    if (required && value.empty()) return fail(ErrorCode::validation_error, "obligatoire", std::string(field));
    if (value.size() > max_bytes || has_control_char(value))
        return fail(ErrorCode::validation_error, "valeur invalide", std::string(field));
    return std::string(value);
}

}  // namespace

Result<std::int64_t> parse_cents(std::string_view text) {
    // "12", "12.5", "12.50" or "12,50": euros with at most two decimals.
    const auto sep = text.find_first_of(".,");
    const auto euros_text = text.substr(0, sep);
    std::string_view decimals = sep == std::string_view::npos ? std::string_view{} : text.substr(sep + 1);
    if (euros_text.empty() || euros_text.size() > 12 || decimals.size() > 2 ||
        (sep != std::string_view::npos && decimals.empty()))
        return fail(ErrorCode::validation_error, "montant invalide", "recent_amounts");
    std::int64_t euros = 0;
    auto [p, ec] = std::from_chars(euros_text.data(), euros_text.data() + euros_text.size(), euros);
    if (ec != std::errc{} || p != euros_text.data() + euros_text.size() || euros_text[0] == '-')
        return fail(ErrorCode::validation_error, "montant invalide", "recent_amounts");
    std::int64_t cents = 0;
    for (std::size_t i = 0; i < 2; ++i) {
        cents *= 10;
        if (i < decimals.size()) {
            if (decimals[i] < '0' || decimals[i] > '9')
                return fail(ErrorCode::validation_error, "montant invalide", "recent_amounts");
            cents += decimals[i] - '0';
        }
    }
    return euros * 100 + cents;
}

std::string_view to_string(MemberType type) {
    switch (type) {
        case MemberType::particulier: return "particulier";
        case MemberType::exploitant: return "exploitant";
        case MemberType::entreprise: return "entreprise";
        case MemberType::tiers: return "tiers";
    }
    return "tiers";
}

std::optional<MemberType> member_type_from(std::string_view text) {
    for (auto t : {MemberType::particulier, MemberType::exploitant, MemberType::entreprise, MemberType::tiers})
        if (to_string(t) == text) return t;
    return std::nullopt;
}

Result<std::vector<RecentAmount>> parse_recent_amounts(std::string_view text) {
    std::vector<RecentAmount> amounts;
    text = trim(text);
    while (!text.empty()) {
        const auto end = text.find(';');
        const auto item = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (item.empty()) continue;
        const auto colon = item.find(':');
        if (colon == std::string_view::npos)
            return fail(ErrorCode::validation_error, "attendu AAAA-MM-JJ:montant", "recent_amounts");
        auto date = CalendarDate::parse_iso(trim(item.substr(0, colon)));
        if (!date) return fail(ErrorCode::validation_error, "date invalide", "recent_amounts");
        auto cents = parse_cents(trim(item.substr(colon + 1)));
        if (!cents) return std::unexpected(cents.error());
        amounts.push_back(RecentAmount{*date, *cents});
    }
    return amounts;
}

std::string format_recent_amounts(const std::vector<RecentAmount>& amounts) {
    std::string out;
    for (const auto& a : amounts) {
        if (!out.empty()) out += ';';
        const auto cents = a.cents % 100;
        out += a.date.iso() + ':' + std::to_string(a.cents / 100) + '.' + (cents < 10 ? "0" : "") +
               std::to_string(cents);
    }
    return out;
}

Result<Member> parse_member(const MemberRecord& r, CalendarDate today) {
    auto nir = Nir::parse(r.nir);
    if (!nir) return fail(ErrorCode::invalid_nir, nir.error().detail, "nir");
    auto last_name = text_field(r.last_name, "last_name", true, 200);
    if (!last_name) return std::unexpected(last_name.error());
    auto first_name = text_field(r.first_name, "first_name", true, 200);
    if (!first_name) return std::unexpected(first_name.error());
    auto birth_date = BirthDate::parse_iso(trim(r.birth_date), today);
    if (!birth_date) return fail(ErrorCode::invalid_birth_date, birth_date.error().detail, "birth_date");
    auto type = member_type_from(trim(r.member_type));
    if (!type)
        return fail(ErrorCode::validation_error, "particulier, exploitant, entreprise ou tiers", "member_type");

    std::optional<Email> email;
    if (!trim(r.email).empty()) {
        auto e = Email::parse(r.email);
        if (!e) return fail(ErrorCode::invalid_email, e.error().detail, "email");
        email = *e;
    }
    std::optional<Phone> mobile, landline;
    if (!trim(r.mobile_phone).empty()) {
        auto p = Phone::parse(r.mobile_phone);
        if (!p) return fail(ErrorCode::invalid_phone, p.error().detail, "mobile_phone");
        mobile = *p;
    }
    if (!trim(r.landline_phone).empty()) {
        auto p = Phone::parse(r.landline_phone);
        if (!p) return fail(ErrorCode::invalid_phone, p.error().detail, "landline_phone");
        landline = *p;
    }
    // Addresses are multi-line on letters: allow newlines there, nothing else below 0x20.
    std::string address(trim(r.address));
    for (const char c : address) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n') || u == 0x7f || address.size() > 500)
            return fail(ErrorCode::validation_error, "valeur invalide", "address");
    }
    auto serial = text_field(r.carte_vitale_serial, "carte_vitale_serial", false, 64);
    if (!serial) return std::unexpected(serial.error());
    auto amounts = parse_recent_amounts(r.recent_amounts);
    if (!amounts) return std::unexpected(amounts.error());

    return Member{*nir,     std::move(*last_name), std::move(*first_name), *birth_date, *type,
                  email,    mobile,                landline,               std::move(address),
                  std::move(*serial), std::move(*amounts)};
}

}  // namespace guichet
