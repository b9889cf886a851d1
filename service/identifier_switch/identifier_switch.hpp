#pragma once
// Use case: the switch from the NIR to an email identifier (seed 002, SPEC.md §3.7, §6). The
// flow belongs to the account of the session that started it; every step needs that session.
//   start (Bearer)          → 409 identifier_migrated when the account already has one; else state
//                             choose_email, proposing the contact email unless it already
//                             identifies another account
//   email {email}           → email_already_used when it identifies another account (it stays at
//                             choose_email, a few tries per flow); connect_password when it is a
//                             Connect identity linked to no account; otherwise new_credentials
//   credentials {current_password, password, password_confirmation, secret_question_id, secret_answer}
//   connect_password {current_password, password}   (the identity's password: its failures count
//                           towards that identity's lockout; a locked or not-validated identity
//                           answers its code and mails a reset link)
//                           current_password is the account's, counted like a login (re-
//                           authentication: a stolen session cannot switch), except in a session
//                           opened with a temporary password still to personalise
//                           → done when the email is the proposed one: the switch is made at once;
//                             otherwise validation_sent: a link valid 24 h, and
//   POST /v1/email-validations {token}
//                           → done, and a new session. Until then nothing is created under the
//                             email: the chosen credentials wait, encrypted, in the flow.
// Of two members racing for one email, exactly one gets it; the other gets email_already_used.
// After the switch a NIR login answers identifier_migrated, and the session's switch_identifier
// (with a temporary password's change_password: the identity's password is chosen) is done; every
// other session of the account ends (the password is replaced).
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
#include "service/identities/new_credentials.hpp"
#include "service/sessions/sessions.hpp"

namespace guichet {

enum class SwitchState { choose_email, new_credentials, connect_password, validation_sent, done };

struct SwitchData {
    AccountId account_id = 0;             // the account of the session that started the flow
    std::optional<std::string> proposed;  // the contact email proposed, when free
    // Whether the insurer knows the proposed address (the registry's) or the member proved it with
    // a code: only then does choosing it switch without a validation link (SPEC.md §8).
    bool proposed_trusted = false;
    std::string email;                    // the email chosen
    std::optional<IdentityId> identity_id;  // a Connect identity of no account, to prove
    HashedCredentials credentials;  // new credentials, hashed
    // The session that gave the current password: the only one the switch keeps (with the new
    // session the validation link opens).
    std::string session_id;
    void fields(FlowFields& f);
};

// Each step answers the flow and, once the switch is done, a new access token for the session that
// made it (its required actions shrank).
class IdentifierSwitch final : public FlowType<SwitchState, SwitchData> {
public:
    static constexpr const char* type = "identifier_switch";

    IdentifierSwitch(UnitOfWork& uow, Flows& flows, Sessions& sessions, const PasswordHasher& hasher,
                     const PasswordStrengthCheck& strength, RandomSource& random, const Clock& clock, const Rules& rules,
                     std::string brand);

    Result<FlowView> start(const AuthenticatedSession& session);
    Result<StepAnswer> choose_email(const AuthenticatedSession& session, const std::string& flow_id, const std::string& email);
    Result<StepAnswer> submit_credentials(const AuthenticatedSession& session, const std::string& flow_id,
                                          const std::optional<std::string>& current_password, const CredentialsInput& credentials);
    Result<StepAnswer> prove_connect_password(const AuthenticatedSession& session, const std::string& flow_id,
                                              const std::optional<std::string>& current_password, const std::string& password);
    // The link of the validation email: the switch is made and a session opened.
    Result<SessionTokens> validate_email(const std::string& token);

private:
    FlowView show(const Flow& flow) const override;
    // The flow, when it waits in `state` and is this session's account's.
    Result<Flow> load_own(const AuthenticatedSession& session, const std::string& flow_id, SwitchState state);
    Result<StepAnswer> email(const AuthenticatedSession& session, Flow& flow, const std::string& email);
    Result<StepAnswer> credentials(const AuthenticatedSession& session, Flow& flow, const std::optional<std::string>& current_password,
                                   const CredentialsInput& credentials);
    Result<StepAnswer> connect_password(const AuthenticatedSession& session, Flow& flow, const std::optional<std::string>& current_password,
                                        const std::string& password);
    Result<void> reauthenticate(const AuthenticatedSession& session, const std::optional<std::string>& current_password);
    // The chosen email is proven (the proposed one) or to be proven (a validation link).
    Result<StepAnswer> finish(const AuthenticatedSession& session, Flow& flow);
    UnitOfWork& uow_;
    Sessions& sessions_;
    const PasswordHasher& hasher_;
    const PasswordStrengthCheck& strength_;
    const Clock& clock_;
    const Rules& rules_;
    const SwitchRules& policy_;
    std::string brand_;  // "identifiant MGEN Connect" (GUICHET_BRAND)
};

}  // namespace guichet
