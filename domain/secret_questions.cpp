#include "domain/secret_questions.hpp"

#include <algorithm>
#include <array>

namespace guichet {

namespace {
// Ids are stable (stored with the identity); labels may be reworded freely.
constexpr std::array<SecretQuestion, 6> kQuestions{{
    {"birth_city", "Quelle est la ville de naissance de votre mère ?"},
    {"first_pet", "Quel était le nom de votre premier animal de compagnie ?"},
    {"first_school", "Quel est le nom de votre première école ?"},
    {"childhood_friend", "Quel est le prénom de votre meilleur ami d'enfance ?"},
    {"first_car", "Quelle était la marque de votre première voiture ?"},
    {"favourite_book", "Quel est le titre de votre livre préféré ?"},
}};
}  // namespace

std::span<const SecretQuestion> secret_questions() { return kQuestions; }

bool is_secret_question(std::string_view id) {
    return std::ranges::any_of(kQuestions, [id](const SecretQuestion& q) { return q.id == id; });
}

}  // namespace guichet
