#pragma once
// Calendar dates and the birth date typed by members (SPEC.md §2: jj/mm/aaaa, a real date,
// not in the future). "Today" is always passed in by the caller, who reads it from the Clock
// port, so the rules are deterministic.
#include <compare>
#include <string>
#include <string_view>

#include "domain/error.hpp"

namespace guichet {

// Gregorian calendar, with leap years (29/02/2000 exists, 29/02/1900 does not).
bool is_real_date(int year, int month, int day);

struct CalendarDate {
    int year;
    int month;
    int day;

    // Exactly "YYYY-MM-DD", a real date in years 0001-9999; invalid_birth_date (no field: the
    // caller knows which input it parsed).
    static Result<CalendarDate> parse_iso(std::string_view text);

    std::string iso() const;     // "1984-02-29"
    std::string french() const;  // "29/02/1984"

    auto operator<=>(const CalendarDate&) const = default;
};

class BirthDate {
public:
    // Strictly jj/mm/aaaa: 2-digit day and month, 4-digit year. Surrounding whitespace (a
    // copy-paste artefact) is ignored. A real date, from 1900-01-01 to today included.
    // invalid_birth_date, field "birth_date".
    static Result<BirthDate> parse_french(std::string_view jj_mm_aaaa, CalendarDate today);
    // Same rules for "YYYY-MM-DD" (member CSV import, SPEC.md §4).
    static Result<BirthDate> parse_iso(std::string_view yyyy_mm_dd, CalendarDate today);

    const CalendarDate& date() const { return date_; }
    std::string iso() const { return date_.iso(); }
    std::string french() const { return date_.french(); }

    friend bool operator==(const BirthDate&, const BirthDate&) = default;

private:
    explicit BirthDate(CalendarDate date) : date_(date) {}
    static Result<BirthDate> check(CalendarDate date, CalendarDate today);
    CalendarDate date_;
};

}  // namespace guichet
