#pragma once
// Use cases: log in, refresh, log out, and who am I (SPEC.md §3.2, §5; seeds 000, 002, 004).
// Login counts the attempt before it checks the password (domain/lockout), answers unknown
// identifiers exactly like wrong passwords (same code, and a dummy hash check for the time),
// and rehashes passwords made with older parameters.
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/members/member.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet {

struct SessionTokens {
    std::string access_token;
    std::string refresh_token;
    std::chrono::seconds expires_in;
    std::vector<RequiredAction> required_actions;
    // Actions the member is invited to but not held to (the identifier switch when it is only
    // offered, SessionPolicy::identifier_switch_required).
    std::vector<RequiredAction> offered_actions{};
};

// A new access token for a session whose required actions changed (the refresh token stays).
struct AccessToken {
    std::string access_token;
    std::chrono::seconds expires_in;
    std::vector<RequiredAction> required_actions;
};

struct AuthenticatedSession {
    AccessClaims claims;
};

struct Profile {
    AccountId account_id;
    std::string identifier_kind;  // "nir" until the switch to an email identifier
    std::string masked_nir;
    Member member;
    std::string status;
    std::vector<RequiredAction> required_actions;
    std::optional<Phone> fax{};
    std::vector<RequiredAction> offered_actions{};  // the identifier switch, while on the NIR
};

class Sessions {
public:
    Sessions(UnitOfWork& uow, const PasswordHasher& hasher, const TokenSigner& signer, RandomSource& random,
             const Clock& clock, const Rules& rules)
        : uow_(uow), hasher_(hasher), signer_(signer), random_(random), clock_(clock), rules_(rules), policy_(rules.sessions) {}

    Result<SessionTokens> login(const std::string& identifier, const std::string& password);
    Result<SessionTokens> refresh(const std::string& refresh_token);
    // The session behind a bearer access token: signature, expiry, and not revoked. While required
    // actions are pending (SPEC.md §5) the token only opens what `scope` allows: a route serving
    // one of those actions, or reading them (/v1/me, logout), says Scope::required_actions; any
    // other route gets `forbidden` naming the pending actions.
    enum class Scope { full, required_actions };
    Result<AuthenticatedSession> authenticate(const std::string& access_token, Scope scope = Scope::full);
    Result<void> logout(const AuthenticatedSession& session);
    std::vector<SessionInfo> list(const AuthenticatedSession& session);
    // Ends one of the member's own sessions; not_found for any other id.
    Result<void> revoke(const AuthenticatedSession& session, const std::string& session_id);
    // GET /v1/me: checks the token and reads the profile of its live session in one round trip;
    // allowed while required actions are pending (it is how a client learns them).
    Result<Profile> me(const std::string& access_token);
    // A session for an account whose member proved control another way (a reset link, the link
    // that validates a new email identifier), held only to what the account keeps for later
    // (contacts and email to confirm); `how` is kept with it as for a login.
    SessionTokens start(AccountId account, const std::string& how = "reset link");
    // Stores the session's remaining required actions and signs an access token saying so.
    AccessToken reissue(const AuthenticatedSession& session, std::vector<RequiredAction> remaining);

private:
    Result<SessionTokens> login_by_email(const Email& email, const std::string& password);
    // `how` is kept with the session: the event log shows it as a login (domain/events).
    // `clear`: the login throttle's key whose count the same write clears (a NIR login's success).
    SessionTokens open_session(AccountId account, std::vector<RequiredAction> actions, const std::string& how, Transaction& tx,
                               const std::optional<IdentifierKey>& clear = std::nullopt);
    // After the right password: a session, restricted to the required actions a temporary password,
    // an unfinished personalisation or (`by_nir`) the identifier switch call for; `clear` is the
    // failure count to reset.
    // The pending temporary password was right: it becomes the password, the lock goes, and the
    // session opens as with any temporary password.
    SessionTokens open_with_pending(LegacyLogin account, const IdentifierKey& key);
    SessionTokens open_after_login(const LegacyLogin& account, const std::optional<IdentifierKey>& clear,
                                   const std::optional<std::string>& rehashed, const std::string& how, bool by_nir);
    // One request of the session, against SPEC.md §2's per-session rate.
    LimitDecision count_request(Transaction& tx, const std::string& session_id);
    Error session_limited(const LimitDecision& decision) const;
    UnitOfWork& uow_;
    const PasswordHasher& hasher_;
    const TokenSigner& signer_;
    RandomSource& random_;
    const Clock& clock_;
    const Rules& rules_;
    const SessionPolicy& policy_;
};

}  // namespace guichet
