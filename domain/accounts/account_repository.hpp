#pragma once
// Port: accounts (Espace personnel). One account per member; an account still on the legacy
// identifier has its own NIR password (SPEC.md §1, §4).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/members/member.hpp"
#include "domain/nir.hpp"
#include "domain/phone.hpp"

namespace guichet {

using AccountId = std::int64_t;
using IdentityId = std::int64_t;  // a Connect identity (domain/identities)

// A portal account brought over from the previous system (POST /v1/admin/accounts).
struct LegacyAccount {
    Nir nir;
    std::optional<std::string> nir_password_hash;  // PHC Argon2id or bcrypt; empty: never created
    bool password_is_temporary = false;
    std::optional<std::chrono::system_clock::time_point> temporary_password_expires_at;
    bool has_logged_in = false;
};

// What login needs to know about the account behind a NIR.
struct LegacyLogin {
    AccountId id;
    std::optional<std::string> nir_password_hash;
    bool password_is_temporary = false;
    std::optional<std::chrono::system_clock::time_point> temporary_password_expires_at;
    // Switched to an email identifier, or created with one (registration): NIR login is over.
    bool migrated = false;
    std::optional<std::string> identity_password_hash{};  // of the linked Connect identity
    std::vector<std::string> pending_actions{};            // required actions left from a previous session
    bool has_logged_in{false};
    // A temporary password waiting beside the current one (AccountRepository::set_pending_password).
    std::optional<std::string> pending_password_hash{};
    std::optional<std::chrono::system_clock::time_point> pending_password_expires_at{};

    bool pending_password_usable(std::chrono::system_clock::time_point now) const {
        return pending_password_hash && (!pending_password_expires_at || *pending_password_expires_at > now);
    }
};

// An account created by the registration flow (seed 003): linked to a Connect identity from the
// start, pending until its activation link is followed.
struct RegisteredAccount {
    Nir nir;
    IdentityId identity;
    std::optional<Phone> mobile_phone;
    std::optional<Phone> landline_phone;
};

struct AccountOverview {
    AccountId id;
    Nir nir;
    bool migrated = false;
    bool has_logged_in = false;
    std::string status;  // active, pending_activation
    std::optional<std::string> identity_email{};  // the email identifier, once there is one
    std::optional<Phone> mobile_phone{};           // contacts the member gave us (registration)
    std::optional<Phone> landline_phone{};
    std::optional<std::string> contact_email{};  // confirmed by the member (seed 004)
    std::optional<Phone> fax{};
    bool email_verified = false;  // the contact email was proved with a code (seed 004)
};

// What GET /v1/me shows: the account and its member, read together.
struct AccountProfile {
    AccountOverview account;
    Member member;
};

// The password in force for an account, wherever it lives: on its Connect identity once it has one,
// otherwise the legacy NIR password.
struct AccountCredentials {
    AccountId id;
    Nir nir;
    std::optional<IdentityId> identity{};
    std::optional<std::string> identity_email{};
    std::optional<std::string> password_hash{};
    bool password_is_temporary = false;
    std::optional<std::string> secret_answer_hash{};  // the identity's, when one is set
};

class AccountRepository {
public:
    virtual std::optional<AccountProfile> profile(AccountId id) = 0;
    virtual ~AccountRepository() = default;
    virtual std::optional<LegacyLogin> find_legacy_login(const NirBody& nir) = 0;
    // A successful login: the account has now logged in; `rehashed` replaces the NIR password
    // hash when it was made with older parameters.
    virtual void record_login(AccountId id, const std::optional<std::string>& rehashed) = 0;
    // Creates the active legacy account of the member with this NIR. Empty when that member
    // already has an account (or is not in the registry: callers check the registry first).
    virtual std::optional<AccountId> create_legacy(const LegacyAccount& account) = 0;
    // Creates the pending account of the member with this NIR, linked to the identity. Empty when
    // the member already has an account or the identity is already linked (atomic).
    virtual std::optional<AccountId> create_registered(const RegisteredAccount& account) = 0;
    // pending_activation → active, and the linked identity is validated (its email is proven).
    // False when the account was not pending.
    virtual bool activate(AccountId id) = 0;
    virtual std::optional<AccountCredentials> credentials(AccountId id) = 0;
    // Required actions the account keeps until they are done (names of domain/sessions RequiredAction).
    virtual void set_pending_actions(AccountId id, const std::vector<std::string>& actions) = 0;
    // The contact details the member confirmed (seed 004); a new email must be verified again.
    virtual void set_contacts(AccountId id, const Email& email, const std::optional<Phone>& mobile,
                              const std::optional<Phone>& landline, const std::optional<Phone>& fax) = 0;
    virtual void mark_email_verified(AccountId id) = 0;
    // A temporary password sent where the member has not proved to be (a letter; an unlock's SMS):
    // it waits beside the current password, which keeps working (SPEC.md §3.4, §8). A newer one
    // replaces it; a password set or a login with the current password clears it.
    virtual void set_pending_password(AccountId id, const std::string& password_hash,
                                      std::chrono::system_clock::time_point expires_at) = 0;
    // The pending password was used: it becomes the account's password, temporary until it expires.
    virtual void promote_pending_password(AccountId id) = 0;
    // Replaces the account's password (on its identity when it has one), and clears a pending one.
    // `temporary_until` marks a temporary password and its expiry; empty: a password the member chose.
    virtual void set_password(AccountId id, const std::string& password_hash,
                              std::optional<std::chrono::system_clock::time_point> temporary_until) = 0;
    // The identifier switch (seed 002): the account now logs in with the identity, whose password
    // is its password from now on (a temporary NIR password no longer applies). False when the
    // account already has an identity, or the identity already identifies another account
    // (atomic: of two accounts racing for one identity, exactly one gets it).
    virtual bool switch_to_identity(AccountId id, IdentityId identity) = 0;
};

}  // namespace guichet
