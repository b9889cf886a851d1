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
// count towards the identity's lockout like logins do. The "new" mode with an address that is
// already an identity goes on exactly as with a free one (same answers, same hashes), and ends
// with a mail to that address explaining how to link it instead of an activation link (§8).
#include <chrono>
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/lockout/login_throttle.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"
#include "service/flows/flow_type.hpp"
#include "service/limits/abuse_limits.hpp"
#include "service/identities/new_credentials.hpp"
#include "service/passwords/password_strength.hpp"

namespace guichet {

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

enum class RegistrationState { identity, personal_info, activation_sent };

struct RegistrationData {
    std::string nir;    // the 13 digits typed at the start
    std::string mode;   // "new" or "existing"
    std::string email;
    std::optional<IdentityId> identity_id;  // existing: the identity whose password was proven
    HashedCredentials credentials;  // new: chosen, hashed
    void fields(FlowFields& f);
};

struct Activated {
    AccountId account_id;
};

class Registration final : public FlowType<RegistrationState, RegistrationData> {
public:
    static constexpr const char* type = "registration";

    Registration(UnitOfWork& uow, Flows& flows, const PasswordHasher& hasher, const PasswordStrengthCheck& strength,
                 RandomSource& random, const Clock& clock, const Rules& rules);

    Result<FlowView> start(const std::string& nir);
    Result<FlowView> submit_identity(const std::string& flow_id, const IdentityStep& step);
    Result<FlowView> submit_personal_info(const std::string& flow_id, const PersonalInfoStep& step);

    Result<Activated> activate(const std::string& token);
    // Sends a new activation link when this email identifies an account still pending, at most
    // once per cooldown; answers the same whatever the email, so it reveals nothing.
    Result<void> resend_activation(const std::string& email);

private:
    FlowView show(const Flow& flow) const override;
    Result<FlowView> identity(Flow& flow, const IdentityStep& step);
    Result<FlowView> personal_info(Flow& flow, const PersonalInfoStep& step);
    UnitOfWork& uow_;
    const PasswordHasher& hasher_;
    const PasswordStrengthCheck& strength_;
    const Clock& clock_;
    const Rules& rules_;
    IdentityChecks checks_;  // per NIR, before any comparison (SPEC.md §2)
    const RegistrationRules& policy_;
};

}  // namespace guichet
