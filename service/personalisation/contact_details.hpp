#pragma once
// Use cases: confirm the contact details, then prove the email with a 4-digit code (seed 004,
// SPEC.md §3.5). After a temporary password these are required actions, done in order: the
// password first (service/passwords), then the contacts, then the email; a session with pending
// actions can only do the first of them. A full session may update its contacts at any time; a
// new email or mobile then needs the current password (counted like a login) and the previous
// ones are told (SPEC.md §8): a stolen session cannot move where codes and passwords go.
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/codes/codes.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"
#include "service/sessions/sessions.hpp"

namespace guichet {

struct ContactsInput {
    std::string email;
    std::optional<std::string> mobile_phone;
    std::optional<std::string> landline_phone;
    std::optional<std::string> fax;
    std::optional<std::string> current_password{};  // needed to change the email or mobile of confirmed contacts
};

struct CodeSent {
    std::string destination;  // masked: j•••@exemple.fr
    std::chrono::system_clock::time_point expires_at;
};

class ContactDetails {
public:
    ContactDetails(UnitOfWork& uow, Sessions& sessions, const PasswordHasher& hasher, RandomSource& random, const Clock& clock,
                   const Rules& rules)
        : uow_(uow), sessions_(sessions), hasher_(hasher), random_(random), clock_(clock), rules_(rules), policy_(rules.contact_codes) {}

    Result<AccessToken> confirm(const AuthenticatedSession& session, const ContactsInput& input);
    // Mails a code to the contact email; again only after the cooldown.
    Result<CodeSent> send_email_code(const AuthenticatedSession& session);
    // "Votre adresse email a été vérifiée."
    Result<AccessToken> confirm_email_code(const AuthenticatedSession& session, const std::string& code);

private:
    Result<AccessToken> done(const AuthenticatedSession& session, RequiredAction action);
    UnitOfWork& uow_;
    Sessions& sessions_;
    const PasswordHasher& hasher_;
    RandomSource& random_;
    const Clock& clock_;
    const Rules& rules_;
    const CodePolicy& policy_;
};

}  // namespace guichet
