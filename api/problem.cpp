#include "api/problem.hpp"

namespace guichet::api {

ProblemInfo problem_info(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_credentials: return {401, "Identifiant ou mot de passe incorrect."};
        case ErrorCode::account_locked: return {423, "Votre compte est bloqué. Débloquez votre compte pour vous connecter."};
        case ErrorCode::account_not_locked: return {409, "Votre compte n'est pas bloqué."};
        case ErrorCode::identifier_migrated:
            return {409, "La connexion à votre Espace personnel se fait désormais avec l'adresse email indiquée lors de l'activation de votre compte."};
        case ErrorCode::password_not_created: return {409, "Vous n'avez pas encore créé votre mot de passe."};
        case ErrorCode::connect_identity_not_validated: return {409, "Votre identifiant n'a pas été validé."};
        case ErrorCode::connect_identity_locked: return {423, "Votre identifiant est bloqué."};
        case ErrorCode::account_not_activated: return {409, "Votre espace personnel n'est pas encore activé."};
        case ErrorCode::no_account:
            return {403, "Aucun espace personnel n'est rattaché à cet identifiant MGEN Connect. Créez votre espace personnel."};
        case ErrorCode::email_already_used:
            return {409, "Cette adresse email est déjà utilisée : une adresse email ne peut identifier qu'un seul Espace personnel."};
        case ErrorCode::account_already_exists: return {409, "Ce membre a déjà un Espace personnel."};
        case ErrorCode::password_policy:
            return {422, "Le mot de passe doit comporter au moins 8 caractères dont 1 majuscule, 1 minuscule, 1 chiffre et 1 caractère spécial."};
        case ErrorCode::password_too_weak: return {422, "Ce mot de passe est trop faible."};
        case ErrorCode::password_mismatch: return {422, "Les deux mots de passe ne sont pas identiques."};
        case ErrorCode::invalid_nir: return {422, "Le numéro de sécurité sociale n'est pas valide."};
        case ErrorCode::invalid_birth_date: return {422, "La date de naissance doit être une date réelle au format jj/mm/aaaa."};
        case ErrorCode::invalid_phone: return {422, "Le numéro de téléphone n'est pas valide."};
        case ErrorCode::invalid_email: return {422, "L'adresse email n'est pas valide."};
        case ErrorCode::sms_not_available:
            return {422, "Seuls les numéros de portable en France métropolitaine permettent de recevoir un SMS."};
        case ErrorCode::identity_check_failed: return {422, "Les informations saisies ne correspondent pas à nos données."};
        case ErrorCode::code_invalid: return {422, "Le code saisi est incorrect."};
        case ErrorCode::code_expired: return {410, "Ce code a expiré. Demandez un nouveau code."};
        case ErrorCode::link_expired: return {410, "Ce lien a expiré ou a déjà été utilisé."};
        case ErrorCode::flow_expired: return {410, "Cette démarche a expiré. Veuillez recommencer."};
        case ErrorCode::step_not_allowed: return {409, "Cette étape n'est pas celle attendue dans la démarche."};
        case ErrorCode::too_many_attempts: return {429, "Trop de tentatives. Veuillez recommencer."};
        case ErrorCode::rate_limited: return {429, "Trop de demandes. Veuillez réessayer dans quelques instants."};
        case ErrorCode::validation_error: return {400, "La requête est invalide."};
        case ErrorCode::unauthorized: return {401, "Authentification requise."};
        case ErrorCode::forbidden: return {403, "Accès refusé."};
        case ErrorCode::not_found: return {404, "Ressource introuvable."};
        case ErrorCode::method_not_allowed: return {405, "Méthode non autorisée pour cette ressource."};
        case ErrorCode::payload_too_large: return {413, "La requête est trop volumineuse."};
        case ErrorCode::unsupported_media_type: return {415, "Le corps de la requête doit être du JSON (application/json)."};
        case ErrorCode::unavailable: return {503, "Service momentanément indisponible. Veuillez réessayer."};
        case ErrorCode::internal_error: return {500, "Une erreur interne est survenue."};
    }
    return {500, "Une erreur interne est survenue."};
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
