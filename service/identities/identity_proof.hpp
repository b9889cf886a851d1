#pragma once
// Proving a Connect identity with its password (login by email, linking an existing identity at
// registration or at the identifier switch). The attempt is counted before the password is
// checked (domain/lockout), keyed by the email, so an email nobody owns locks like a real one;
// unknown and wrong answer alike, with a dummy hash check for the time (SPEC.md §7).
// Seed 002: a locked identity answers connect_identity_locked and the member receives a link to
// reset the password; the link is mailed on the first refused attempt, not on every one.
#include <chrono>

#include "domain/clock.hpp"
#include "domain/email.hpp"
#include "domain/lockout/login_throttle.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet {

// Issues a password-reset link for the identity and queues its email, in `tx`; nothing when one
// was mailed within the cooldown. Every call counts against the address's caps first (cooldown or
// not, as a decoy's request does), and is refused rate_limited over them. Returns whether a mail
// was queued.
Result<bool> mail_reset_link(Transaction& tx, const ConnectIdentity& identity, RandomSource& random, const Clock& clock,
                             const Rules& rules);

// A wrong password on an attempt the throttle counted `counted`: login_failed, and account_locked
// when this failure is the one that reached the limit. Every counted password check records so.
void record_failed_check(Transaction& tx, const Rules& rules, AccountId account, int counted, const std::string& how);

// The current password of a logged-in member (a password change, a change of contacts), counted
// like a login before it is compared, so a stolen session cannot guess it: validation_error when
// missing, account_locked / connect_identity_locked, invalid_credentials on `current_password`.
Result<void> check_current_password(UnitOfWork& uow, const PasswordHasher& hasher, const Rules& rules,
                                    const AccountCredentials& account, const std::optional<std::string>& current);

class IdentityProof {
public:
    IdentityProof(UnitOfWork& uow, const PasswordHasher& hasher, RandomSource& random, const Clock& clock, const Rules& rules)
        : uow_(uow), hasher_(hasher), random_(random), clock_(clock), rules_(rules) {}

    // The identity, once its password is proven; invalid_credentials or connect_identity_locked
    // otherwise. A success clears the failure count and rehashes an outdated hash.
    Result<ConnectIdentity> prove(const Email& email, const std::string& password);

private:
    UnitOfWork& uow_;
    const PasswordHasher& hasher_;
    RandomSource& random_;
    const Clock& clock_;
    const Rules& rules_;
};

}  // namespace guichet
