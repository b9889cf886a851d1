#include "api/problem.hpp"

#include <iterator>

namespace guichet::api {

namespace {

struct Problem {
    ErrorCode code;
    int status;
    const char* title;  // French, for the member
};

// In the order of GUICHET_ERROR_CODES (domain/error.hpp): a code added there and not here, or out
// of order, fails to compile.
constexpr Problem kProblems[] = {
    {ErrorCode::invalid_credentials, 401, "Identifiant ou mot de passe incorrect."},
    {ErrorCode::account_locked, 423, "Votre compte est bloqué. Débloquez votre compte pour vous connecter."},
    {ErrorCode::account_not_locked, 409, "Votre compte n'est pas bloqué."},
    {ErrorCode::identifier_migrated, 409, "La connexion à votre Espace personnel se fait désormais avec l'adresse email indiquée lors de l'activation de votre compte."},
    {ErrorCode::password_not_created, 409, "Vous n'avez pas encore créé votre mot de passe."},
    {ErrorCode::connect_identity_not_validated, 409, "Votre identifiant n'a pas été validé."},
    {ErrorCode::connect_identity_locked, 423, "Votre identifiant est bloqué."},
    {ErrorCode::account_not_activated, 409, "Votre espace personnel n'est pas encore activé."},
    {ErrorCode::no_account, 403, "Aucun espace personnel n'est rattaché à cet identifiant MGEN Connect. Créez votre espace personnel."},
    {ErrorCode::email_already_used, 409, "Cette adresse email est déjà utilisée : une adresse email ne peut identifier qu'un seul Espace personnel."},
    {ErrorCode::account_already_exists, 409, "Ce membre a déjà un Espace personnel."},
    {ErrorCode::password_policy, 422, "Le mot de passe doit comporter au moins 8 caractères dont 1 majuscule, 1 minuscule, 1 chiffre et 1 caractère spécial."},
    {ErrorCode::password_too_weak, 422, "Ce mot de passe est trop faible."},
    {ErrorCode::password_mismatch, 422, "Les deux mots de passe ne sont pas identiques."},
    {ErrorCode::invalid_nir, 422, "Le numéro de sécurité sociale n'est pas valide."},
    {ErrorCode::invalid_birth_date, 422, "La date de naissance doit être une date réelle au format jj/mm/aaaa."},
    {ErrorCode::invalid_phone, 422, "Le numéro de téléphone n'est pas valide."},
    {ErrorCode::invalid_email, 422, "L'adresse email n'est pas valide."},
    {ErrorCode::sms_not_available, 422, "Seuls les numéros de portable en France métropolitaine permettent de recevoir un SMS."},
    {ErrorCode::identity_check_failed, 422, "Les informations saisies ne correspondent pas à nos données."},
    {ErrorCode::code_invalid, 422, "Le code saisi est incorrect."},
    {ErrorCode::code_expired, 410, "Ce code a expiré. Demandez un nouveau code."},
    {ErrorCode::link_expired, 410, "Ce lien a expiré ou a déjà été utilisé."},
    {ErrorCode::flow_expired, 410, "Cette démarche a expiré. Veuillez recommencer."},
    {ErrorCode::step_not_allowed, 409, "Cette étape n'est pas celle attendue dans la démarche."},
    {ErrorCode::too_many_attempts, 429, "Trop de tentatives. Veuillez recommencer."},
    {ErrorCode::rate_limited, 429, "Trop de demandes. Veuillez réessayer dans quelques instants."},
    {ErrorCode::validation_error, 400, "La requête est invalide."},
    {ErrorCode::unauthorized, 401, "Authentification requise."},
    {ErrorCode::forbidden, 403, "Accès refusé."},
    {ErrorCode::not_found, 404, "Ressource introuvable."},
    {ErrorCode::method_not_allowed, 405, "Méthode non autorisée pour cette ressource."},
    {ErrorCode::payload_too_large, 413, "La requête est trop volumineuse."},
    {ErrorCode::unsupported_media_type, 415, "Le corps de la requête doit être du JSON (application/json)."},
    {ErrorCode::unavailable, 503, "Service momentanément indisponible. Veuillez réessayer."},
    {ErrorCode::internal_error, 500, "Une erreur interne est survenue."},
};

constexpr bool in_code_order() {
    if (std::size(kProblems) != std::size(every_error_code)) return false;
    for (std::size_t i = 0; i < std::size(kProblems); ++i)
        if (kProblems[i].code != every_error_code[i]) return false;
    return true;
}
static_assert(in_code_order(), "kProblems must list every ErrorCode, in the order of GUICHET_ERROR_CODES");

}  // namespace

ProblemInfo problem_info(ErrorCode code) {
    const auto& p = kProblems[static_cast<std::size_t>(code)];
    return {p.status, p.title};
}

HttpResponse problem_response(const Error& error, const std::string& instance) {
    const auto info = problem_info(error.code);
    const auto code = std::string(to_string(error.code));
    nlohmann::json body{
        {"type", "https://guichet.dev/problems/" + code},
        {"title", info.title},
        {"status", info.status},
        {"detail", error.detail.empty() ? std::string(info.title) : error.detail},
        {"code", code},
        {"instance", instance},
    };
    if (!error.field.empty()) body["field"] = error.field;
    // `replace` keeps a problem answerable even if a detail ever held invalid UTF-8.
    return HttpResponse{info.status, "application/problem+json",
                        body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

}  // namespace guichet::api
