#pragma once
// The rules of SPEC.md §2 with numbers (tries, lifetimes, cooldowns), in one object: app/main.cpp
// builds it once from the configuration and hands the same one to every use case, so changing a
// rule changes it everywhere (no use case keeps defaults of its own).
#include <chrono>
#include <string_view>
#include <vector>

#include "domain/codes/codes.hpp"
#include "domain/limits/limits.hpp"
#include "domain/lockout/login_throttle.hpp"
#include "domain/notifications/message.hpp"
#include "domain/password/temporary_password.hpp"
#include "domain/retention/retention.hpp"
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

// SPEC.md §2 "request rates": per client address by the kind of route, and per session. Schools
// and offices share one address: the per-identifier lockout, not these, stops password guessing.
struct RequestRates {
    LimitPolicy login{"login", 30, std::chrono::minutes(1)};         // POST /v1/sessions
    LimitPolicy flows{"flows", 20, std::chrono::minutes(1)};         // flow starts and steps
    LimitPolicy strength{"strength", 60, std::chrono::minutes(1)};   // POST /v1/password-strength
    LimitPolicy public_routes{"public", 300, std::chrono::minutes(1)};  // other unauthenticated routes
    // Every request of one session; taken 6 at a time by each process (LimitPolicy::lease), so
    // GET /v1/me stays answered from memory five times out of six.
    LimitPolicy session{"session", 600, std::chrono::minutes(1), 6};
};

// SPEC.md §2: what an identity check and a message carrying a secret may cost.
struct AbuseLimits {
    // NIR + birth date (unlock, recovery), NIR + key + name + birth date (registration): per NIR,
    // counted before comparing, known or not.
    // Each is an exact window (LimitPolicy::exact): at most the quota in any window.
    LimitPolicy identity_checks{"identity_checks", 5, std::chrono::hours(24), 1, true};
    // Codes, temporary passwords and links, per destination (a phone number, an email address);
    // decoys are counted against the identifier they pretend to serve.
    LimitPolicy destination_hour{"destination_hour", 5, std::chrono::hours(1), 1, true};
    LimitPolicy destination_day{"destination_day", 10, std::chrono::hours(24), 1, true};
    // Letters with a temporary password, per account (each one is printed and posted).
    LimitPolicy letters{"letters", 2, std::chrono::hours(24 * 30), 1, true};
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
    RequestRates rates;
    AbuseLimits abuse;
    std::chrono::hours notice_lifetime{24};             // a notice (password changed...) is stale after a day

    // How long a message is worth delivering (issue 15): until what it carries stops working.
    // The outbox marks it `expired` then, never delivers it late. Letters are printed, not sent,
    // and have no limit.
    std::chrono::seconds message_lifetime(MessageKind kind) const {
        switch (kind) {
            case MessageKind::activation_link: return registration.activation_link_lifetime;
            case MessageKind::security_code: return recovery_codes.lifetime;
            case MessageKind::email_verification_code: return contact_codes.lifetime;
            case MessageKind::temporary_password: return temporary_password_lifetime(Channel::email);  // the SMS one alike
            case MessageKind::reset_link: return reset_link_lifetime;
            case MessageKind::identifier_validation_link: return identifier_switch.validation_link_lifetime;
            case MessageKind::letter_on_its_way:
            case MessageKind::password_changed:
            case MessageKind::identifier_changed:
            case MessageKind::identity_already_exists:
            case MessageKind::contacts_changed: return notice_lifetime;
        }
        return notice_lifetime;
    }

    RetentionRules retention;  // what is purged when (GUICHET_EVENT_RETENTION_DAYS)

    // Every limit by its name, for GUICHET_RATE_LIMITS (infra/config.cpp) and the docs.
    std::vector<LimitPolicy*> limit_policies() {
        return {&rates.login, &rates.flows, &rates.strength, &rates.public_routes, &rates.session,
                &abuse.identity_checks, &abuse.destination_hour, &abuse.destination_day, &abuse.letters};
    }
    // GUICHET_RATE_LIMITS=off turns these off (benchmarks), not the abuse limits, which protect
    // one member whatever the traffic.
    std::vector<LimitPolicy*> request_rate_policies() {
        return {&rates.login, &rates.flows, &rates.strength, &rates.public_routes, &rates.session};
    }
};

}  // namespace guichet
