// The French text of every message Guichet sends (SPEC.md §1-§4). The sentences come from the
// member guides in seeds/ (000: unlock, 002: identifier switch, 003: account creation,
// 004: forgot / change password); the insurer's name is BrandSettings::brand everywhere.
//
// Parameters each kind reads (the names are the contract with the code that enqueues):
//   activation_link             email               token; optional first_name
//   security_code               email, sms          code (6 digits)
//   email_verification_code     email               code (4 digits)
//   temporary_password          email, sms, letter  password, valid_for ("24 heures", "30 jours");
//                                                   optional first_name, last_name
//   reset_link                  email               token; optional first_name
//   identifier_validation_link  email               token, email (the new identifier); optional first_name
//   letter_on_its_way           email, sms          none; optional first_name
//   password_changed            email, sms          none; optional first_name
//   identifier_changed          email, sms          email (the new identifier, masked); optional first_name
//   identity_already_exists     email               none; optional first_name
//   contacts_changed            email, sms          none; optional first_name
//
// Secrets (code, password, token) go in the text only, never in a subject. SMS texts keep to the
// GSM 7-bit alphabet (no «», no °, no ç...) so that one SMS holds 160 characters.
#include "domain/notifications/templates.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "domain/text.hpp"
#include "domain/url.hpp"

namespace guichet {

namespace {

constexpr std::size_t kMaxParamBytes = 1024;  // a name, an email, a token: far below

bool supports(MessageKind kind, Channel channel) {
    switch (kind) {
        case MessageKind::activation_link:
        case MessageKind::email_verification_code:
        case MessageKind::reset_link:
        case MessageKind::identifier_validation_link:
        case MessageKind::identity_already_exists:
            return channel == Channel::email;
        case MessageKind::security_code:
        case MessageKind::letter_on_its_way:
        case MessageKind::password_changed:
        case MessageKind::identifier_changed:
        case MessageKind::contacts_changed:
            return channel == Channel::email || channel == Channel::sms;
        case MessageKind::temporary_password:
            return true;
    }
    return false;
}

std::vector<std::string> required_params(MessageKind kind) {
    switch (kind) {
        case MessageKind::activation_link:
        case MessageKind::reset_link:
            return {"token"};
        case MessageKind::security_code:
        case MessageKind::email_verification_code:
            return {"code"};
        case MessageKind::temporary_password:
            return {"password", "valid_for"};
        case MessageKind::identifier_validation_link:
            return {"token", "email"};
        case MessageKind::identifier_changed:
            return {"email"};
        case MessageKind::letter_on_its_way:
        case MessageKind::password_changed:
        case MessageKind::identity_already_exists:
        case MessageKind::contacts_changed:
            return {};
    }
    return {};
}

bool known_kind(MessageKind kind) {
    switch (kind) {
        case MessageKind::activation_link:
        case MessageKind::security_code:
        case MessageKind::email_verification_code:
        case MessageKind::temporary_password:
        case MessageKind::reset_link:
        case MessageKind::identifier_validation_link:
        case MessageKind::letter_on_its_way:
        case MessageKind::password_changed:
        case MessageKind::identifier_changed:
        case MessageKind::identity_already_exists:
        case MessageKind::contacts_changed:
            return true;
    }
    return false;
}

// Code points that could break a header, a line or the reading order of a text: C0 controls
// (tab and line breaks included), DEL, C1 controls, line/paragraph separators, bidi controls,
// and the byte-order mark. `text` is valid UTF-8.
bool has_control(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t n = 0;
        std::uint32_t cp = c;
        if (c >= 0xF0) {
            n = 3;
            cp = c & 0x07u;
        } else if (c >= 0xE0) {
            n = 2;
            cp = c & 0x0Fu;
        } else if (c >= 0xC0) {
            n = 1;
            cp = c & 0x1Fu;
        }
        for (std::size_t k = 1; k <= n && i + k < text.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
        i += n + 1;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return true;
        if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
            cp == 0x200E || cp == 0x200F || cp == 0xFEFF)
            return true;
    }
    return false;
}

// Why a value cannot go into a message, or empty when it can.
std::string_view unsafe(std::string_view value) {
    if (value.size() > kMaxParamBytes) return "trop long";
    if (!is_valid_utf8(value)) return "UTF-8 invalide";
    if (has_control(value)) return "caractère de contrôle";
    return {};
}

class Writer {
public:
    Writer(const OutgoingMessage& message, const BrandSettings& settings)
        : message_(message), brand_(trim(settings.brand)), base_url_(trim(settings.public_url)) {
        while (!base_url_.empty() && base_url_.back() == '/') base_url_.remove_suffix(1);
    }

    // The parameter, trimmed; empty when absent.
    std::string param(const std::string& name) const {
        const auto it = message_.params.find(name);
        return it == message_.params.end() ? std::string() : std::string(trim(it->second));
    }

    std::string link(const char* path) const {
        return std::string(base_url_) + path + "?token=" + percent_encode(param("token"));
    }

    std::string espace() const { return "Espace personnel " + brand(); }
    std::string brand() const { return std::string(brand_); }
    std::string site() const { return std::string(base_url_); }

    // Greeting, paragraphs, sign-off and the safety footer every email carries.
    std::string email(std::initializer_list<std::string> paragraphs) const {
        const auto first_name = param("first_name");
        std::string text = first_name.empty() ? "Bonjour," : "Bonjour " + first_name + ",";
        for (const auto& paragraph : paragraphs) text += "\n\n" + paragraph;
        text += "\n\nL'équipe " + brand();
        text += "\n\nCeci est un message automatique, merci de ne pas y répondre.\n" + brand() +
                " ne vous demandera jamais votre mot de passe ni vos codes de sécurité, "
                "que ce soit par email, par SMS ou par téléphone.\n";
        return text;
    }

private:
    const OutgoingMessage& message_;
    std::string_view brand_;
    std::string_view base_url_;
};

RenderedMessage activation_link(const Writer& w) {
    return {"Activez votre " + w.espace(),
            w.email({
                "Nous avons bien pris en compte votre demande de création de votre " + w.espace() + ".",
                "Pour finaliser la création de votre espace personnel, cliquez sur le lien d'activation "
                "ci-dessous :\n" + w.link("/activation"),
                "Vous avez 15 jours pour cliquer sur le lien d'activation et finaliser la création de votre "
                "espace personnel. Passé ce délai, le lien ne sera plus valable et il vous faudra renouveler "
                "votre demande de création.",
                "Une fois activé, vous pourrez utiliser cette adresse email avec son mot de passe associé "
                "(votre identifiant " + w.brand() + " Connect) pour accéder à votre espace et à nos "
                "différents services web et applications mobiles.",
                "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : aucun espace ne sera "
                "activé.",
            })};
}

RenderedMessage security_code(const Writer& w, Channel channel) {
    const auto code = w.param("code");
    if (channel == Channel::sms)
        return {"", w.brand() + " : votre code de sécurité est " + code +
                        ". Il est valable 30 minutes. Ne le communiquez à personne."};
    return {"Votre code de sécurité - " + w.espace(),
            w.email({
                "Vous avez demandé un nouveau mot de passe pour votre " + w.espace() + ".",
                "Votre code de sécurité est : " + code,
                "Saisissez ce code sur la page « Demande d'un nouveau mot de passe ». Il est valable "
                "30 minutes. Passé ce délai, vous pourrez demander l'envoi d'un nouveau code.",
                "Ne communiquez ce code à personne. Si vous n'êtes pas à l'origine de cette demande, ignorez "
                "ce message : votre mot de passe actuel reste valable.",
            })};
}

RenderedMessage email_verification_code(const Writer& w) {
    return {"Confirmation de votre adresse email - " + w.espace(),
            w.email({
                "Pour confirmer votre adresse email, saisissez le code de confirmation ci-dessous sur la page "
                "« Confirmation de votre adresse email » de votre " + w.espace() + ".",
                "Votre code de confirmation est : " + w.param("code"),
                "Ce code est valable 30 minutes. Passé ce délai, vous pourrez demander l'envoi d'un nouveau "
                "code. Ne le communiquez à personne.",
                "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.",
            })};
}

RenderedMessage temporary_password(const Writer& w, Channel channel) {
    const auto password = w.param("password");
    const auto valid_for = w.param("valid_for");
    if (channel == Channel::sms)
        return {"", w.brand() + " : votre mot de passe temporaire est " + password + " (valable " + valid_for +
                        "). Vous devrez le personnaliser à la 1re connexion. Ne le communiquez à personne."};

    const std::string how_to_log_in =
        "Connectez-vous à votre " + w.espace() + " avec votre identifiant habituel et ce mot de passe. "
        "Si vous vous identifiez encore avec votre n° de sécurité sociale, c'est ce mot de passe temporaire que "
        "vous devrez utiliser pour vous authentifier avec votre n° de sécurité sociale.";
    const std::string personalise =
        "Votre mot de passe est temporaire. Vous devez le personnaliser : à votre première connexion, vous "
        "choisirez un nouveau mot de passe d'au moins 8 caractères dont 1 majuscule, 1 minuscule, 1 chiffre "
        "et 1 caractère spécial.";

    if (channel == Channel::email)
        return {"Votre mot de passe temporaire - " + w.espace(),
                w.email({
                    "Voici votre mot de passe temporaire pour accéder à votre " + w.espace() + " :\n" + password,
                    "Il est valable " + valid_for + ". Passé ce délai, il vous faudra en demander un nouveau.",
                    how_to_log_in,
                    personalise,
                    "Si vous n'êtes pas à l'origine de cette demande, contactez " + w.brand() + " sans attendre.",
                })};

    // Letter: the print provider lays out the address block; this is the title and the body.
    std::string name = w.param("first_name");
    const auto last_name = w.param("last_name");
    if (!last_name.empty()) name += (name.empty() ? "" : " ") + last_name;
    std::string text = name.empty() ? "Madame, Monsieur," : "Bonjour " + name + ",";
    text += "\n\nVous trouverez ci-dessous le mot de passe temporaire qui vous permettra d'accéder à votre " +
            w.espace() + ".";
    text += "\n\nVotre mot de passe temporaire : " + password;
    text += "\n\nCe mot de passe est valable " + valid_for + ". Passé ce délai, il vous faudra en demander un nouveau.";
    text += "\n\nPour vous connecter :";
    text += "\n1. Rendez-vous sur " + w.site();
    text += "\n2. Identifiez-vous avec votre identifiant habituel (votre adresse email, ou votre n° de sécurité "
            "sociale) et ce mot de passe. Si vous vous identifiez encore avec votre n° de sécurité sociale, c'est "
            "ce mot de passe temporaire que vous devrez utiliser pour vous authentifier avec votre n° de sécurité "
            "sociale.";
    text += "\n3. Votre mot de passe est temporaire. Vous devez le personnaliser : choisissez un nouveau mot de "
            "passe d'au moins 8 caractères dont 1 majuscule, 1 minuscule, 1 chiffre et 1 caractère spécial, "
            "puis confirmez vos coordonnées.";
    text += "\n\nPour votre sécurité, ne communiquez ce mot de passe à personne et détruisez ce courrier une fois "
            "votre mot de passe personnalisé. " + w.brand() + " ne vous demandera jamais votre mot de passe.";
    text += "\n\nSi vous n'êtes pas à l'origine de cette demande, contactez " + w.brand() + ".";
    text += "\n\nNous vous prions d'agréer nos salutations distinguées.";
    text += "\n\nL'équipe " + w.brand() + "\n";
    return {"Votre mot de passe temporaire pour votre " + w.espace(), text};
}

RenderedMessage reset_link(const Writer& w) {
    return {"Réinitialisation de votre mot de passe - " + w.espace(),
            w.email({
                "Pour choisir un nouveau mot de passe pour votre " + w.espace() + ", cliquez sur le lien "
                "ci-dessous :\n" + w.link("/reinitialisation"),
                "Ce lien est valable 1 heure et ne peut être utilisé qu'une seule fois. Passé ce délai, "
                "recommencez la procédure « Mot de passe oublié ».",
                "Vous serez redirigé vers l'écran de changement de mot de passe. Vous pourrez alors saisir "
                "votre nouveau mot de passe et le confirmer : au moins 8 caractères dont 1 majuscule, "
                "1 minuscule, 1 chiffre et 1 caractère spécial. À la fin de l'opération, vous accéderez à votre " +
                    w.espace() + ".",
                "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe ne "
                "sera pas modifié.",
            })};
}

RenderedMessage identifier_validation_link(const Writer& w) {
    return {"Validez votre nouvel identifiant " + w.brand() + " Connect",
            w.email({
                "Vous avez choisi l'adresse email " + w.param("email") +
                    " comme nouvel identifiant de connexion à votre " + w.espace() + " (identifiant " +
                    w.brand() + " Connect).",
                "Pour valider votre nouvel identifiant et accéder à votre " + w.espace() +
                    ", cliquez sur le lien ci-dessous :\n" + w.link("/validation"),
                "Ce lien est valable 24 heures et ne peut être utilisé qu'une seule fois.",
                "Une fois votre identifiant validé, vous vous connecterez avec cette adresse email et le mot de "
                "passe qui lui est associé ; votre n° de sécurité sociale ne permettra plus de vous connecter.",
                "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre identifiant ne sera "
                "pas modifié.",
            })};
}

RenderedMessage letter_on_its_way(const Writer& w, Channel channel) {
    if (channel == Channel::sms)
        return {"", w.brand() + " : un mot de passe temporaire vous est envoyé par courrier à votre adresse "
                                "postale. Vous devrez le personnaliser à votre 1re connexion."};
    return {"Votre mot de passe temporaire vous est envoyé par courrier - " + w.espace(),
            w.email({
                "Pour votre sécurité, un mot de passe temporaire pour accéder à votre " + w.espace() +
                    " vous est envoyé par courrier, à l'adresse postale que " + w.brand() +
                    " connaît pour vous. Vous le recevrez dans les prochains jours.",
                "Votre mot de passe est temporaire. Vous devrez le personnaliser lors de votre première "
                "connexion.",
                "Si votre adresse postale a changé, ou si vous n'êtes pas à l'origine de cette demande, "
                "contactez " + w.brand() + ".",
            })};
}

RenderedMessage password_changed(const Writer& w, Channel channel) {
    if (channel == Channel::sms)
        return {"", w.brand() + " : votre mot de passe a bien été modifié. Si ce n'est pas vous, utilisez "
                                "\"Mot de passe oublié\" ou contactez " + w.brand() + " sans attendre."};
    return {"Votre mot de passe a été modifié - " + w.espace(),
            w.email({
                "Votre mot de passe a bien été modifié.\nVous pourrez l'utiliser lors de votre prochaine "
                "connexion à votre " + w.espace() + ".",
                "Si vous n'êtes pas à l'origine de ce changement, quelqu'un connaît peut-être votre mot de "
                "passe : choisissez-en un nouveau sans attendre avec la procédure « Mot de passe oublié » et "
                "contactez " + w.brand() + ".",
            })};
}

// Seed 002: "Votre nouvel identifiant sera une adresse email". Sent to the contacts the member
// had before, so a switch made by someone who knew the NIR and its password does not go unseen.
RenderedMessage identifier_changed(const Writer& w, Channel channel) {
    if (channel == Channel::sms)
        return {"", w.brand() + " : vous vous connectez désormais à votre Espace personnel avec une adresse email. "
                                "Si ce n'est pas vous, contactez " + w.brand() + " sans attendre."};
    return {"Votre nouvel identifiant de connexion - " + w.espace(),
            w.email({
                "Votre identifiant de connexion à votre " + w.espace() + " est désormais l'adresse email " +
                    w.param("email") + " (identifiant " + w.brand() + " Connect), avec le mot de passe qui lui est "
                    "associé. Votre numéro de sécurité sociale ne permet plus de vous connecter.",
                "Si vous n'êtes pas à l'origine de ce changement, contactez " + w.brand() + " sans attendre.",
            })};
}

// SPEC.md §8: registration "new" with an address that is already a Connect identity goes on as
// usual (the form tells nobody), and the owner of the address learns how to link it instead.
RenderedMessage identity_already_exists(const Writer& w) {
    return {"Création de votre " + w.espace(),
            w.email({
                "Une demande de création d'" + w.espace() + " a été faite avec cette adresse email, qui est "
                "déjà votre identifiant " + w.brand() + " Connect.",
                "Pour créer votre espace personnel, recommencez la démarche et choisissez « J'ai déjà un "
                "compte " + w.brand() + " Connect » avec le mot de passe de cet identifiant. Si vous ne vous en "
                "souvenez plus, utilisez « Mot de passe oublié » sur " + w.site() + ".",
                "Si vous n'êtes pas à l'origine de cette demande, vous pouvez ignorer ce message : rien n'a "
                "été modifié.",
            })};
}

// SPEC.md §8: sent to the email and mobile the account had before a change of its contacts.
RenderedMessage contacts_changed(const Writer& w, Channel channel) {
    if (channel == Channel::sms)
        return {"", w.brand() + " : les coordonnees de votre Espace personnel ont ete modifiees. Si ce n'est pas vous, "
                                "contactez " + w.brand() + " sans attendre."};
    return {"Vos coordonnées ont été modifiées - " + w.espace(),
            w.email({
                "Les coordonnées de contact (adresse email ou téléphone portable) de votre " + w.espace() +
                    " ont été modifiées. Ce message est envoyé aux coordonnées que vous aviez jusqu'ici.",
                "Si vous n'êtes pas à l'origine de ce changement, contactez " + w.brand() + " sans attendre.",
            })};
}

}  // namespace

Result<RenderedMessage> render(const OutgoingMessage& message, const BrandSettings& brand) {
    if (!known_kind(message.kind)) return fail(ErrorCode::validation_error, "type de message inconnu", "kind");
    if (!supports(message.kind, message.channel))
        return fail(ErrorCode::validation_error,
                    std::string(to_string(message.kind)) + " ne peut pas être envoyé par " +
                        std::string(to_string(message.channel)),
                    "channel");

    const auto brand_name = trim(brand.brand);
    if (brand_name.empty() || !unsafe(brand_name).empty())
        return fail(ErrorCode::validation_error, "nom de marque vide ou invalide", "brand");
    const auto url = trim(brand.public_url);
    if (url.empty() || !unsafe(url).empty() || url.find(' ') != std::string_view::npos)
        return fail(ErrorCode::validation_error, "URL publique vide ou invalide", "public_url");

    for (const auto& name : required_params(message.kind)) {
        const auto it = message.params.find(name);
        if (it == message.params.end() || trim(it->second).empty())
            return fail(ErrorCode::validation_error, "paramètre manquant : " + name, name);
    }
    for (const auto& [name, value] : message.params) {
        if (const auto why = unsafe(value); !why.empty())
            return fail(ErrorCode::validation_error, "paramètre " + name + " : " + std::string(why), name);
    }

    const Writer w(message, brand);
    switch (message.kind) {
        case MessageKind::activation_link: return activation_link(w);
        case MessageKind::security_code: return security_code(w, message.channel);
        case MessageKind::email_verification_code: return email_verification_code(w);
        case MessageKind::temporary_password: return temporary_password(w, message.channel);
        case MessageKind::reset_link: return reset_link(w);
        case MessageKind::identifier_validation_link: return identifier_validation_link(w);
        case MessageKind::letter_on_its_way: return letter_on_its_way(w, message.channel);
        case MessageKind::password_changed: return password_changed(w, message.channel);
        case MessageKind::identifier_changed: return identifier_changed(w, message.channel);
        case MessageKind::identity_already_exists: return identity_already_exists(w);
        case MessageKind::contacts_changed: return contacts_changed(w, message.channel);
    }
    return fail(ErrorCode::validation_error, "type de message inconnu", "kind");
}

}  // namespace guichet
