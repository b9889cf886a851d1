#pragma once
// The password composition rule (SPEC.md §2, seeds 003/004): at least 8 characters with at
// least 1 upper case, 1 lower case, 1 digit and 1 special character.
//
// Characters are Unicode code points of valid UTF-8. Classes:
//  - digit: ASCII 0-9 only;
//  - upper / lower: ASCII letters and the cased letters of Latin-1 and Latin Extended-A
//    (É, À, Ç, Œ… upper; é, à, ç, œ, ß, ÿ… lower), which covers French and the European
//    names members type on an AZERTY keyboard;
//  - combining accents (U+0300-U+036F) count for the length only, so a decomposed "é"
//    (e + U+0301, as some systems send it) is a lower-case letter like the composed one;
//  - anything else is special: punctuation, spaces, symbols, and letters of other scripts,
//    which are not on the member's keyboard list of letters but widen the search space just
//    as well.
// Invalid UTF-8 and control characters (U+0000-U+001F, U+007F-U+009F) are refused: they come
// from paste accidents or hostile clients, and a NUL would cut the password short in C APIs.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"

namespace guichet {

enum class CharacterClass { upper, lower, digit, special, combining_mark, control };

CharacterClass classify(char32_t code_point);

// Strict decoding (no overlong forms, surrogates or code points above U+10FFFF).
std::optional<std::u32string> decode_utf8(std::string_view text);

struct PasswordPolicy {
    std::size_t min_length = 8;    // characters (code points)
    std::size_t max_length = 128;  // characters; stops hashing abuse with huge inputs

    // ErrorCode::password_policy, field "password", detail in French listing what is missing.
    Result<void> check(std::string_view password) const;
    // One French message per unmet rule ("Au moins 1 majuscule"), in a stable order: length,
    // upper, lower, digit, special. Empty when the password complies.
    std::vector<std::string> unmet(std::string_view password) const;
};

}  // namespace guichet
