#pragma once
// Use case: the live strength gauge shown while a member types a new password (seed 004).
#include "domain/password/policy.hpp"
#include "domain/password/strength.hpp"

namespace guichet {

class PasswordStrengthCheck {
public:
    explicit PasswordStrengthCheck(PasswordPolicy policy) : policy_(policy) {}
    Strength run(std::string_view password, const StrengthContext& context) const {
        return evaluate_strength(password, context, policy_);
    }
    const PasswordPolicy& policy() const { return policy_; }

private:
    PasswordPolicy policy_;
};

}  // namespace guichet
