// The catalogue of French texts (domain/texts/catalogue.*): every code has its text, and every
// placeholder of a text is one the service fills.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "domain/texts/catalogue.hpp"

using namespace guichet;

namespace {

std::set<std::string> placeholders(std::string_view text) {
    std::set<std::string> names;
    for (auto open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
        const auto close = text.find('}', open);
        if (close == std::string_view::npos) break;
        names.emplace(text.substr(open + 1, close - open - 1));
    }
    return names;
}

}  // namespace

TEST_CASE("every text code has its French text, with known placeholders only", "[domain][texts]") {
    const std::set<std::string> known{"destination", "by", "count", "tries", "email", "brand"};
    std::set<std::string_view> names;
    for (const auto code : every_text) {
        INFO(to_string(code));
        CHECK(names.insert(to_string(code)).second);
        const auto raw = french(code);
        CHECK_FALSE(raw.empty());
        for (const auto& p : placeholders(raw)) {
            INFO(p);
            CHECK(known.contains(p));
        }
        // Filled with every known name, nothing of a placeholder is left.
        TextParams all;
        for (const auto& k : known) all[k] = "x";
        CHECK(text(code, all).find('{') == std::string::npos);
    }
}

TEST_CASE("every error code has a French title", "[domain][texts]") {
    for (const auto code : every_error_code) {
        INFO(to_string(code));
        CHECK_FALSE(problem_title(code).empty());
    }
    CHECK(problem_title(ErrorCode::account_not_locked) == "Votre compte n'est pas bloqué.");
}

TEST_CASE("placeholders are filled, and a missing parameter stays visible", "[domain][texts]") {
    CHECK(text(Text::contact_code_sent, {{"destination", "j•••@exemple.fr"}}) ==
          "Un code de confirmation vous a été envoyé à l'adresse j•••@exemple.fr.");
    CHECK(text(Text::tries_many, {{"count", "2"}}) == "2 essais");
    CHECK(text(Text::contact_code_sent).find("{destination}") != std::string::npos);
}
