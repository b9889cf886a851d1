#pragma once
// The credentials of a new Connect identity (seed 003 "Je n'ai pas encore de compte", seed 002
// "Renseignez ensuite votre nouveau mot de passe, choisissez une question secrète"): the password
// policy, the strength gauge fed with the member's own data (`faible` refused), the confirmation,
// a secret question from the list and its answer. Only Argon2id hashes of the password and of the
// answer (compared without case and accents) are kept.
#include <optional>
#include <string>

#include "domain/flows/flow.hpp"
#include "domain/password/hasher.hpp"
#include "service/passwords/password_strength.hpp"

namespace guichet {

struct CredentialsInput {
    std::string password;
    std::optional<std::string> password_confirmation;
    std::optional<std::string> secret_question_id;
    std::optional<std::string> secret_answer;
};

struct HashedCredentials {
    std::string password_hash;
    std::string secret_question;  // an id of domain/secret_questions
    std::string secret_answer_hash;
    // As part of a flow's data, while the flow waits to create the identity.
    void fields(FlowFields& f) {
        f.text("password_hash", password_hash);
        f.text("secret_question", secret_question);
        f.text("secret_answer_hash", secret_answer_hash);
    }
};

Result<void> check_new_credentials(const PasswordStrengthCheck& strength, const CredentialsInput& input,
                                   const StrengthContext& context);

// Two Argon2id hashes: slow, so called outside any transaction, once the input is checked.
HashedCredentials hash_credentials(const PasswordHasher& hasher, const CredentialsInput& input);

}  // namespace guichet
