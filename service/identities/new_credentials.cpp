#include "service/identities/new_credentials.hpp"

#include "domain/folding.hpp"
#include "domain/secret_questions.hpp"

namespace guichet {

Result<void> check_new_credentials(const PasswordStrengthCheck& strength, const CredentialsInput& input,
                                   const StrengthContext& context) {
    if (auto ok = strength.policy().check(input.password); !ok) return ok;
    if (!strength.run(input.password, context).accepted)
        return fail(ErrorCode::password_too_weak, "choisissez un mot de passe plus long ou moins prévisible", "password");
    if (!input.password_confirmation || *input.password_confirmation != input.password)
        return fail(ErrorCode::password_mismatch, "", "password_confirmation");
    if (!input.secret_question_id || !is_secret_question(*input.secret_question_id))
        return fail(ErrorCode::validation_error, "choisissez une question de GET /v1/secret-questions", "secret_question_id");
    if (comparable_text(input.secret_answer.value_or("")).size() < 2)
        return fail(ErrorCode::validation_error, "répondez à la question secrète", "secret_answer");
    return {};
}

HashedCredentials hash_credentials(const PasswordHasher& hasher, const CredentialsInput& input) {
    return HashedCredentials{hasher.hash(input.password), input.secret_question_id.value_or(""),
                             hasher.hash(comparable_text(input.secret_answer.value_or("")))};
}

}  // namespace guichet
