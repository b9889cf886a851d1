// NIR rules (SPEC.md §1, seed 003). Every expected key below was computed outside the code
// under test, with python3: 97 - int(body.replace("2A", "19").replace("2B", "18")) % 97.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "domain/nir.hpp"

using guichet::ErrorCode;
using guichet::Nir;
using guichet::NirBody;

namespace {

struct KeyCase {
    const char* body;
    int key;
    const char* why;
};

// Valid bodies and their keys.
const std::vector<KeyCase> kValid = {
    {"1840275123456", 74, "man born in Paris, Feb 1984"},
    {"2690299350042", 20, "woman born abroad (99), country 350"},
    {"184022A004012", 71, "Corse-du-Sud: N = 1840219004012, 1840219004012 mod 97 = 26, 97 - 26 = 71"},
    {"184022B004012", 1, "Haute-Corse: N = 1840218004012, mod 97 = 96, key 01"},
    {"1840220004012", 44, "Corsica before 1976: department 20 still accepted"},
    {"1840219004012", 71, "Corrèze (19): same integer as 2A, hence the same key"},
    {"2920599123001", 69, "order 001, the smallest"},
    {"1991133999999", 81, "order 999, the largest"},
    {"3000101001001", 2, "sex digit 3, year 00"},
    {"4123050001999", 29, "sex digit 4, month 30 (unknown month)"},
    {"7994299001050", 90, "temporary number (7), month 42, the last of 20-42"},
    {"8015075056123", 15, "temporary number (8), month 50, the first of 50-99"},
    {"2840197105042", 77, "born overseas (97x)"},
    {"1844013001002", 68, "month 40"},
    {"1849913001002", 42, "month 99"},
    {"1842013001002", 39, "month 20, the first of 20-42"},
    {"1860869123001", 10, "month 08"},
    {"1851283012345", 15, "month 12"},
    {"2881135004010", 24, "month 11"},
    {"1000101001001", 5, "year 00, month 01"},
    {"1840275123045", 97, "N divisible by 97: key 97, never 00"},
    {"184022A004083", 97, "Corsica with key 97"},
};

struct InvalidCase {
    const char* input;
    const char* why;
};

const std::vector<InvalidCase> kInvalidBodies = {
    {"", "empty"},
    {"184027512345", "12 characters"},
    {"18402751234567", "14 characters (body and half a key)"},
    {"184027512345674", "15 characters: a full NIR is not a body"},
    {"0840275123456", "sex digit 0"},
    {"5840275123456", "sex digit 5"},
    {"6840275123456", "sex digit 6"},
    {"9840275123456", "sex digit 9"},
    {"1840075123456", "month 00"},
    {"1841375123456", "month 13"},
    {"1841975123456", "month 19"},
    {"1844375123456", "month 43"},
    {"1844975123456", "month 49"},
    {"1840275123000", "order 000"},
    {"18402751234A6", "letter in the order"},
    {"1840X75123456", "letter in the month"},
    {"184022C004012", "2C is not a department"},
    {"184021A004012", "1A: a letter only follows 2"},
    {"18402A2004012", "A in the first department position"},
    {"1840275-123456", "dash is not a separator"},
    {"1840275\t123456", "tab is not a separator"},
    {"184O275123456", "letter O for zero"},
    {"-840275123456", "sign"},
    {"1840275123456 x", "trailing garbage"},
};

}  // namespace

TEST_CASE("NirBody computes the key of SPEC.md §1, 2A read as 19 and 2B as 18", "[domain][nir]") {
    for (const auto& c : kValid) {
        CAPTURE(c.body, c.why);
        const auto body = NirBody::parse(c.body);
        REQUIRE(body.has_value());
        CHECK(body->value() == c.body);
        CHECK(body->key() == c.key);
    }
}

TEST_CASE("Nir accepts every valid body with its key and rejects it with any other key", "[domain][nir]") {
    for (const auto& c : kValid) {
        const std::string body = c.body;
        const std::string key = std::string{static_cast<char>('0' + c.key / 10), static_cast<char>('0' + c.key % 10)};
        CAPTURE(body, key, c.why);
        const auto nir = Nir::parse(body + key);
        REQUIRE(nir.has_value());
        CHECK(nir->value() == body + key);
        CHECK(nir->key() == c.key);
        CHECK(nir->body().value() == body);

        const int other = c.key == 97 ? 1 : c.key + 1;
        const std::string wrong{static_cast<char>('0' + other / 10), static_cast<char>('0' + other % 10)};
        const auto refused = Nir::parse(body + wrong);
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().code == ErrorCode::invalid_nir);
        CHECK(refused.error().field == "nir");
    }
}

TEST_CASE("NirBody rejects malformed bodies with invalid_nir on field nir", "[domain][nir]") {
    for (const auto& c : kInvalidBodies) {
        CAPTURE(c.input, c.why);
        const auto body = NirBody::parse(c.input);
        REQUIRE_FALSE(body.has_value());
        CHECK(body.error().code == ErrorCode::invalid_nir);
        CHECK(body.error().field == "nir");
        CHECK_FALSE(body.error().detail.empty());
    }
}

TEST_CASE("NirBody strips spaces as printed on the Carte Vitale and upper-cases 2a/2b", "[domain][nir]") {
    CHECK(NirBody::parse("1 84 02 75 123 456")->value() == "1840275123456");
    CHECK(NirBody::parse("  1840275123456  ")->value() == "1840275123456");
    CHECK(NirBody::parse("1 84 02 2a 004 012")->value() == "184022A004012");
    CHECK(NirBody::parse("184022b004012")->value() == "184022B004012");
    CHECK(NirBody::parse("184022b004012")->key() == 1);
    // Only the Corsican position is upper-cased; a letter elsewhere stays an error.
    CHECK_FALSE(NirBody::parse("18402751234a6").has_value());
    CHECK_FALSE(NirBody::parse("184022c004012").has_value());
}

TEST_CASE("Nir parse: spaces, lower case, length and key", "[domain][nir]") {
    SECTION("spaces between groups") {
        const auto nir = Nir::parse("1 84 02 75 123 456 74");
        REQUIRE(nir.has_value());
        CHECK(nir->value() == "184027512345674");
    }
    SECTION("lower-case 2a becomes 2A") {
        const auto nir = Nir::parse("1 84 02 2a 004 012 71");
        REQUIRE(nir.has_value());
        CHECK(nir->value() == "184022A00401271");
    }
    SECTION("2A and 2B keys are not interchangeable") {
        CHECK_FALSE(Nir::parse("184022A00401201").has_value());  // 2B's key on a 2A number
        CHECK_FALSE(Nir::parse("184022B00401271").has_value());  // 2A's key on a 2B number
        CHECK(Nir::parse("184022B00401201").has_value());
    }
    SECTION("2A and Corrèze share a key but are different people") {
        const auto corsica = Nir::parse("184022A00401271");
        const auto correze = Nir::parse("184021900401271");
        REQUIRE(corsica.has_value());
        REQUIRE(correze.has_value());
        CHECK_FALSE(*corsica == *correze);
    }
    SECTION("malformed") {
        for (const char* input : {"", "18402751234567", "1840275123456745", "1840275123456", "1840275123456AB",
                                  "18402751234567a", "184027512345600", "184027512345698", "184027512345699",
                                  "184027512345675", "1840275123000xx", "184137512345674", "184022C00401271",
                                  "184027512345674\n", "1840275123456 7 4 x"}) {
            CAPTURE(input);
            const auto nir = Nir::parse(input);
            REQUIRE_FALSE(nir.has_value());
            CHECK(nir.error().code == ErrorCode::invalid_nir);
            CHECK(nir.error().field == "nir");
        }
    }
    SECTION("the detail tells a wrong key from a malformed number") {
        CHECK(Nir::parse("184027512345675").error().detail.find("clé") != std::string::npos);
        CHECK(Nir::parse("1840275123456").error().detail.find("15") != std::string::npos);
    }
}

TEST_CASE("Nir from the body of step 1 and the key of step 3 (seed 003)", "[domain][nir]") {
    const auto body = NirBody::parse("184022B004012");
    REQUIRE(body.has_value());
    SECTION("the key may be typed with or without its leading zero") {
        for (const char* key : {"01", "1", " 01 "}) {
            CAPTURE(key);
            const auto nir = Nir::from_body_and_key(*body, key);
            REQUIRE(nir.has_value());
            CHECK(nir->value() == "184022B00401201");
            CHECK(nir->key() == 1);
        }
    }
    SECTION("a wrong or malformed key is reported on field nir_key") {
        for (const char* key : {"", "0", "00", "02", "71", "97", "98", "001", "1a", "x", "-1", "+1"}) {
            CAPTURE(key);
            const auto nir = Nir::from_body_and_key(*body, key);
            REQUIRE_FALSE(nir.has_value());
            CHECK(nir.error().code == ErrorCode::invalid_nir);
            CHECK(nir.error().field == "nir_key");
        }
    }
    SECTION("key 97") {
        const auto nir = Nir::from_body_and_key(*NirBody::parse("1840275123045"), "97");
        REQUIRE(nir.has_value());
        CHECK(nir->value() == "184027512304597");
    }
    SECTION("same NIR whichever way it was typed") {
        CHECK(*Nir::from_body_and_key(*body, "1") == *Nir::parse("1 84 02 2b 004 012 01"));
    }
}

TEST_CASE("Nir masked form keeps only sex, year and key", "[domain][nir]") {
    const auto nir = Nir::parse("184027512345674");
    REQUIRE(nir.has_value());
    CHECK(nir->masked() == "1 84 •• •• ••• ••• 74");
    CHECK(Nir::parse("184022A00401271")->masked() == "1 84 •• •• ••• ••• 71");
    CHECK(Nir::parse("269029935004220")->masked() == "2 69 •• •• ••• ••• 20");
    // Month, department, commune and order never appear.
    const std::string masked = nir->masked();
    for (const char* secret : {"02", "75", "123", "456"}) {
        CAPTURE(secret);
        CHECK(masked.find(secret) == std::string::npos);
    }
}
