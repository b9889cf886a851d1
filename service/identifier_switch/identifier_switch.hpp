#pragma once
// Use case: the switch from the NIR to an email identifier (seed 002, SPEC.md §3.7, §6). The
// flow belongs to the account of the session that started it; every step needs that session.
//   start (Bearer)          → 409 identifier_migrated when the account already has one; else state
//                             choose_email, proposing the contact email unless it already
//                             identifies another account
//   email {email}           → email_already_used when it identifies another account (it stays at
//                             choose_email, a few tries per flow); connect_password when it is a
//                             Connect identity linked to no account; otherwise new_credentials
//   credentials {password, password_confirmation, secret_question_id, secret_answer}
//   connect_password {password}   (its failures count towards that identity's lockout; a locked or
//                                  not-validated identity answers its code and mails a reset link)
//                           → done when the email is the proposed one: the switch is made at once;
//                             otherwise validation_sent: a link valid 24 h, and
//   POST /v1/email-validations {token}
//                           → done, and a new session. Until then nothing is created under the
//                             email: the chosen credentials wait, encrypted, in the flow.
// Of two members racing for one email, exactly one gets it; the other gets email_already_used.
// After the switch a NIR login answers identifier_migrated, and the session's switch_identifier
// (with a temporary password's change_password: the identity's password is chosen) is done.
#include <chrono>
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/lockout/login_throttle.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/unit_of_work.hpp"
#include "service/flows/flows.hpp"
#include "service/identities/new_credentials.hpp"
#include "service/sessions/sessions.hpp"

namespace guichet {

struct SwitchPolicy {
    std::chrono::minutes flow_lifetime{60};
    std::chrono::hours validation_link_lifetime{24};  // SPEC.md §2
    int email_tries = 5;  // emails refused (already used) per flow before it is spent
    std::string brand = "MGEN";  // "identifiant MGEN Connect" (GUICHET_BRAND)
};

// A step's answer: the flow, and once the switch is done a new access token for the session that
// made it (its required actions shrank).
struct SwitchStep {
    FlowView flow;
    std::optional<AccessToken> access{};
};

class IdentifierSwitch final : public FlowProcedure {
public:
    static constexpr const char* type = "identifier_switch";

    IdentifierSwitch(UnitOfWork& uow, Flows& flows, Sessions& sessions, const PasswordHasher& hasher,
                     const PasswordStrengthCheck& strength, RandomSource& random, const Clock& clock, LockoutPolicy lockout = {},
                     SwitchPolicy policy = {})
        : uow_(uow), flows_(flows), sessions_(sessions), hasher_(hasher), strength_(strength), random_(random), clock_(clock),
          lockout_(lockout), policy_(std::move(policy)) {}

    Result<FlowView> start(const AuthenticatedSession& session);
    Result<SwitchStep> choose_email(const AuthenticatedSession& session, const std::string& flow_id, const std::string& email);
    Result<SwitchStep> submit_credentials(const AuthenticatedSession& session, const std::string& flow_id,
                                          const CredentialsInput& credentials);
    Result<SwitchStep> prove_connect_password(const AuthenticatedSession& session, const std::string& flow_id,
                                              const std::string& password);
    // The link of the validation email: the switch is made and a session opened.
    Result<SessionTokens> validate_email(const std::string& token);
    FlowView view(const FlowRecord& flow) const override;

private:
    // The flow, when it is this session's account's and waits in `state`.
    Result<FlowRecord> load(const AuthenticatedSession& session, const std::string& flow_id, const char* state);
    // The chosen email is proven (the proposed one) or to be proven (a validation link).
    Result<SwitchStep> finish(const AuthenticatedSession& session, FlowRecord flow, const std::string& from);
    UnitOfWork& uow_;
    Flows& flows_;
    Sessions& sessions_;
    const PasswordHasher& hasher_;
    const PasswordStrengthCheck& strength_;
    RandomSource& random_;
    const Clock& clock_;
    LockoutPolicy lockout_;
    SwitchPolicy policy_;
};

}  // namespace guichet
