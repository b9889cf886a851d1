// Birth dates and calendar dates (domain/birth_date.hpp) on any text: what is accepted is a real
// date between 1900-01-01 and today, and both its forms parse back to it.
#include <string>

#include "domain/birth_date.hpp"
#include "fuzz.hpp"

using namespace guichet;

namespace {

constexpr CalendarDate kToday{2026, 3, 15};

void check_birth_date(const BirthDate& date) {
    const auto& d = date.date();
    FUZZ_CHECK(is_real_date(d.year, d.month, d.day));
    FUZZ_CHECK(d <= kToday && d >= (CalendarDate{1900, 1, 1}));
    FUZZ_CHECK(date.iso().size() == 10 && date.french().size() == 10);
    const auto french = BirthDate::parse_french(date.french(), kToday);
    FUZZ_CHECK(french && *french == date);
    const auto iso = BirthDate::parse_iso(date.iso(), kToday);
    FUZZ_CHECK(iso && *iso == date);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::text_of(data, size);
    if (auto date = BirthDate::parse_french(text, kToday)) {
        check_birth_date(*date);
    } else {
        FUZZ_CHECK(fuzz::is_refusal(date.error(), ErrorCode::invalid_birth_date, "birth_date"));
    }
    if (auto date = BirthDate::parse_iso(text, kToday)) {
        check_birth_date(*date);
    } else {
        FUZZ_CHECK(fuzz::is_refusal(date.error(), ErrorCode::invalid_birth_date, "birth_date"));
    }
    if (auto date = CalendarDate::parse_iso(text)) {
        FUZZ_CHECK(is_real_date(date->year, date->month, date->day) && date->year <= 9999);
        FUZZ_CHECK(date->iso() == text);  // exactly YYYY-MM-DD: nothing around it
        const auto again = CalendarDate::parse_iso(date->french());
        FUZZ_CHECK(!again);  // the French form is not ISO
    }
    return 0;
}
