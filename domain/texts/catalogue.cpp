// The catalogue of French texts (catalogue.hpp): the one place to edit what members read, apart
// from the messages sent by email and SMS (domain/notifications/templates.cpp, beside it).
#include "domain/texts/catalogue.hpp"

#include <iterator>

namespace guichet {

namespace {

struct Title {
    ErrorCode code;
    const char* french;
};

// Problem titles, in the order of GUICHET_ERROR_CODES (domain/error.hpp).
constexpr Title kTitles[] = {
    {ErrorCode::invalid_credentials, "Identifiant ou mot de passe incorrect."},
    {ErrorCode::account_locked, "Votre compte est bloqué. Débloquez votre compte pour vous connecter."},
    {ErrorCode::account_not_locked, "Votre compte n'est pas bloqué."},
    {ErrorCode::identifier_migrated, "La connexion à votre Espace personnel se fait désormais avec l'adresse email indiquée lors de l'activation de votre compte."},
    {ErrorCode::password_not_created, "Vous n'avez pas encore créé votre mot de passe."},
    {ErrorCode::connect_identity_not_validated, "Votre identifiant n'a pas été validé."},
    {ErrorCode::connect_identity_locked, "Votre identifiant est bloqué."},
    {ErrorCode::account_not_activated, "Votre espace personnel n'est pas encore activé."},
    {ErrorCode::no_account, "Aucun espace personnel n'est rattaché à cet identifiant MGEN Connect. Créez votre espace personnel."},
    {ErrorCode::email_already_used, "Cette adresse email est déjà utilisée : une adresse email ne peut identifier qu'un seul Espace personnel."},
    {ErrorCode::account_already_exists, "Ce membre a déjà un Espace personnel."},
    {ErrorCode::password_policy, "Le mot de passe doit comporter au moins 8 caractères dont 1 majuscule, 1 minuscule, 1 chiffre et 1 caractère spécial."},
    {ErrorCode::password_too_weak, "Ce mot de passe est trop faible."},
    {ErrorCode::password_mismatch, "Les deux mots de passe ne sont pas identiques."},
    {ErrorCode::invalid_nir, "Le numéro de sécurité sociale n'est pas valide."},
    {ErrorCode::invalid_birth_date, "La date de naissance doit être une date réelle au format jj/mm/aaaa."},
    {ErrorCode::invalid_phone, "Le numéro de téléphone n'est pas valide."},
    {ErrorCode::invalid_email, "L'adresse email n'est pas valide."},
    {ErrorCode::sms_not_available, "Seuls les numéros de portable en France métropolitaine permettent de recevoir un SMS."},
    {ErrorCode::identity_check_failed, "Les informations saisies ne correspondent pas à nos données."},
    {ErrorCode::code_invalid, "Le code saisi est incorrect."},
    {ErrorCode::code_expired, "Ce code a expiré. Demandez un nouveau code."},
    {ErrorCode::link_expired, "Ce lien a expiré ou a déjà été utilisé."},
    {ErrorCode::flow_expired, "Cette démarche a expiré. Veuillez recommencer."},
    {ErrorCode::step_not_allowed, "Cette étape n'est pas celle attendue dans la démarche."},
    {ErrorCode::auth_request_not_found, "Cette demande de connexion est inconnue. Retournez sur le site pour vous connecter."},
    {ErrorCode::auth_request_expired, "Cette demande de connexion a expiré. Retournez sur le site pour vous connecter à nouveau."},
    {ErrorCode::auth_request_used, "Cette demande de connexion a déjà été traitée. Retournez sur le site pour vous connecter à nouveau."},
    {ErrorCode::required_actions_pending, "Terminez d'abord les démarches demandées par votre Espace personnel."},
    {ErrorCode::reauthentication_required, "Pour continuer, saisissez à nouveau votre mot de passe."},
    {ErrorCode::too_many_attempts, "Trop de tentatives. Veuillez recommencer."},
    {ErrorCode::rate_limited, "Trop de demandes. Veuillez réessayer dans quelques instants."},
    {ErrorCode::validation_error, "La requête est invalide."},
    {ErrorCode::unauthorized, "Authentification requise."},
    {ErrorCode::forbidden, "Accès refusé."},
    {ErrorCode::not_found, "Ressource introuvable."},
    {ErrorCode::method_not_allowed, "Méthode non autorisée pour cette ressource."},
    {ErrorCode::payload_too_large, "La requête est trop volumineuse."},
    {ErrorCode::unsupported_media_type, "Le corps de la requête doit être du JSON (application/json)."},
    {ErrorCode::unavailable, "Service momentanément indisponible. Veuillez réessayer."},
    {ErrorCode::internal_error, "Une erreur interne est survenue."},
};

struct Entry {
    Text code;
    const char* french;
};

// Flow and answer texts, in the order of GUICHET_TEXTS (catalogue.hpp).
constexpr Entry kTexts[] = {
    {Text::by_sms,
     "par SMS au {destination}"},
    {Text::by_email,
     "par e-mail à l'adresse {destination}"},
    {Text::tries_one,
     "{count} essai"},
    {Text::tries_many,
     "{count} essais"},
    {Text::unlock_single_channel_sms,
     "Nous ne connaissons que votre téléphone portable : il a été utilisé automatiquement."},
    {Text::unlock_single_channel_email,
     "Nous ne connaissons que votre adresse email : il a été utilisé automatiquement."},
    {Text::unlock_temp_password_sent,
     "Un SMS vous a été envoyé au {destination}. Il contient un mot de passe temporaire à utiliser avec votre "
     "numéro de sécurité sociale pour vous connecter."},
    {Text::unlock_link_sent,
     "Un email vous a été envoyé à l'adresse {destination}. Il contient un lien sur lequel vous devrez cliquer pour "
     "changer de mot de passe."},
    {Text::letter_sent,
     "Un mot de passe temporaire vous est envoyé par courrier."},
    {Text::recovery_code_sent,
     "Un code de confirmation vous a été envoyé {by}. Saisissez-le dans les 30 minutes ; vous pouvez demander un "
     "nouveau code."},
    {Text::recovery_temp_password_sent,
     "Un mot de passe temporaire vous a été envoyé {by}. Vous pourrez le modifier après vous être connecté à "
     "votre espace personnel."},
    {Text::recovery_not_verified_answer,
     "Nous n'avons pas pu vérifier votre identité en ligne."},
    {Text::recovery_not_verified_offline,
     "Votre identité ne peut pas être vérifiée en ligne."},
    {Text::recovery_letter_notice,
     "Un message vous a été envoyé {by} pour vous prévenir de cet envoi."},
    {Text::recovery_link_sent,
     "Si l'adresse {destination} est un identifiant de connexion, un e-mail vient de lui être envoyé : il contient "
     "un lien, valable 1 heure, pour choisir un nouveau mot de passe."},
    {Text::registration_identity_check_failed,
     "Les informations saisies ne correspondent pas à nos données. Il vous reste {tries}."},
    {Text::registration_too_many_attempts,
     "Trop de tentatives. Veuillez recommencer la création de votre espace."},
    {Text::registration_activation_sent,
     "Un message d'activation vous a été envoyé à l'adresse « {destination} ». Vous avez 15 jours pour cliquer "
     "sur le lien d'activation et finaliser la création de votre espace personnel. Si vous ne trouvez pas l'email "
     "d'activation dans votre boîte de réception, consultez vos emails indésirables."},
    {Text::switch_too_many_attempts,
     "Trop de tentatives. Veuillez recommencer le changement d'identifiant."},
    {Text::switch_choose_email,
     "Indiquez l'adresse email que vous souhaitez utiliser comme identifiant de connexion à votre Espace personnel "
     "(votre identifiant {brand} Connect). Par défaut, votre adresse de contact vous est proposée, si elle n'a pas "
     "déjà été utilisée pour un autre Espace personnel : une adresse email ne peut être utilisée comme identifiant "
     "que pour un seul Espace personnel. Si vous en choisissez une autre, vous recevrez un email de validation."},
    {Text::switch_no_email,
     "Vous n'avez pas d'adresse email ? Afin de pouvoir procéder au changement d'identifiant, vous devez posséder "
     "une adresse email personnelle. Vous pouvez en créer une gratuitement et rapidement auprès de votre "
     "fournisseur d'accès à internet ou d'un hébergeur (exemples : Gmail, Outlook et Yahoo! Mail)."},
    {Text::switch_new_credentials,
     "Adresse email : {email}. Renseignez votre nouveau mot de passe, choisissez une question secrète et indiquez "
     "votre réponse. Ces derniers éléments vous seront demandés en cas d'oubli de mot de passe ou de déblocage de "
     "votre compte, pensez bien à les mémoriser."},
    {Text::switch_connect_password,
     "L'adresse email {email} correspond à un identifiant {brand} Connect existant. Il vous suffit de vous "
     "authentifier en renseignant le mot de passe de votre compte {brand} Connect."},
    {Text::switch_forgotten_password,
     "Vous ne vous souvenez pas de ce mot de passe ? Demandez un lien pour le réinitialiser (« Mot de passe "
     "oublié ? » avec cette adresse), puis reconnectez-vous avec votre numéro de sécurité sociale pour reprendre "
     "le changement d'identifiant."},
    {Text::switch_validation_sent,
     "Un email de validation vous a été envoyé à l'adresse {destination}. Cliquez sur le lien qu'il contient, "
     "valable 24 heures, pour valider votre nouvel identifiant et accéder à votre Espace personnel."},
    {Text::switch_done,
     "Votre identifiant de connexion est désormais l'adresse email {destination} (votre identifiant {brand} "
     "Connect). Connectez-vous avec cette adresse et le mot de passe qui lui est associé : votre numéro de sécurité "
     "sociale ne permet plus de vous connecter."},
    {Text::account_activated,
     "Votre espace personnel est activé. Connectez-vous avec votre adresse email et son mot de passe, sur nos sites "
     "et applications."},
    {Text::activation_resend_accepted,
     "Si cette adresse identifie un espace personnel en attente d'activation, un nouveau message d'activation "
     "vient de lui être envoyé."},
    {Text::identifier_validated,
     "Votre nouvel identifiant est validé. Connectez-vous désormais avec cette adresse email et son mot de passe."},
    {Text::password_changed,
     "Votre mot de passe a bien été modifié."},
    {Text::contact_code_sent,
     "Un code de confirmation vous a été envoyé à l'adresse {destination}."},
    {Text::contacts_confirmed,
     "Vos coordonnées sont confirmées."},
    {Text::email_verified,
     "Votre adresse email a été vérifiée."},
    {Text::agent_reset_done,
     "Un mot de passe temporaire est envoyé au membre ; ses sessions sont terminées."},
};

static_assert(covers_in_order(kTitles, every_error_code), "kTitles must give every ErrorCode its title, in the order of GUICHET_ERROR_CODES");
static_assert(covers_in_order(kTexts, every_text), "kTexts must give every Text its French, in the order of GUICHET_TEXTS");

}  // namespace

std::string_view to_string(Text code) {
    switch (code) {
#define GUICHET_TEXT_NAME(name) \
    case Text::name:            \
        return #name;
        GUICHET_TEXTS(GUICHET_TEXT_NAME)
#undef GUICHET_TEXT_NAME
    }
    return "";
}

std::string_view french(Text code) { return kTexts[static_cast<std::size_t>(code)].french; }

std::string text(Text code, const TextParams& params) {
    const std::string_view raw = french(code);
    std::string out;
    out.reserve(raw.size() + 32);
    for (std::size_t i = 0; i < raw.size();) {
        const auto close = raw[i] == '{' ? raw.find('}', i) : std::string_view::npos;
        if (close != std::string_view::npos) {
            const auto it = params.find(raw.substr(i + 1, close - i - 1));
            if (it != params.end()) {
                out += it->second;
                i = close + 1;
                continue;
            }
        }
        out += raw[i++];
    }
    return out;
}

std::string_view problem_title(ErrorCode code) { return kTitles[static_cast<std::size_t>(code)].french; }

}  // namespace guichet
