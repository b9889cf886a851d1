#include "domain/birth_date.hpp"
#include "domain/text.hpp"

#include <cstddef>

namespace guichet {
namespace {

constexpr CalendarDate kEarliestBirthDate{1900, 1, 1};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads text[pos, pos + count) as a number; false unless every character is an ASCII digit.
bool read_number(std::string_view text, std::size_t pos, std::size_t count, int& out) {
    out = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (!is_digit(text[i])) return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

void append_padded(std::string& out, int value, int width) {
    std::string digits = std::to_string(value);
    for (auto n = static_cast<int>(digits.size()); n < width; ++n) out.push_back('0');
    out += digits;
}

}  // namespace

bool is_real_date(int year, int month, int day) {
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int last = month == 2 && leap ? 29 : kDays[month - 1];
    return day <= last;
}

Result<CalendarDate> CalendarDate::parse_iso(std::string_view text) {
    CalendarDate date{0, 0, 0};
    const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' && read_number(text, 0, 4, date.year) &&
                        read_number(text, 5, 2, date.month) && read_number(text, 8, 2, date.day);
    if (!shaped) return fail(ErrorCode::invalid_birth_date, "format attendu AAAA-MM-JJ");
    if (!is_real_date(date.year, date.month, date.day)) return fail(ErrorCode::invalid_birth_date, "cette date n'existe pas");
    return date;
}

std::string CalendarDate::iso() const {
    std::string out;
    append_padded(out, year, 4);
    out.push_back('-');
    append_padded(out, month, 2);
    out.push_back('-');
    append_padded(out, day, 2);
    return out;
}

std::string CalendarDate::french() const {
    std::string out;
    append_padded(out, day, 2);
    out.push_back('/');
    append_padded(out, month, 2);
    out.push_back('/');
    append_padded(out, year, 4);
    return out;
}

Result<BirthDate> BirthDate::parse_french(std::string_view jj_mm_aaaa, CalendarDate today) {
    const std::string_view text = trim(jj_mm_aaaa);
    CalendarDate date{0, 0, 0};
    const bool shaped = text.size() == 10 && text[2] == '/' && text[5] == '/' && read_number(text, 0, 2, date.day) &&
                        read_number(text, 3, 2, date.month) && read_number(text, 6, 4, date.year);
    if (!shaped) return fail(ErrorCode::invalid_birth_date, "format attendu jj/mm/aaaa", "birth_date");
    return check(date, today);
}

Result<BirthDate> BirthDate::parse_iso(std::string_view yyyy_mm_dd, CalendarDate today) {
    auto date = CalendarDate::parse_iso(trim(yyyy_mm_dd));
    if (!date) {
        date.error().field = "birth_date";
        return std::unexpected(std::move(date.error()));
    }
    return check(*date, today);
}

Result<BirthDate> BirthDate::check(CalendarDate date, CalendarDate today) {
    if (!is_real_date(date.year, date.month, date.day)) return fail(ErrorCode::invalid_birth_date, "cette date n'existe pas", "birth_date");
    if (date > today) return fail(ErrorCode::invalid_birth_date, "la date de naissance est dans le futur", "birth_date");
    if (date < kEarliestBirthDate) return fail(ErrorCode::invalid_birth_date, "la date de naissance est antérieure à 1900", "birth_date");
    return BirthDate(date);
}

}  // namespace guichet
