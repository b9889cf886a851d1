#pragma once
// One-time codes sent to prove a channel (SPEC.md §2): the 4-digit email verification code of
// seed 004 and the 6-digit forgot-password security code, both valid 30 minutes, 5 tries. A code
// is short, so it must not be brute-forceable: each try is counted atomically *before* the code
// is compared, whatever process receives it, and a code past its tries is dead.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/error.hpp"
#include "domain/random.hpp"

namespace guichet {

enum class CodePurpose { email_verification, security };
std::string_view to_string(CodePurpose purpose);

struct CodePolicy {
    int digits = 4;
    std::chrono::minutes lifetime{30};
    int max_attempts = 5;
    std::chrono::seconds resend_cooldown{60};
};

enum class CodeOutcome { valid, invalid, expired, exhausted, none };
struct CodeCheck {
    CodeOutcome outcome;
    int attempts_left = 0;  // when invalid
};

// What a caller is answered for a check: nothing for a valid code; code_invalid with the tries
// left, code_expired (also when no code is live) or too_many_attempts otherwise.
Result<void> accepted(const CodeCheck& check);

// `digits` random decimal digits, leading zeros kept.
std::string generate_code(RandomSource& random, int digits);

class CodeRepository {
public:
    virtual ~CodeRepository() = default;
    // Replaces the owner's live code for this purpose (an older one stops working).
    virtual void issue(CodePurpose purpose, const std::string& owner, const std::string& code,
                       std::chrono::system_clock::time_point expires_at) = 0;
    virtual std::optional<std::chrono::system_clock::time_point> last_issued(CodePurpose purpose, const std::string& owner) = 0;
    // Counts this try, then compares; a right code is used up (once, even in parallel).
    virtual CodeCheck check(CodePurpose purpose, const std::string& owner, const std::string& code,
                            std::chrono::system_clock::time_point now, int max_attempts) = 0;
};

}  // namespace guichet
