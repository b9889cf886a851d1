// Password policy and strength gauge (SPEC.md §2, seeds 003 and 004).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "domain/password/policy.hpp"
#include "domain/password/strength.hpp"

using guichet::CharacterClass;
using guichet::classify;
using guichet::ErrorCode;
using guichet::evaluate_strength;
using guichet::PasswordPolicy;
using guichet::StrengthContext;
using guichet::StrengthLevel;

namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

const PasswordPolicy kPolicy{};

}  // namespace

TEST_CASE("Policy: 8 characters with upper, lower, digit and special are enough", "[domain][password]") {
    for (const char* password : {"Abcdef1!", "Secret123!", "Zz9 zzzz", "P@ssw0rd", "éTÉ2024?", "ÉCOLE-été-7",
                                 "Œuvre#12", "straße1X!", "x9!Aqqqqqqqqqqqqqqqqq"}) {
        CAPTURE(password);
        CHECK(kPolicy.check(password).has_value());
        CHECK(kPolicy.unmet(password).empty());
    }
}

TEST_CASE("Policy: each missing rule is named in French", "[domain][password]") {
    struct Case {
        const char* password;
        std::vector<std::string> unmet;
    };
    for (const Case& c : {
             Case{"Abcde1!", {"Au moins 8 caractères"}},
             Case{"abcdef1!", {"Au moins 1 majuscule"}},
             Case{"ABCDEF1!", {"Au moins 1 minuscule"}},
             Case{"Abcdefg!", {"Au moins 1 chiffre"}},
             Case{"Abcdefg1", {"Au moins 1 caractère spécial"}},
             Case{"abcdefgh", {"Au moins 1 majuscule", "Au moins 1 chiffre", "Au moins 1 caractère spécial"}},
             Case{"12345678", {"Au moins 1 majuscule", "Au moins 1 minuscule", "Au moins 1 caractère spécial"}},
             Case{"", {"Au moins 8 caractères", "Au moins 1 majuscule", "Au moins 1 minuscule", "Au moins 1 chiffre",
                       "Au moins 1 caractère spécial"}},
             Case{"Aé1!", {"Au moins 8 caractères"}},
         }) {
        CAPTURE(c.password);
        CHECK(kPolicy.unmet(c.password) == c.unmet);
        const auto result = kPolicy.check(c.password);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().code == ErrorCode::password_policy);
        CHECK(result.error().field == "password");
    }
    const auto error = kPolicy.check("abcdefgh").error();
    CHECK(error.detail == "Mot de passe non conforme : au moins 1 majuscule, au moins 1 chiffre, au moins 1 caractère spécial.");
}

TEST_CASE("Policy: length counts characters, not bytes", "[domain][password]") {
    // "ééééééA1" is 8 characters but 14 bytes; "éééééA1" is 7 characters and 12 bytes.
    CHECK(kPolicy.unmet("ééééééA1") == std::vector<std::string>{"Au moins 1 caractère spécial"});
    CHECK(contains(kPolicy.unmet("éééééA1!"), "Au moins 8 caractères") == false);
    CHECK(contains(kPolicy.unmet("ééééA1!"), "Au moins 8 caractères"));
    const std::string longest = "Aa1!" + std::string(124, 'x');
    CHECK(kPolicy.check(longest).has_value());
    CHECK(kPolicy.unmet(longest + "x") == std::vector<std::string>{"Au plus 128 caractères"});
    // 128 two-byte characters are allowed: the limit is on characters.
    std::string accents = "Aa1!";
    for (int i = 0; i < 124; ++i) accents += "é";
    CHECK(kPolicy.check(accents).has_value());
    const PasswordPolicy strict{12, 64};
    CHECK(strict.unmet("Abcdef1!") == std::vector<std::string>{"Au moins 12 caractères"});
    const PasswordPolicy one{1, 128};
    CHECK(contains(one.unmet(""), "Au moins 1 caractère"));
}

TEST_CASE("Policy: accented letters are letters, other scripts and symbols are special", "[domain][password]") {
    CHECK(classify(U'É') == CharacterClass::upper);
    CHECK(classify(U'À') == CharacterClass::upper);
    CHECK(classify(U'Ç') == CharacterClass::upper);
    CHECK(classify(U'Œ') == CharacterClass::upper);
    CHECK(classify(U'Ÿ') == CharacterClass::upper);
    CHECK(classify(U'Ž') == CharacterClass::upper);
    CHECK(classify(U'é') == CharacterClass::lower);
    CHECK(classify(U'ç') == CharacterClass::lower);
    CHECK(classify(U'œ') == CharacterClass::lower);
    CHECK(classify(U'ß') == CharacterClass::lower);
    CHECK(classify(U'ÿ') == CharacterClass::lower);
    CHECK(classify(U'ž') == CharacterClass::lower);
    CHECK(classify(U'ı') == CharacterClass::lower);
    CHECK(classify(U'İ') == CharacterClass::upper);
    CHECK(classify(U'×') == CharacterClass::special);
    CHECK(classify(U'÷') == CharacterClass::special);
    CHECK(classify(U'€') == CharacterClass::special);
    CHECK(classify(U' ') == CharacterClass::special);
    CHECK(classify(U'Ж') == CharacterClass::special);  // outside the Latin table
    CHECK(classify(U'٣') == CharacterClass::special);  // not an ASCII digit
    CHECK(classify(U'7') == CharacterClass::digit);
    CHECK(classify(0x301) == CharacterClass::combining_mark);
    CHECK(classify(U'\t') == CharacterClass::control);
    CHECK(classify(0x85) == CharacterClass::control);

    CHECK(kPolicy.unmet("ÉCOLE123!") == std::vector<std::string>{"Au moins 1 minuscule"});  // É is upper case
    CHECK(kPolicy.unmet("école123!") == std::vector<std::string>{"Au moins 1 majuscule"});  // é is lower case
    CHECK(kPolicy.check("Motdepasse1€").has_value());                                      // € is special
    // A decomposed é (e + U+0301) is a lower-case letter, not a special character.
    CHECK(kPolicy.unmet("E\u0301COLE1e\u0301") == std::vector<std::string>{"Au moins 1 caractère spécial"});
}

TEST_CASE("Policy: invalid UTF-8 and control characters are refused", "[domain][password]") {
    const std::string nul_inside("Abcdef1!\0x", 10);
    for (const std::string& password : {std::string("Abcdef1!\xff"), std::string("Abcdef1!\xc3"), std::string("Abc\xc0\xaf" "def1!"),
                                        std::string("Abcdef1!\xed\xa0\x80"), std::string("Abcdef1!\xf4\x90\x80\x80"),
                                        std::string("Abc\tdef1!"), std::string("Abcdef1!\n"), nul_inside}) {
        CAPTURE(password);
        const auto result = kPolicy.check(password);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().code == ErrorCode::password_policy);
        CHECK(kPolicy.unmet(password).size() == 1);
    }
    CHECK(guichet::decode_utf8("é€😀") == std::u32string{U'é', U'€', U'😀'});
    CHECK_FALSE(guichet::decode_utf8("\xe2\x82").has_value());
}

TEST_CASE("Strength: zxcvbn score thresholds and levels", "[domain][password]") {
    // guesses = 2^bits; 1e3 ≈ 2^9.97, 1e6 ≈ 2^19.93, 1e8 ≈ 2^26.58, 1e10 ≈ 2^33.22.
    CHECK(guichet::score_for_entropy(0) == 0);
    CHECK(guichet::score_for_entropy(9.9) == 0);
    CHECK(guichet::score_for_entropy(10.0) == 1);
    CHECK(guichet::score_for_entropy(19.9) == 1);
    CHECK(guichet::score_for_entropy(20.0) == 2);
    CHECK(guichet::score_for_entropy(26.5) == 2);
    CHECK(guichet::score_for_entropy(26.6) == 3);
    CHECK(guichet::score_for_entropy(33.2) == 3);
    CHECK(guichet::score_for_entropy(33.3) == 4);
    CHECK(guichet::score_for_entropy(2000.0) == 4);  // no overflow on very long passwords
    CHECK(guichet::level_for_score(0) == StrengthLevel::faible);
    CHECK(guichet::level_for_score(2) == StrengthLevel::faible);
    CHECK(guichet::level_for_score(3) == StrengthLevel::moyen);
    CHECK(guichet::level_for_score(4) == StrengthLevel::fort);
    CHECK(guichet::to_string(StrengthLevel::faible) == "faible");
    CHECK(guichet::to_string(StrengthLevel::moyen) == "moyen");
    CHECK(guichet::to_string(StrengthLevel::fort) == "fort");
}

TEST_CASE("Strength: Secret123! meets the policy but is faible, hence refused", "[domain][password]") {
    const auto strength = evaluate_strength("Secret123!", {}, kPolicy);
    CHECK(kPolicy.check("Secret123!").has_value());
    CHECK(strength.level == StrengthLevel::faible);
    CHECK_FALSE(strength.accepted);
    CHECK_FALSE(strength.feedback.empty());
    for (const char* weak : {"P@ssw0rd", "Azerty123!", "Motdepasse1!", "Bonjour2024!", "Password1!", "Qwerty123!"}) {
        CAPTURE(weak);
        const auto s = evaluate_strength(weak, {}, kPolicy);
        CHECK(s.level == StrengthLevel::faible);
        CHECK_FALSE(s.accepted);
    }
}

TEST_CASE("Strength: common French passwords are faible although zxcvbn's dictionaries are English", "[domain][password]") {
    for (const char* weak : {"Motdepasse1!", "M0tdep@sse!", "Soleil2024!", "Doudou123!", "Jetaime01!", "Marseille13!",
                             "Mutuelle1!", "Sécurité1!"}) {
        CAPTURE(weak);
        CHECK(kPolicy.check(weak).has_value());
        const auto s = evaluate_strength(weak, {}, kPolicy);
        CHECK(s.level == StrengthLevel::faible);
        CHECK_FALSE(s.accepted);
        CHECK(contains(s.feedback, "Évitez les mots courants et les mots de passe connus."));
    }
}

TEST_CASE("Strength: feedback names what to avoid, in French", "[domain][password]") {
    const auto weak = evaluate_strength("Secret123!", {}, kPolicy);
    CHECK(weak.feedback.front() == "Mot de passe trop facile à deviner : il est refusé.");
    CHECK(contains(weak.feedback, "Évitez les suites logiques (abc, 123…)."));
    // A lone "!" is no reason for a leet hint.
    CHECK_FALSE(contains(weak.feedback,
                         "Remplacer des lettres par des chiffres ou des symboles (@ pour a, 0 pour o) ne trompe pas les pirates."));
    CHECK(contains(evaluate_strength("Tr0ub4dour&3", {}, kPolicy).feedback,
                   "Remplacer des lettres par des chiffres ou des symboles (@ pour a, 0 pour o) ne trompe pas les pirates."));
    CHECK(contains(evaluate_strength("Wsxcde3!", {}, kPolicy).feedback,
                   "Évitez les suites de touches du clavier (azerty, qwerty…)."));
    CHECK(contains(evaluate_strength("Kiwi!1984", {}, kPolicy).feedback,
                   "Évitez les dates et les années, faciles à deviner."));
    // Nothing personal is claimed without context.
    for (const auto& line : evaluate_strength("Dupont1984!x", {}, kPolicy).feedback) {
        CHECK(line.find("informations personnelles") == std::string::npos);
    }
    // A moyen password is accepted, with advice to lengthen it.
    const auto medium = evaluate_strength("Tr0ub4dour&3", {}, kPolicy);
    CHECK(medium.accepted);
    CHECK(medium.feedback.back() == "Allongez-le : une phrase de plusieurs mots inhabituels est plus sûre qu'un mot compliqué.");
}

TEST_CASE("Strength: the gauge orders faible < moyen < fort", "[domain][password]") {
    const auto weak = evaluate_strength("Secret123!", {}, kPolicy);
    const auto medium = evaluate_strength("Tr0ub4dour&3", {}, kPolicy);
    const auto strong = evaluate_strength("Lune-Cactus-Violon-42", {}, kPolicy);
    const auto random = evaluate_strength("xK9#mQ2$vL7!pR4@", {}, kPolicy);
    CHECK(weak.level == StrengthLevel::faible);
    CHECK(medium.level == StrengthLevel::moyen);
    CHECK(medium.accepted);
    CHECK(strong.level == StrengthLevel::fort);
    CHECK(strong.accepted);
    CHECK(strong.feedback.empty());
    CHECK(random.level == StrengthLevel::fort);
    CHECK(evaluate_strength("Correct-Cheval-Agrafe-Batterie-7", {}, kPolicy).level == StrengthLevel::fort);
    CHECK(guichet::strength_score("Secret123!", {}) < guichet::strength_score("Tr0ub4dour&3", {}));
    CHECK(guichet::strength_score("Tr0ub4dour&3", {}) < guichet::strength_score("Lune-Cactus-Violon-42", {}));
}

TEST_CASE("Strength: a password failing the policy is always faible", "[domain][password]") {
    // Long and random, but no digit.
    const auto s = evaluate_strength("xKq#mQw$vLz!pRt@bNc", {}, kPolicy);
    CHECK(guichet::strength_score("xKq#mQw$vLz!pRt@bNc", {}) == 4);
    CHECK(s.level == StrengthLevel::faible);
    CHECK_FALSE(s.accepted);
    CHECK(s.feedback.front() == "Au moins 1 chiffre");

    const auto empty = evaluate_strength("", {}, kPolicy);
    CHECK(empty.level == StrengthLevel::faible);
    CHECK_FALSE(empty.accepted);
    CHECK(contains(empty.feedback, "Au moins 8 caractères"));
    CHECK(guichet::strength_score("", {}) == 0);

    const auto invalid = evaluate_strength(std::string("Lune-Cactus\0-Violon-42", 22), {}, kPolicy);
    CHECK(invalid.level == StrengthLevel::faible);
    CHECK_FALSE(invalid.accepted);

    const std::string too_long = "Aa1!" + std::string(200, 'q');
    CHECK_FALSE(evaluate_strength(too_long, {}, kPolicy).accepted);
}

TEST_CASE("Strength: the member's own data lowers the score", "[domain][password]") {
    const StrengthContext member{.email = "jean.dupont@exemple.fr",
                                 .last_name = "Dupont",
                                 .first_name = "Jean",
                                 .birth_date = "29/02/1984",
                                 .nir = "1 84 02 75 123 456 74"};
    SECTION("name and birth year") {
        const auto alone = evaluate_strength("Dupont1984!x", {}, kPolicy);
        const auto with_context = evaluate_strength("Dupont1984!x", member, kPolicy);
        CHECK(alone.level == StrengthLevel::moyen);
        CHECK(with_context.level == StrengthLevel::faible);
        CHECK_FALSE(with_context.accepted);
        CHECK(guichet::strength_score("Dupont1984!x", member) < guichet::strength_score("Dupont1984!x", {}));
        CHECK(contains(with_context.feedback,
                       "Évitez vos informations personnelles : nom, prénom, date de naissance, email, numéro de sécurité sociale."));
    }
    SECTION("each piece of context counts on its own") {
        struct Case {
            const char* password;
            StrengthContext context;
        };
        for (const Case& c : {
                 Case{"Jean.Dupont!9q", {.email = "jean.dupont@exemple.fr"}},
                 Case{"Exemple#Zorglub4", {.email = "zorglub@exemple.fr"}},
                 Case{"Lefevre#Quintal7", {.last_name = "Lefèvre"}},
                 Case{"Marie-Claire7!", {.first_name = "Marie-Claire"}},
                 Case{"Kiwi!29021984", {.birth_date = "1984-02-29"}},
                 Case{"Kiwi!19840229", {.birth_date = "29/02/1984"}},
                 Case{"Kiwi!2902Zap", {.birth_date = "29.02.1984"}},
                 Case{"A!184027512345674", {.nir = "184027512345674"}},
                 Case{"A!1840275123456b", {.nir = "1 84 02 75 123 456 74"}},
             }) {
            CAPTURE(c.password);
            CHECK(guichet::strength_entropy_bits(c.password, c.context) < guichet::strength_entropy_bits(c.password, {}));
        }
    }
    SECTION("an unrelated password keeps its level") {
        CHECK(evaluate_strength("Lune-Cactus-Violon-42", member, kPolicy).level == StrengthLevel::fort);
        CHECK(evaluate_strength("Tr0ub4dour&3", member, kPolicy).level == StrengthLevel::moyen);
    }
    SECTION("knowing more about the member never makes a password look stronger") {
        for (const char* password : {"Motdepasse1!", "Secret123!", "Lune-Cactus-Violon-42", "Soleil2024!"}) {
            CAPTURE(password);
            CHECK(guichet::strength_entropy_bits(password, member) <= guichet::strength_entropy_bits(password, {}));
        }
    }
    SECTION("the email alone makes its owner's name weak") {
        const auto s = evaluate_strength("Jean.Dupont29", {.email = "jean.dupont@exemple.fr"}, kPolicy);
        CHECK(evaluate_strength("Jean.Dupont29", {}, kPolicy).accepted);
        CHECK(s.level == StrengthLevel::faible);
        CHECK_FALSE(s.accepted);
    }
}

TEST_CASE("Strength: context words derived from the member", "[domain][password]") {
    const auto words = guichet::strength_context_words({.email = "Jean.Dupont@ac-paris.fr",
                                                        .last_name = "Lefèvre-Œuvray",
                                                        .first_name = "Zoé",
                                                        .birth_date = "29/02/1984",
                                                        .nir = "1 84 02 2A 004 012 71"});
    for (const char* word : {"Jean.Dupont", "jean.dupont", "jeandupont", "jean", "dupont", "ac-paris", "Lefèvre-Œuvray", "lefèvre-œuvray",
                             "lefevre-oeuvray", "lefevre", "oeuvray", "lefevreoeuvray", "zoe", "Zoé", "zoé", "29021984", "1984",
                             "2902", "19840229", "290284", "184022A00401271", "184022A004012"}) {
        CAPTURE(word);
        CHECK(contains(words, word));
    }
    CHECK_FALSE(contains(words, "fr"));  // the top-level domain says nothing about the member
    CHECK(guichet::strength_context_words({}).empty());
    CHECK(guichet::strength_context_words({.birth_date = "n'importe quoi"}).empty());
    CHECK(guichet::strength_context_words({.birth_date = "31/02/1984"}).empty());  // not a date
    const auto eight = guichet::strength_context_words({.birth_date = "29021984"});
    CHECK(contains(eight, "19840229"));
    CHECK(contains(guichet::strength_context_words({.birth_date = "29/02/84"}), "290284"));
    // Oversized fields are ignored: no real name is that long, and the gauge must stay cheap.
    std::string huge;
    for (int i = 0; i < 10000; ++i) huge += "mot ";
    CHECK(guichet::strength_context_words({.last_name = huge}).empty());
    CHECK(evaluate_strength("Lune-Cactus-Violon-42", {.last_name = huge, .first_name = huge}, kPolicy).accepted);
}
