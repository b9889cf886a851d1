#pragma once
// The strength gauge of seed 004 ("faible / moyen / fort"; faible is refused even when the
// policy passes). The estimate is zxcvbn's, fed with the member's own data so that a
// password built from their name, birth date, NIR or email scores lower (SPEC.md §2).
#include <string>
#include <string_view>
#include <vector>

#include "domain/password/policy.hpp"

namespace guichet {

enum class StrengthLevel { faible, moyen, fort };

std::string_view to_string(StrengthLevel level);  // "faible", "moyen", "fort"

// What the caller knows of the member; any field may be empty. The birth date may be typed in
// any common form (29/02/1984, 1984-02-29, 29021984…). The {} initializers let callers name
// only what they know ({.email = …}) without -Wmissing-field-initializers.
struct StrengthContext {
    std::string email{};
    std::string last_name{};
    std::string first_name{};
    std::string birth_date{};
    std::string nir{};
};

struct Strength {
    StrengthLevel level = StrengthLevel::faible;
    bool accepted = false;                // policy met and level above faible
    std::vector<std::string> feedback{};  // French, for the member: unmet rules first, then hints
};

Strength evaluate_strength(std::string_view password, const StrengthContext& context, const PasswordPolicy& policy);

// The pieces below are exposed for tests and for callers that need the raw estimate.

// zxcvbn score 0-4 from zxcvbn-c's entropy: guesses = 2^bits, then the zxcvbn thresholds
// (< 1e3 → 0, < 1e6 → 1, < 1e8 → 2, < 1e10 → 3, else 4).
int score_for_entropy(double bits);
// Score 0 → 2 is faible, 3 moyen, 4 fort.
StrengthLevel level_for_score(int score);
// The words given to zxcvbn as its user dictionary: email local part and its pieces, domain
// labels, names (with and without accents, whole and by part), birth date as ddmmyyyy, yyyy,
// ddmm, yyyymmdd, ddmmyy, and the NIR with its 13-character body. A short built-in list of
// common French password words is added to them for every estimate.
std::vector<std::string> strength_context_words(const StrengthContext& context);
// zxcvbn entropy of the password against those words (0 for an empty or unusable password),
// and the matching score.
double strength_entropy_bits(std::string_view password, const StrengthContext& context);
int strength_score(std::string_view password, const StrengthContext& context);

}  // namespace guichet
