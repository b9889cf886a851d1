#pragma once
// Comparing what members type with what the registry holds: case and French accents do not
// matter ("LEFÈVRE" is "Lefevre"), nor do the spaces, hyphens and apostrophes of compound names.
#include <string>
#include <string_view>

namespace guichet {

void append_utf8(std::string& out, char32_t code_point);

// Lower-cases and drops French accents ("Lefèvre" → "lefevre", "Œ" → "oe"); other characters are
// kept. Empty for invalid UTF-8.
std::string fold_accents(std::string_view text);

// fold_accents, then only letters and digits: "Le Gall-Hervé" and "LEGALL HERVE" compare equal.
// Used for last names (seed 003) and secret answers.
std::string comparable_text(std::string_view text);

}  // namespace guichet
