#pragma once
// Sessions and what a session may do (SPEC.md §5): while required actions are pending, the
// access token only allows those actions.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/accounts/account_repository.hpp"

namespace guichet {

enum class RequiredAction { change_password, confirm_contacts, verify_email, switch_identifier };
std::string_view to_string(RequiredAction action);
std::optional<RequiredAction> required_action_from(std::string_view text);
// Whether the account keeps the action for its next login when a session ends before it is done
// (seed 004: the contacts and the email). The others are derived at each login: change_password
// from a temporary password, switch_identifier from a NIR login on an account still on its NIR.
bool kept_by_account(RequiredAction action);

struct SessionPolicy {
    std::chrono::seconds access_lifetime{15 * 60};
    std::chrono::hours refresh_lifetime{24 * 30};
    // Seed 002: after a NIR login the member must switch to an email identifier (required), or is
    // only invited to (offered: the session is not restricted). GUICHET_IDENTIFIER_SWITCH.
    bool identifier_switch_required = true;
};

// What a signed access token says (a JWT: sub, sid, exp, and the pending actions).
struct AccessClaims {
    AccountId account_id;
    std::string session_id;
    std::vector<RequiredAction> required_actions;
    std::chrono::system_clock::time_point expires_at;
};

// Port: signs and checks access tokens (infra/crypto/jws: Ed25519, keys published as JWKS).
class TokenSigner {
public:
    virtual ~TokenSigner() = default;
    virtual std::string sign(const AccessClaims& claims) const = 0;
    virtual std::optional<AccessClaims> verify(std::string_view token, std::chrono::system_clock::time_point now) const = 0;
};

struct SessionInfo {
    std::string id;
    AccountId account_id;
    std::vector<RequiredAction> required_actions;
    std::chrono::system_clock::time_point created_at, last_used_at, expires_at;
    // How it was opened ("nir", "email, temporary password", "reset link"): every session is a
    // login, and the security event log shows it as one (domain/events).
    std::string opened_by{};
};

// What GET /v1/me reads of a live session: the account and member behind it, and the session's
// own required actions (the token's may be older).
struct LiveProfile {
    AccountProfile profile;
    std::vector<RequiredAction> required_actions;
};

enum class RotationOutcome { rotated, reused, unknown };
struct Rotation {
    RotationOutcome outcome;
    std::optional<SessionInfo> session;  // when rotated
};

// Port: sessions and their refresh tokens (stored as keyed hashes, never in clear).
class SessionRepository {
public:
    virtual ~SessionRepository() = default;
    virtual void create(const SessionInfo& session, const std::string& refresh_token) = 0;
    // Marks `presented` used and stores `replacement`; a token used before revokes its session.
    virtual Rotation rotate(const std::string& presented, const std::string& replacement,
                            std::chrono::system_clock::time_point now) = 0;
    // The live (not revoked, not expired) session with this id.
    virtual std::optional<SessionInfo> find_active(const std::string& id, std::chrono::system_clock::time_point now) = 0;
    virtual bool revoke(const std::string& id, AccountId account_id) = 0;
    virtual std::vector<SessionInfo> list_active(AccountId account_id, std::chrono::system_clock::time_point now) = 0;
    // The account and member behind a live session, in one read (GET /v1/me): empty when the
    // session is revoked, expired, or not this account's.
    virtual std::optional<LiveProfile> live_profile(const std::string& id, AccountId account_id,
                                                    std::chrono::system_clock::time_point now) = 0;
    virtual void set_required_actions(const std::string& id, const std::vector<RequiredAction>& actions) = 0;
    // Ends every live session of the account but `keep` (empty: all); returns how many.
    virtual int revoke_all(AccountId account_id, const std::string& keep) = 0;
    // Removes `done` from the required actions of every live session of the account (an action
    // done in one session, such as the identifier switch, frees the others at their next refresh).
    virtual void drop_required_actions(AccountId account_id, const std::vector<RequiredAction>& done) = 0;
};

}  // namespace guichet
