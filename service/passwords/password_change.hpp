#pragma once
// Use cases: set a new password from an email link (POST /v1/password-resets; seeds 000, 002),
// and change or personalise it while logged in (PUT /v1/me/password; seed 004). The same rules
// everywhere: the policy, the gauge fed with the member's own data (`faible` refused), typed twice.
// A reset also proves the email (the identity becomes validated), clears the lock of the NIR and
// of the email, ends every session, and answers a new one (seed 000: "vous accéderez à votre
// Espace personnel"). A notice goes to the member after each change.
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/lockout/login_throttle.hpp"
#include "domain/password/hasher.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"
#include "service/passwords/password_strength.hpp"
#include "service/sessions/sessions.hpp"

namespace guichet {

struct NewPassword {
    std::string password;
    std::string confirmation;
};

struct PasswordResetDone {
    std::optional<SessionTokens> session;  // none for an identity that has no account yet
};

struct PasswordChanged {
    AccessToken access;  // the session's new access token (its required actions may have shrunk)
    int other_sessions_ended = 0;
};

class PasswordChange {
public:
    static constexpr int kSecretAnswerTries = 5;  // per link, then the link is dead

    PasswordChange(UnitOfWork& uow, const PasswordHasher& hasher, const PasswordStrengthCheck& strength, Sessions& sessions,
                   const Clock& clock, const Rules& rules)
        : uow_(uow), hasher_(hasher), strength_(strength), sessions_(sessions), clock_(clock), rules_(rules) {}

    Result<PasswordResetDone> reset(const std::string& token, const NewPassword& password,
                                    const std::optional<std::string>& secret_answer);
    // `current` is required unless the session must personalise a temporary password. Every
    // other session of the account ends (SPEC.md §8).
    Result<PasswordChanged> change(const AuthenticatedSession& session, const std::optional<std::string>& current,
                                   const NewPassword& password);

private:
    UnitOfWork& uow_;
    const PasswordHasher& hasher_;
    const PasswordStrengthCheck& strength_;
    Sessions& sessions_;
    const Clock& clock_;
    const Rules& rules_;
};

}  // namespace guichet
