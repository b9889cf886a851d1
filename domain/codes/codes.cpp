#include "domain/codes/codes.hpp"

namespace guichet {

std::string_view to_string(CodePurpose purpose) {
    return purpose == CodePurpose::security ? "security" : "email_verification";
}

std::string generate_code(RandomSource& random, int digits) {
    std::string code;
    for (int i = 0; i < digits; ++i) code.push_back(static_cast<char>('0' + random.uniform(10)));
    return code;
}

Result<void> accepted(const CodeCheck& check) {
    switch (check.outcome) {
        case CodeOutcome::valid: return {};
        case CodeOutcome::invalid:
            return fail(ErrorCode::code_invalid, "il vous reste " + std::to_string(check.attempts_left) + " essai(s)", "code");
        case CodeOutcome::expired: return fail(ErrorCode::code_expired, "", "code");
        case CodeOutcome::exhausted: return fail(ErrorCode::too_many_attempts, "demandez un nouveau code", "code");
        case CodeOutcome::none: return fail(ErrorCode::code_expired, "aucun code en cours : demandez-en un", "code");
    }
    return fail(ErrorCode::code_expired, "", "code");
}

}  // namespace guichet
