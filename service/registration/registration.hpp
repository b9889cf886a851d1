#pragma once
// Use case: account creation (seed 003, SPEC.md §3.1, §6) and its activation.
//   start {nir: 13 digits}            → state identity
//   identity {mode: new|existing, …}  → state personal_info
//   personal_info {nir_key, last_name, birth_date, phones?}
//                                      → state activation_sent: the account exists, pending, and the
//                                        activation mail (link valid 15 days) is queued with it
//   POST /v1/activations {token}       → the account is active, the identity validated
// The registry is only consulted at the last step, with the NIR key, last name and birth date
// together, so the first steps tell nobody whether a NIR belongs to a member. An existing Connect
// identity is linked only once its password is proven (never on the email alone); those attempts
// count towards the identity's lockout like logins do.
#include <chrono>
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/lockout/login_throttle.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/unit_of_work.hpp"
#include "service/flows/flows.hpp"
#include "service/passwords/password_strength.hpp"

namespace guichet {

struct RegistrationPolicy {
    std::chrono::minutes flow_lifetime{60};
    int identity_check_tries = 3;  // personal_info submissions that may fail before the flow is spent
    std::chrono::hours activation_link_lifetime{24 * 15};  // seed 003: "Vous avez 15 jours"
    std::chrono::seconds resend_cooldown{60};               // between two activation mails
};

struct IdentityStep {
    std::string mode;  // "new" or "existing"
    std::string email;
    std::string password;
    std::optional<std::string> password_confirmation;  // new
    std::optional<std::string> secret_question_id;     // new
    std::optional<std::string> secret_answer;          // new
};

struct PersonalInfoStep {
    std::string nir_key;
    std::string last_name;
    std::string birth_date;  // jj/mm/aaaa
    std::optional<std::string> mobile_phone;
    std::optional<std::string> landline_phone;
};

struct Activated {
    AccountId account_id;
};

class Registration final : public FlowProcedure {
public:
    static constexpr const char* type = "registration";

    Registration(UnitOfWork& uow, Flows& flows, const PasswordHasher& hasher, const PasswordStrengthCheck& strength,
                 RandomSource& random, const Clock& clock, LockoutPolicy lockout = {}, RegistrationPolicy policy = {})
        : uow_(uow), flows_(flows), hasher_(hasher), strength_(strength), random_(random), clock_(clock), lockout_(lockout),
          policy_(policy) {}

    Result<FlowView> start(const std::string& nir);
    Result<FlowView> submit_identity(const std::string& flow_id, const IdentityStep& step);
    Result<FlowView> submit_personal_info(const std::string& flow_id, const PersonalInfoStep& step);
    FlowView view(const FlowRecord& flow) const override;

    Result<Activated> activate(const std::string& token);
    // Sends a new activation link when this email identifies an account still pending, at most
    // once per cooldown; answers the same whatever the email, so it reveals nothing.
    Result<void> resend_activation(const std::string& email);

private:
    UnitOfWork& uow_;
    Flows& flows_;
    const PasswordHasher& hasher_;
    const PasswordStrengthCheck& strength_;
    RandomSource& random_;
    const Clock& clock_;
    LockoutPolicy lockout_;
    RegistrationPolicy policy_;
};

}  // namespace guichet
