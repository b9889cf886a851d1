// Email identifiers and contact addresses (SPEC.md §1 Connect identity, §5 masked destinations).
#include <catch2/catch.hpp>

#include <string>

#include "domain/email.hpp"

using guichet::Email;
using guichet::ErrorCode;

TEST_CASE("Email accepts ordinary addresses", "[domain][email]") {
    struct Case {
        const char* input;
        const char* value;
    };
    for (const Case& c : {
             Case{"jean.dupont@exemple.fr", "jean.dupont@exemple.fr"},
             Case{"  jean.dupont@exemple.fr\t\n", "jean.dupont@exemple.fr"},   // surrounding whitespace trimmed
             Case{"Jean.Dupont@Exemple.FR", "Jean.Dupont@exemple.fr"},         // domain lower-cased, local part kept
             Case{"j+guichet@sub.exemple.co.uk", "j+guichet@sub.exemple.co.uk"},
             Case{"o'neil@exemple.ie", "o'neil@exemple.ie"},
             Case{"a@b.co", "a@b.co"},
             Case{"x_y-z@xn--exmple-cua.fr", "x_y-z@xn--exmple-cua.fr"},  // IDN in its ASCII form
             Case{"1234@exemple.fr", "1234@exemple.fr"},
             Case{"jean@ac-paris.fr", "jean@ac-paris.fr"},
             Case{"jean@123.exemple.fr", "jean@123.exemple.fr"},
             Case{"!#$%&'*+-/=?^_`{|}~@exemple.fr", "!#$%&'*+-/=?^_`{|}~@exemple.fr"},
         }) {
        CAPTURE(c.input);
        const auto email = Email::parse(c.input);
        REQUIRE(email.has_value());
        CHECK(email->value() == c.value);
    }
}

TEST_CASE("Email refuses malformed addresses with invalid_email on field email", "[domain][email]") {
    for (const char* input : {
             "",
             "   ",
             "jean",
             "jean@",
             "@exemple.fr",
             "jean@@exemple.fr",
             "jean@ex@emple.fr",
             "jean dupont@exemple.fr",  // inner space
             "jean@exemple .fr",
             "jean\t@exemple.fr",
             "jean\x01@exemple.fr",    // control character
             "jean@exemple.fr\x7f",
             "jean@exemple",            // no dot in the domain
             "jean@exemple.",
             "jean@.exemple.fr",
             "jean@exemple..fr",
             "jean@-exemple.fr",
             "jean@exemple-.fr",
             "jean@exem_ple.fr",
             "jean@exémple.fr",         // Unicode domain: only the xn-- form
             "jéan@exemple.fr",         // non-ASCII local part: not deliverable without SMTPUTF8
             ".jean@exemple.fr",
             "jean.@exemple.fr",
             "je..an@exemple.fr",
             "jean@1.2.3.4",            // all-digit top-level domain: an IP address
             "jean@[127.0.0.1]",
             "\"jean\"@exemple.fr",     // quoted local parts are not supported
             "jean(comment)@exemple.fr",
             "jean,paul@exemple.fr",
             "<jean@exemple.fr>",
             "Jean <jean@exemple.fr>",
         }) {
        CAPTURE(input);
        const auto email = Email::parse(input);
        REQUIRE_FALSE(email.has_value());
        CHECK(email.error().code == ErrorCode::invalid_email);
        CHECK(email.error().field == "email");
    }
}

TEST_CASE("Email length limits of RFC 5321", "[domain][email]") {
    const std::string local64(64, 'a');
    const std::string label63(63, 'b');
    CHECK(Email::parse(local64 + "@exemple.fr").has_value());
    CHECK_FALSE(Email::parse(local64 + "a@exemple.fr").has_value());
    CHECK(Email::parse("jean@" + label63 + ".fr").has_value());
    CHECK_FALSE(Email::parse("jean@" + label63 + "b.fr").has_value());

    // 64 + 1 + 189 = 254 characters: the longest address.
    const std::string domain189 = label63 + "." + label63 + "." + std::string(58, 'c') + ".fr";
    REQUIRE(domain189.size() == 189);
    CHECK(Email::parse(local64 + "@" + domain189).has_value());
    CHECK_FALSE(Email::parse(local64 + "@c" + domain189).has_value());
    // Trimming happens before the length check.
    CHECK(Email::parse("  " + local64 + "@" + domain189 + "  ").has_value());
}

TEST_CASE("Email parts, look-up key, equality and mask", "[domain][email]") {
    const auto email = Email::parse("Jean.Dupont@Exemple.FR");
    REQUIRE(email.has_value());
    CHECK(email->local_part() == "Jean.Dupont");
    CHECK(email->domain() == "exemple.fr");
    CHECK(email->lookup_key() == "jean.dupont@exemple.fr");
    // The mask shows the first character and the domain only (SPEC.md §5: j•••@exemple.fr).
    CHECK(Email::parse("jean@exemple.fr")->masked() == "j•••@exemple.fr");
    CHECK(email->masked() == "J•••@exemple.fr");
    CHECK(Email::parse("a@b.co")->masked() == "a•••@b.co");

    CHECK(*Email::parse("jean@EXEMPLE.fr") == *Email::parse(" jean@exemple.FR "));
    CHECK_FALSE(*Email::parse("Jean@exemple.fr") == *Email::parse("jean@exemple.fr"));
    CHECK(Email::parse("Jean@exemple.fr")->lookup_key() == Email::parse("jean@exemple.fr")->lookup_key());
}
