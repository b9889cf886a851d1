#pragma once
// Port: Connect identities (SPEC.md §1): an email + password identity shared by the insurer's
// sites. It exists on its own, before and apart from any account; an email identifies at most one
// identity, and an identity is linked to at most one account.
#include <cstdint>
#include <optional>
#include <string>

#include "domain/accounts/account_repository.hpp"
#include "domain/email.hpp"

namespace guichet {

struct ConnectIdentity {
    IdentityId id;
    std::string email;                         // the look-up form (lower case), also where mail goes
    std::optional<std::string> password_hash;  // Argon2id PHC
    bool validated = false;                    // the email was proven (activation or reset link)
    std::optional<AccountId> account_id;       // the account it identifies, if any
    std::string account_status;                // that account's status; empty without an account
    std::optional<std::string> secret_answer_hash{};
};

struct NewIdentity {
    Email email;
    std::string password_hash;
    std::string secret_question;     // an id of domain/secret_questions
    std::string secret_answer_hash;  // Argon2id of comparable_text(answer)
    bool validated{};                // the email is already proven (the identifier switch)
};

class IdentityRepository {
public:
    virtual ~IdentityRepository() = default;
    virtual std::optional<ConnectIdentity> find_by_email(const Email& email) = 0;
    virtual std::optional<ConnectIdentity> find(IdentityId id) = 0;
    // Empty when the email is already an identity (atomic: of two parallel creations, one wins).
    virtual std::optional<IdentityId> create(const NewIdentity& identity) = 0;
    virtual void set_password_hash(IdentityId id, const std::string& password_hash) = 0;
    virtual void mark_validated(IdentityId id) = 0;
};

}  // namespace guichet
