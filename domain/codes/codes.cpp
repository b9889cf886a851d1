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

}  // namespace guichet
