#pragma once
// The secret questions a Connect identity chooses from (seed 003: "Ma question secrète ▼").
#include <span>
#include <string_view>

namespace guichet {

struct SecretQuestion {
    std::string_view id;
    std::string_view label;
};

std::span<const SecretQuestion> secret_questions();
bool is_secret_question(std::string_view id);

}  // namespace guichet
