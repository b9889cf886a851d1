#pragma once
// Port: accounts (Espace personnel). One account per member; an account still on the legacy
// identifier has its own NIR password (SPEC.md §1, §4).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/nir.hpp"

namespace guichet {

using AccountId = std::int64_t;

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
    bool migrated = false;  // switched to an email identifier: NIR login is over
};

struct AccountOverview {
    AccountId id;
    Nir nir;
    bool migrated = false;
    bool has_logged_in = false;
    std::string status;  // active, pending_activation
};

class AccountRepository {
public:
    virtual std::optional<AccountOverview> overview(AccountId id) = 0;
    virtual ~AccountRepository() = default;
    virtual std::optional<LegacyLogin> find_legacy_login(const NirBody& nir) = 0;
    // A successful login: the account has now logged in; `rehashed` replaces the NIR password
    // hash when it was made with older parameters.
    virtual void record_login(AccountId id, const std::optional<std::string>& rehashed) = 0;
    // Creates the active legacy account of the member with this NIR. Empty when that member
    // already has an account (or is not in the registry: callers check the registry first).
    virtual std::optional<AccountId> create_legacy(const LegacyAccount& account) = 0;
};

}  // namespace guichet
