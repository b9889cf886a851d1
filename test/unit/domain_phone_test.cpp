// Phone numbers (SPEC.md §2: input "0123456789", +33 and spaces accepted, stored E.164; SMS
// only to metropolitan mobiles +33 6 / +33 7, seed 000). Expectations follow libphonenumber's
// metadata as shipped by Debian (8.12.57).
#include <catch2/catch.hpp>

#include "domain/phone.hpp"

using guichet::ErrorCode;
using guichet::Phone;

namespace {
struct Case {
    const char* input;
    const char* e164;
    const char* region;
    bool sms;
};
}  // namespace

TEST_CASE("Phone: metropolitan mobiles are E.164 and SMS-capable", "[domain][phone]") {
    for (const Case& c : {
             Case{"0612345678", "+33612345678", "FR", true},
             Case{"06 12 34 56 78", "+33612345678", "FR", true},
             Case{"06.12.34.56.78", "+33612345678", "FR", true},
             Case{"06-12-34-56-78", "+33612345678", "FR", true},
             Case{"  0612345678  ", "+33612345678", "FR", true},
             Case{"+33612345678", "+33612345678", "FR", true},
             Case{"+33 6 12 34 56 78", "+33612345678", "FR", true},
             Case{"0033612345678", "+33612345678", "FR", true},
             Case{"+33 (0)6 12 34 56 78", "+33612345678", "FR", true},
             Case{"0761234567", "+33761234567", "FR", true},
             Case{"07 56 78 12 34", "+33756781234", "FR", true},
             Case{"0700123456", "+33700123456", "FR", true},
         }) {
        CAPTURE(c.input);
        const auto phone = Phone::parse(c.input);
        REQUIRE(phone.has_value());
        CHECK(phone->e164() == c.e164);
        CHECK(phone->region() == c.region);
        CHECK(phone->can_receive_sms() == c.sms);
    }
}

TEST_CASE("Phone: metropolitan landlines, VoIP and service numbers are valid but get no SMS", "[domain][phone]") {
    for (const Case& c : {
             Case{"0123456789", "+33123456789", "FR", false},
             Case{"0212345678", "+33212345678", "FR", false},
             Case{"0312345678", "+33312345678", "FR", false},
             Case{"0412345678", "+33412345678", "FR", false},
             Case{"0512345678", "+33512345678", "FR", false},
             Case{"0912345678", "+33912345678", "FR", false},
             Case{"0800123456", "+33800123456", "FR", false},
             Case{"0033 1 23 45 67 89", "+33123456789", "FR", false},
         }) {
        CAPTURE(c.input);
        const auto phone = Phone::parse(c.input);
        REQUIRE(phone.has_value());
        CHECK(phone->e164() == c.e164);
        CHECK(phone->region() == c.region);
        CHECK_FALSE(phone->can_receive_sms());
    }
}

TEST_CASE("Phone: overseas numbers keep their own country code and get no SMS", "[domain][phone]") {
    // libphonenumber alone, with region FR, reads "0690 00 12 34" as +33 6 90 00 12 34, which
    // its FR metadata finds invalid (no 69x mobile range), and "0590 20 12 34" as a +33 landline
    // that cannot be dialled. Phone::parse reads national numbers with an overseas prefix in that
    // territory's plan, which is how members there write them (seed 003: "0123456789").
    for (const Case& c : {
             Case{"+590 690 00 12 34", "+590690001234", "GP", false},
             Case{"0690001234", "+590690001234", "GP", false},
             Case{"0690 00 12 34", "+590690001234", "GP", false},
             Case{"0590201234", "+590590201234", "GP", false},
             Case{"+596 696 20 12 34", "+596696201234", "MQ", false},
             Case{"0696201234", "+596696201234", "MQ", false},
             Case{"0596301234", "+596596301234", "MQ", false},
             Case{"+594 694 20 12 34", "+594694201234", "GF", false},
             Case{"0694201234", "+594694201234", "GF", false},
             Case{"+262 692 12 34 56", "+262692123456", "RE", false},
             Case{"0692123456", "+262692123456", "RE", false},
             Case{"0262161234", "+262262161234", "RE", false},
             Case{"+262 639 01 23 45", "+262639012345", "YT", false},
             Case{"0639012345", "+262639012345", "YT", false},  // Mayotte mobile
             Case{"0269601234", "+262269601234", "YT", false},
             Case{"+687 75 12 34", "+687751234", "NC", false},
             Case{"+689 87 12 34 56", "+68987123456", "PF", false},
             Case{"+508 55 12 34", "+508551234", "PM", false},
             Case{"+681 82 12 34", "+681821234", "WF", false},
             Case{"00590690001234", "+590690001234", "GP", false},
         }) {
        CAPTURE(c.input);
        const auto phone = Phone::parse(c.input);
        REQUIRE(phone.has_value());
        CHECK(phone->e164() == c.e164);
        CHECK(phone->region() == c.region);
        CHECK_FALSE(phone->can_receive_sms());
    }
}

TEST_CASE("Phone: foreign numbers are valid but get no SMS", "[domain][phone]") {
    for (const Case& c : {
             Case{"+44 7400 123456", "+447400123456", "GB", false},
             Case{"+32 470 12 34 56", "+32470123456", "BE", false},
             Case{"+41 78 123 45 67", "+41781234567", "CH", false},
             Case{"+49 1512 3456789", "+4915123456789", "DE", false},
             Case{"+1 202 555 0143", "+12025550143", "US", false},
             Case{"0032 470 12 34 56", "+32470123456", "BE", false},
         }) {
        CAPTURE(c.input);
        const auto phone = Phone::parse(c.input);
        REQUIRE(phone.has_value());
        CHECK(phone->e164() == c.e164);
        CHECK(phone->region() == c.region);
        CHECK_FALSE(phone->can_receive_sms());
    }
}

TEST_CASE("Phone refuses what is not a valid number with invalid_phone on field phone", "[domain][phone]") {
    for (const char* input : {
             "",
             "   ",
             "+",
             "061234567",            // 9 digits
             "06123456789",          // 11 digits
             "06 12 34 56 7a",       // a letter, which libphonenumber would silently drop
             "06ABCDEFGH",           // keypad letters are not read as digits
             "06 12 34 56 78 ext. 12",
             "0612345678#",
             "06/12/34/56/78",
             "++33612345678",
             "33+612345678",
             "0012",
             "1234",
             "0000000000",
             "+33 6 90 12 34 56",    // 069x is not a +33 range: Guadeloupe is +590
             "+33 7 12 34 56 78",    // 071x is not allocated
             "+33 6 12 34 56 78 90",
             "061234567890123456789012345678901234567890",  // too long to be a number
             "\xef\xbc\x90\xef\xbc\x96\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96\xef\xbc\x97\xef\xbc\x98",  // full-width digits
         }) {
        CAPTURE(input);
        const auto phone = Phone::parse(input);
        REQUIRE_FALSE(phone.has_value());
        CHECK(phone.error().code == ErrorCode::invalid_phone);
        CHECK(phone.error().field == "phone");
    }
}

// Found by fuzzing (test/fuzz/phone.cpp): libphonenumber's metadata takes German national
// numbers of up to 14 digits, 16 with the country code, which E.164 (15 digits at most) and SMS
// providers do not; such a number was stored as "+4961228648705678".
TEST_CASE("Phone refuses numbers longer than E.164 allows, even when libphonenumber takes them", "[domain][phone]") {
    for (const char* input : {"004961228648705678", "+49 6122 8648705678"}) {
        CAPTURE(input);
        const auto phone = Phone::parse(input);
        REQUIRE_FALSE(phone.has_value());
        CHECK(phone.error().code == ErrorCode::invalid_phone);
    }
    CHECK(Phone::parse("+49 6122 864870567")->e164() == "+496122864870567");  // 15 digits: still a number
}

TEST_CASE("Phone masks all but the first two and last two digits", "[domain][phone]") {
    CHECK(Phone::parse("0612345678")->masked() == "06 •• •• •• 78");  // SPEC.md §5
    CHECK(Phone::parse("+33 7 56 78 12 34")->masked() == "07 •• •• •• 34");
    CHECK(Phone::parse("0123456789")->masked() == "01 •• •• •• 89");
    CHECK(Phone::parse("0800123456")->masked() == "0 8•• •• •• 56");
    // Outside +33, the country code and the last two digits.
    CHECK(Phone::parse("0692123456")->masked() == "+262 ••• •• •• 56");
    CHECK(Phone::parse("+687 75 12 34")->masked() == "+687 ••.••.34");
    CHECK(Phone::parse("+44 7400 123456")->masked() == "+44 •••• ••••56");
}

TEST_CASE("Phone equality is equality of the stored number", "[domain][phone]") {
    CHECK(*Phone::parse("06 12 34 56 78") == *Phone::parse("+33612345678"));
    CHECK(*Phone::parse("0690001234") == *Phone::parse("+590 690 00 12 34"));
    CHECK_FALSE(*Phone::parse("0612345678") == *Phone::parse("0612345679"));
    // Parsing the stored E.164 gives the same number back (database round trip).
    const auto phone = Phone::parse("0639012345");
    REQUIRE(phone.has_value());
    CHECK(*Phone::parse(phone->e164()) == *phone);
}
