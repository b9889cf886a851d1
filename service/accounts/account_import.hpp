#pragma once
// Use case: bring over a portal account of the previous system (SPEC.md §4, POST /v1/admin/accounts).
// A legacy (NIR) account of an imported member, with the old system's hash (PHC Argon2id or
// bcrypt, rehashed at the next successful login) or without one: then a temporary password is
// issued and sent, by letter unless another channel is asked for, in the same transaction.
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/notifications/message.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet {

struct ImportAccountCommand {
    std::string nir;
    std::optional<std::string> password_hash;
    bool has_logged_in = false;
    bool locked = false;
    std::optional<std::string> send_temporary_password_by;  // sms, email or letter
    // Seed 002 "votre mot de passe n'a jamais été créé": the old system had no password for this
    // account (a reset started and never finished). No hash, no temporary password: login answers
    // password_not_created and the member goes through "mot de passe oublié".
    bool password_never_created = false;
};

// A Connect identity of the insurer's shared login (SPEC.md §1), created on another site before
// Guichet: it can be linked to an account at registration by proving its password.
struct ImportIdentityCommand {
    std::string email;
    std::string password_hash;  // PHC Argon2id or bcrypt
    bool validated = false;
};

struct ImportedAccount {
    AccountId id;
    std::optional<Channel> temporary_password_sent_by;
};

class AccountImport {
public:
    AccountImport(UnitOfWork& uow, const PasswordHasher& hasher, RandomSource& random, const Clock& clock)
        : uow_(uow), hasher_(hasher), random_(random), clock_(clock) {}
    // Each recorded as a security event with the agent's id (SPEC.md §8).
    Result<ImportedAccount> run(const std::string& agent, const ImportAccountCommand& command);
    Result<IdentityId> import_identity(const std::string& agent, const ImportIdentityCommand& command);

private:
    UnitOfWork& uow_;
    const PasswordHasher& hasher_;
    RandomSource& random_;
    const Clock& clock_;
};

}  // namespace guichet
