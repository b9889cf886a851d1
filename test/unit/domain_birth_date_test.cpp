// Birth date input (SPEC.md §2, seed 000): jj/mm/aaaa, a real calendar date, not in the future.
// "Today" is fixed so that the cases never depend on the day the suite runs.
#include <catch2/catch.hpp>

#include "domain/birth_date.hpp"

using guichet::BirthDate;
using guichet::CalendarDate;
using guichet::ErrorCode;
using guichet::is_real_date;

namespace {
constexpr CalendarDate kToday{2024, 6, 15};
}

TEST_CASE("is_real_date follows the Gregorian calendar", "[domain][birth_date]") {
    CHECK(is_real_date(2000, 2, 29));        // divisible by 400: leap
    CHECK_FALSE(is_real_date(1900, 2, 29));  // divisible by 100 only: not leap
    CHECK(is_real_date(2024, 2, 29));
    CHECK_FALSE(is_real_date(2023, 2, 29));
    CHECK_FALSE(is_real_date(2100, 2, 29));
    CHECK(is_real_date(1600, 2, 29));
    CHECK(is_real_date(2023, 2, 28));
    CHECK_FALSE(is_real_date(2024, 2, 30));
    CHECK_FALSE(is_real_date(2024, 4, 31));
    CHECK_FALSE(is_real_date(2024, 6, 31));
    CHECK_FALSE(is_real_date(2024, 9, 31));
    CHECK_FALSE(is_real_date(2024, 11, 31));
    CHECK(is_real_date(2024, 12, 31));
    CHECK(is_real_date(2024, 1, 31));
    CHECK(is_real_date(2024, 7, 31));
    CHECK(is_real_date(2024, 8, 31));
    CHECK_FALSE(is_real_date(2024, 0, 10));
    CHECK_FALSE(is_real_date(2024, 13, 10));
    CHECK_FALSE(is_real_date(2024, 1, 0));
    CHECK_FALSE(is_real_date(2024, 1, -1));
    CHECK_FALSE(is_real_date(0, 1, 1));
}

TEST_CASE("BirthDate accepts real past dates typed jj/mm/aaaa", "[domain][birth_date]") {
    struct Case {
        const char* input;
        CalendarDate expected;
    };
    for (const Case& c : {
             Case{"29/02/2000", {2000, 2, 29}},  // leap year (÷400)
             Case{"29/02/2024", {2024, 2, 29}},  // leap year (÷4)
             Case{"28/02/2023", {2023, 2, 28}},
             Case{"28/02/1900", {1900, 2, 28}},
             Case{"01/01/1900", {1900, 1, 1}},  // the earliest accepted
             Case{"15/06/2024", {2024, 6, 15}},  // today itself
             Case{"14/06/2024", {2024, 6, 14}},  // yesterday
             Case{"31/12/1999", {1999, 12, 31}},
             Case{"31/01/1984", {1984, 1, 31}},
             Case{"30/04/1990", {1990, 4, 30}},
             Case{"01/02/1990", {1990, 2, 1}},
             Case{"15/06/1950", {1950, 6, 15}},
             Case{" 01/02/1990", {1990, 2, 1}},    // surrounding whitespace from a copy-paste
             Case{"01/02/1990  ", {1990, 2, 1}},
             Case{"\t01/02/1990\n", {1990, 2, 1}},
         }) {
        CAPTURE(c.input);
        const auto date = BirthDate::parse_french(c.input, kToday);
        REQUIRE(date.has_value());
        CHECK(date->date() == c.expected);
    }
}

TEST_CASE("BirthDate refuses malformed input with invalid_birth_date on field birth_date", "[domain][birth_date]") {
    for (const char* input : {
             "",
             "   ",
             "1/2/1990",        // day and month take 2 digits
             "01/2/1990",
             "1/02/1990",
             "01-02-1990",      // only slashes
             "01.02.1990",
             "1990-02-01",      // ISO is for the CSV import, not the member form
             "01/02/90",        // 4-digit year
             "01/02/19900",
             "001/02/1990",
             "aa/bb/cccc",
             "01/0a/1990",
             "O1/02/1990",      // letter O
             "01/02/1990x",
             "01 /02/1990",
             "01/02/ 990",
             "+1/02/1990",
             "-1/02/1990",
             "01/02/1990/",
             "01//02/1990",
             "01021990",
         }) {
        CAPTURE(input);
        const auto date = BirthDate::parse_french(input, kToday);
        REQUIRE_FALSE(date.has_value());
        CHECK(date.error().code == ErrorCode::invalid_birth_date);
        CHECK(date.error().field == "birth_date");
        CHECK(date.error().detail.find("jj/mm/aaaa") != std::string::npos);
    }
}

TEST_CASE("BirthDate refuses dates that do not exist", "[domain][birth_date]") {
    for (const char* input : {"29/02/1900", "29/02/2023", "30/02/2000", "31/04/1990", "31/06/2000", "31/09/2000",
                              "31/11/2000", "00/01/1990", "01/00/1990", "32/01/1990", "01/13/1990", "00/00/0000",
                              "99/99/1990"}) {
        CAPTURE(input);
        const auto date = BirthDate::parse_french(input, kToday);
        REQUIRE_FALSE(date.has_value());
        CHECK(date.error().code == ErrorCode::invalid_birth_date);
        CHECK(date.error().field == "birth_date");
        CHECK(date.error().detail.find("n'existe pas") != std::string::npos);
    }
}

TEST_CASE("BirthDate refuses the future and dates before 1900", "[domain][birth_date]") {
    for (const char* input : {"16/06/2024", "01/07/2024", "01/01/2025", "15/06/2025", "31/12/9999"}) {
        CAPTURE(input);
        const auto date = BirthDate::parse_french(input, kToday);
        REQUIRE_FALSE(date.has_value());
        CHECK(date.error().field == "birth_date");
        CHECK(date.error().detail.find("futur") != std::string::npos);
    }
    for (const char* input : {"31/12/1899", "01/01/1800", "01/01/0001"}) {
        CAPTURE(input);
        const auto date = BirthDate::parse_french(input, kToday);
        REQUIRE_FALSE(date.has_value());
        CHECK(date.error().detail.find("1900") != std::string::npos);
    }
    SECTION("the limit moves with today") {
        CHECK_FALSE(BirthDate::parse_french("29/02/2024", CalendarDate{2024, 2, 28}).has_value());
        CHECK(BirthDate::parse_french("29/02/2024", CalendarDate{2024, 2, 29}).has_value());
        CHECK(BirthDate::parse_french("29/02/2024", CalendarDate{2024, 3, 1}).has_value());
    }
}

TEST_CASE("BirthDate parses ISO dates of the member CSV with the same rules", "[domain][birth_date]") {
    CHECK(BirthDate::parse_iso("1984-02-29", kToday)->date() == CalendarDate{1984, 2, 29});
    CHECK(BirthDate::parse_iso(" 1984-02-29 ", kToday).has_value());
    CHECK(*BirthDate::parse_iso("1984-02-29", kToday) == *BirthDate::parse_french("29/02/1984", kToday));
    for (const char* input : {"1900-02-29", "1984-02-30", "2024-06-16", "1899-12-31", "1984-2-29", "84-02-29",
                              "29/02/1984", "1984/02/29", "1984-02-29T00:00:00", "19840229", ""}) {
        CAPTURE(input);
        const auto date = BirthDate::parse_iso(input, kToday);
        REQUIRE_FALSE(date.has_value());
        CHECK(date.error().code == ErrorCode::invalid_birth_date);
        CHECK(date.error().field == "birth_date");
    }
}

TEST_CASE("BirthDate formats in ISO and French", "[domain][birth_date]") {
    const auto date = BirthDate::parse_french("29/02/1984", kToday);
    REQUIRE(date.has_value());
    CHECK(date->iso() == "1984-02-29");
    CHECK(date->french() == "29/02/1984");
    CHECK(BirthDate::parse_french("01/01/1900", kToday)->iso() == "1900-01-01");
}

TEST_CASE("CalendarDate parses strict ISO, formats with padding and orders chronologically", "[domain][birth_date]") {
    CHECK(CalendarDate::parse_iso("2000-02-29")->day == 29);
    CHECK(CalendarDate::parse_iso("0001-01-01").has_value());
    CHECK(CalendarDate::parse_iso("9999-12-31").has_value());
    for (const char* input : {"0000-01-01", "2023-02-29", "2000-13-01", "2000-1-01", " 2000-01-01", "2000_01_01",
                              "2000-01-01Z", "abcd-ef-gh"}) {
        CAPTURE(input);
        const auto date = CalendarDate::parse_iso(input);
        REQUIRE_FALSE(date.has_value());
        CHECK(date.error().code == ErrorCode::invalid_birth_date);
    }
    CHECK(CalendarDate{999, 1, 5}.iso() == "0999-01-05");
    CHECK(CalendarDate{999, 1, 5}.french() == "05/01/0999");
    CHECK(CalendarDate{1984, 12, 31} < CalendarDate{1985, 1, 1});
    CHECK(CalendarDate{1984, 2, 28} < CalendarDate{1984, 2, 29});
    CHECK(CalendarDate{1984, 1, 31} < CalendarDate{1984, 2, 1});
    CHECK(CalendarDate{1984, 2, 29} == CalendarDate{1984, 2, 29});
}
