#pragma once
// The rules of SPEC.md §2 with numbers (tries, lifetimes, cooldowns), in one object: app/main.cpp
// builds it once from the configuration and hands the same one to every use case, so changing a
// rule changes it everywhere (no use case keeps defaults of its own).
#include <chrono>

#include "domain/codes/codes.hpp"
#include "domain/lockout/login_throttle.hpp"
#include "domain/sessions/session.hpp"

namespace guichet {

struct RegistrationRules {
    std::chrono::minutes flow_lifetime{60};
    int identity_check_tries = 3;  // personal_info submissions that may fail before the flow is spent
    std::chrono::hours activation_link_lifetime{24 * 15};  // seed 003: "Vous avez 15 jours"
    std::chrono::seconds resend_cooldown{60};               // between two activation mails
};

struct SwitchRules {
    std::chrono::minutes flow_lifetime{60};
    std::chrono::hours validation_link_lifetime{24};  // SPEC.md §2
    int email_tries = 5;  // emails refused (already used) per flow before it is spent
};

struct Rules {
    LockoutPolicy lockout;  // 3 failures (seeds 000, 002)
    SessionPolicy sessions;
    RegistrationRules registration;
    SwitchRules identifier_switch;
    CodePolicy recovery_codes{6, std::chrono::minutes(30), 5, std::chrono::seconds(60)};
    CodePolicy contact_codes{.digits = 4};
    std::chrono::minutes unlock_flow_lifetime{30};
    std::chrono::hours recovery_flow_lifetime{1};  // room for the 30-minute code and its resends
    std::chrono::hours reset_link_lifetime{1};
    std::chrono::minutes reset_link_cooldown{5};  // between two reset mails of one identity
    int recovery_codes_per_flow = 4;              // the first and 3 more on request
};

}  // namespace guichet
