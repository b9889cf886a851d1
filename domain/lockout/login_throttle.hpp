#pragma once
// Lockout after consecutive failed logins (SPEC.md §2: 3, seeds 000 and 002).
// An attempt is counted *before* the password is checked, atomically in the database: of N
// parallel attempts on one identifier, only the first `max_failures` reach the password hash,
// whichever process receives them. A success clears the count: it can only come from an attempt
// counted within the limit, so a lock (the limit reached by failures) is never cleared this way;
// only an unlock or a password reset clears a lock. Attempts still in flight count too, so more
// than `max_failures` simultaneous logins of one member are refused until one of them succeeds.
#include <string>

namespace guichet {

struct LockoutPolicy {
    int max_failures = 3;
    // `counted` is what LoginThrottle::count_attempt returned for this attempt.
    bool allows_check(int counted) const { return counted <= max_failures; }
    // The first attempt refused since the lock (what seed 002's reset mail is sent on). The count
    // is capped two above the maximum so this one can be told from the later ones.
    bool first_refusal(int counted) const { return counted == max_failures + 1; }
    int count_cap() const { return max_failures + 2; }
};

// The identifier as the member typed it, normalised (13-character NIR body, or lower-cased
// email). The adapter never stores it in clear.
struct IdentifierKey {
    std::string normalised;
};

class LoginThrottle {
public:
    virtual ~LoginThrottle() = default;
    // Adds this attempt to the identifier's count and returns the new count (capped at the policy's
    // count_cap(), so a locked identifier does not count forever).
    virtual int count_attempt(const IdentifierKey& key) = 0;
    // The password was right (on an attempt counted within the limit): the count goes back to zero.
    virtual void clear_after_success(const IdentifierKey& key) = 0;
    // Agent unlock, password reset (locked = false); imported locked account (locked = true).
    virtual void set_locked(const IdentifierKey& key, bool locked) = 0;
    virtual bool is_locked(const IdentifierKey& key) = 0;
};

}  // namespace guichet
