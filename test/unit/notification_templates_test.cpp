// The French text of every message, per channel (SPEC.md §1-§4, wording of seeds 000-004).
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "domain/notifications/templates.hpp"

using guichet::BrandSettings;
using guichet::Channel;
using guichet::ErrorCode;
using guichet::MessageKind;
using guichet::MessageParams;
using guichet::OutgoingMessage;
using guichet::RenderedMessage;
using guichet::render;

namespace {

const BrandSettings kBrand{"MGEN", "https://espace.exemple.fr"};

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

std::size_t code_points(std::string_view text) {
    std::size_t n = 0;
    for (const char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++n;
    return n;
}

std::string recipient_for(Channel channel) {
    switch (channel) {
        case Channel::email: return "jeanne.martin@exemple.fr";
        case Channel::sms: return "+33612345678";
        case Channel::letter: return "Jeanne Martin\n12 rue de la Paix\n75002 Paris";
    }
    return {};
}

struct Case {
    MessageKind kind;
    Channel channel;
    MessageParams params;
    std::vector<std::string> secrets;  // must be in the text, never in the subject
};

// Every kind on every channel it supports, with realistic parameters.
std::vector<Case> supported_cases() {
    return {
        {MessageKind::activation_link, Channel::email, {{"token", "act-Tok3n_xyz"}}, {"act-Tok3n_xyz"}},
        {MessageKind::security_code, Channel::email, {{"code", "123456"}}, {"123456"}},
        {MessageKind::security_code, Channel::sms, {{"code", "123456"}}, {"123456"}},
        {MessageKind::email_verification_code, Channel::email, {{"code", "4821"}}, {"4821"}},
        {MessageKind::temporary_password, Channel::email, {{"password", "Tmp-9xQ!w2"}, {"valid_for", "24 heures"}},
         {"Tmp-9xQ!w2"}},
        {MessageKind::temporary_password, Channel::sms, {{"password", "Tmp-9xQ!w2"}, {"valid_for", "24 heures"}},
         {"Tmp-9xQ!w2"}},
        {MessageKind::temporary_password, Channel::letter, {{"password", "Tmp-9xQ!w2"}, {"valid_for", "30 jours"}},
         {"Tmp-9xQ!w2"}},
        {MessageKind::reset_link, Channel::email, {{"token", "rst-Tok3n_xyz"}}, {"rst-Tok3n_xyz"}},
        {MessageKind::identifier_validation_link, Channel::email,
         {{"token", "val-Tok3n_xyz"}, {"email", "jeanne@exemple.fr"}}, {"val-Tok3n_xyz"}},
        {MessageKind::letter_on_its_way, Channel::email, {}, {}},
        {MessageKind::letter_on_its_way, Channel::sms, {}, {}},
        {MessageKind::password_changed, Channel::email, {}, {}},
        {MessageKind::password_changed, Channel::sms, {}, {}},
        {MessageKind::identifier_changed, Channel::email, {{"email", "j•••@exemple.fr"}}, {}},
        {MessageKind::identifier_changed, Channel::sms, {{"email", "j•••@exemple.fr"}}, {}},
        {MessageKind::identity_already_exists, Channel::email, {}, {}},
        {MessageKind::contacts_changed, Channel::email, {}, {}},
        {MessageKind::contacts_changed, Channel::sms, {}, {}},
    };
}

// Every kind of the one list (domain/notifications/message.hpp): a kind added there is rendered here.
constexpr const auto& kAllKinds = guichet::every_message_kind;
constexpr Channel kAllChannels[] = {Channel::email, Channel::sms, Channel::letter};

RenderedMessage rendered(MessageKind kind, Channel channel, MessageParams params,
                         const BrandSettings& brand = kBrand) {
    auto result = render(OutgoingMessage{channel, recipient_for(channel), kind, std::move(params)}, brand);
    if (!result) FAIL("render failed: " << result.error().detail << " (" << result.error().field << ")");
    return *result;
}

guichet::Error failure(MessageKind kind, Channel channel, MessageParams params, const BrandSettings& brand = kBrand) {
    auto result = render(OutgoingMessage{channel, recipient_for(channel), kind, std::move(params)}, brand);
    if (result) FAIL("render should have failed, gave: " << result->text);
    return result.error();
}

// The GSM 03.38 default alphabet (one septet each): an SMS written in it holds 160 characters.
bool gsm7(std::string_view text) {
    static const std::u32string alphabet =
        U"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
        U"abcdefghijklmnopqrstuvwxyzäöñüà";
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        char32_t cp = c >= 0xF0 ? (c & 0x07u) : c >= 0xE0 ? (c & 0x0Fu) : c >= 0xC0 ? (c & 0x1Fu) : c;
        for (std::size_t k = 1; k <= n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
        if (alphabet.find(cp) == std::u32string::npos) return false;
        i += n + 1;
    }
    return true;
}

}  // namespace

TEST_CASE("every kind renders on every channel it supports, with the brand and its secret", "[templates]") {
    for (const auto& c : supported_cases()) {
        CAPTURE(to_string(c.kind), to_string(c.channel));
        const auto m = rendered(c.kind, c.channel, c.params);
        CHECK(contains(m.text, "MGEN"));
        for (const auto& secret : c.secrets) {
            CHECK(contains(m.text, secret));
            CHECK_FALSE(contains(m.subject, secret));
        }
        for (const auto& [name, value] : c.params) CHECK_FALSE(contains(m.subject, value));
        switch (c.channel) {
            case Channel::email:
                CHECK_FALSE(m.subject.empty());
                CHECK(contains(m.subject, "MGEN"));
                CHECK(m.text.starts_with("Bonjour,\n\n"));
                CHECK(contains(m.text, "\n\nL'équipe MGEN\n"));
                CHECK(contains(m.text, "merci de ne pas y répondre"));
                CHECK(contains(m.text, "MGEN ne vous demandera jamais votre mot de passe"));
                break;
            case Channel::sms:
                CHECK(m.subject.empty());
                CHECK(m.text.starts_with("MGEN : "));
                CHECK_FALSE(contains(m.text, "\n"));
                CHECK(code_points(m.text) <= 160);
                CHECK(gsm7(m.text));
                break;
            case Channel::letter:
                CHECK_FALSE(m.subject.empty());
                CHECK(contains(m.subject, "MGEN"));
                CHECK(m.text.starts_with("Madame, Monsieur,\n\n"));
                CHECK(contains(m.text, "L'équipe MGEN"));
                break;
        }
        // No line breaks or controls in a subject (it becomes a mail header).
        for (const char ch : m.subject) CHECK(static_cast<unsigned char>(ch) >= 0x20);
    }
}

TEST_CASE("a kind on a channel it does not support is refused on field channel", "[templates]") {
    const auto cases = supported_cases();
    int refused = 0;
    for (const auto kind : kAllKinds) {
        for (const auto channel : kAllChannels) {
            bool supported = false;
            MessageParams params;
            for (const auto& c : cases) {
                if (c.kind == kind) params = c.params;
                if (c.kind == kind && c.channel == channel) supported = true;
            }
            if (supported) continue;
            CAPTURE(to_string(kind), to_string(channel));
            const auto error = failure(kind, channel, params);
            CHECK(error.code == ErrorCode::validation_error);
            CHECK(error.field == "channel");
            ++refused;
        }
    }
    CHECK(refused == 15);  // 11 kinds x 3 channels - 18 supported pairs
    CHECK(failure(MessageKind::activation_link, Channel::sms, {{"token", "t"}}).field == "channel");
    CHECK(failure(MessageKind::security_code, Channel::letter, {{"code", "123456"}}).field == "channel");
}

TEST_CASE("a missing or blank required parameter is refused on a field named after it", "[templates]") {
    for (const auto& c : supported_cases()) {
        for (const auto& [name, value] : c.params) {
            CAPTURE(to_string(c.kind), to_string(c.channel), name);
            auto without = c.params;
            without.erase(name);
            auto error = failure(c.kind, c.channel, without);
            CHECK(error.code == ErrorCode::validation_error);
            CHECK(error.field == name);
            auto blank = c.params;
            blank[name] = "  ";
            error = failure(c.kind, c.channel, blank);
            CHECK(error.code == ErrorCode::validation_error);
            CHECK(error.field == name);
        }
    }
    // The error detail names the parameter, never its value.
    const auto error = failure(MessageKind::temporary_password, Channel::email, {{"password", "Secret-1!"}});
    CHECK(error.field == "valid_for");
    CHECK_FALSE(contains(error.detail, "Secret-1!"));
}

TEST_CASE("links use public_url, their path, and a percent-encoded token", "[templates]") {
    struct Link {
        MessageKind kind;
        const char* path;
        MessageParams extra;
    };
    const std::string token = "a b/c+d=e&f?g#h%i~j-k_l.m\xC3\xA9";
    const std::string encoded = "a%20b%2Fc%2Bd%3De%26f%3Fg%23h%25i~j-k_l.m%C3%A9";
    for (const auto& link : {Link{MessageKind::activation_link, "/activation", {}},
                             Link{MessageKind::reset_link, "/reinitialisation", {}},
                             Link{MessageKind::identifier_validation_link, "/validation", {{"email", "j@exemple.fr"}}}}) {
        CAPTURE(to_string(link.kind));
        auto params = link.extra;
        params["token"] = token;
        const auto m = rendered(link.kind, Channel::email, params);
        CHECK(contains(m.text, "\nhttps://espace.exemple.fr" + std::string(link.path) + "?token=" + encoded + "\n"));
        CHECK_FALSE(contains(m.text, token));
        CHECK_FALSE(contains(m.subject, "token"));
        CHECK_FALSE(contains(m.subject, encoded));

        // A plain token is left as it is; a trailing slash on public_url does not double the slash.
        params["token"] = "AbC-123_x.y~z";
        const auto plain = rendered(link.kind, Channel::email, params, BrandSettings{"MGEN", "https://portail.exemple.fr/"});
        CHECK(contains(plain.text, "https://portail.exemple.fr" + std::string(link.path) + "?token=AbC-123_x.y~z\n"));
        CHECK_FALSE(contains(plain.text, "fr//"));
    }
}

TEST_CASE("parameters with control characters or invalid UTF-8 are refused", "[templates]") {
    for (const std::string& bad : {std::string("Jeanne\r\nBcc: x@y.z"), std::string("Jeanne\n"), std::string("Je\tanne"),
                                  std::string("Je\x1b[31manne"), std::string("Je\x7f" "anne"),
                                  std::string("Je\xC2\x85" "anne"),          // NEL (C1)
                                  std::string("Je\xE2\x80\xA8" "anne"),      // line separator
                                  std::string("Je\xE2\x80\xAE" "anne"),      // right-to-left override
                                  std::string("Je\0anne", 7),                // NUL
                                  std::string("Je\xC3" "anne"),              // truncated sequence
                                  std::string("Je\xC0\xAF" "anne"),          // overlong
                                  std::string(2000, 'a')}) {                 // absurdly long
        CAPTURE(bad);
        auto error = failure(MessageKind::activation_link, Channel::email, {{"token", "t"}, {"first_name", bad}});
        CHECK(error.code == ErrorCode::validation_error);
        CHECK(error.field == "first_name");
        error = failure(MessageKind::security_code, Channel::sms, {{"code", bad}});
        CHECK(error.field == "code");
        error = failure(MessageKind::identifier_validation_link, Channel::email, {{"token", "t"}, {"email", bad}});
        CHECK(error.field == "email");
        // Even a parameter the kind does not read.
        error = failure(MessageKind::password_changed, Channel::email, {{"note", bad}});
        CHECK(error.field == "note");
    }
    // Accents, apostrophes and spaces are ordinary text.
    const auto m = rendered(MessageKind::activation_link, Channel::email, {{"token", "t"}, {"first_name", "Hélène-Marie d'Orléans"}});
    CHECK(m.text.starts_with("Bonjour Hélène-Marie d'Orléans,\n"));
}

TEST_CASE("a brand or public_url that cannot go into a message is refused", "[templates]") {
    CHECK(failure(MessageKind::password_changed, Channel::email, {}, BrandSettings{"MGEN\r\nBcc: x", "https://e.fr"}).field ==
          "brand");
    CHECK(failure(MessageKind::password_changed, Channel::email, {}, BrandSettings{"", "https://e.fr"}).field == "brand");
    CHECK(failure(MessageKind::reset_link, Channel::email, {{"token", "t"}}, BrandSettings{"MGEN", ""}).field ==
          "public_url");
    CHECK(failure(MessageKind::reset_link, Channel::email, {{"token", "t"}}, BrandSettings{"MGEN", "https://e.fr/\nx"})
              .field == "public_url");
}

TEST_CASE("an unknown message kind is refused", "[templates]") {
    const auto error = failure(static_cast<MessageKind>(99), Channel::email, {});
    CHECK(error.code == ErrorCode::validation_error);
    CHECK(error.field == "kind");
}

TEST_CASE("the brand is configurable and is the only insurer named", "[templates]") {
    const BrandSettings msa{"MSA", "https://msa.exemple.fr"};
    for (const auto& c : supported_cases()) {
        CAPTURE(to_string(c.kind), to_string(c.channel));
        const auto m = rendered(c.kind, c.channel, c.params, msa);
        CHECK(contains(m.text, "MSA"));
        CHECK_FALSE(contains(m.text, "MGEN"));
        CHECK_FALSE(contains(m.subject, "MGEN"));
        if (c.channel == Channel::email) CHECK(contains(m.text, "L'équipe MSA"));
        if (c.channel == Channel::sms) CHECK(m.text.starts_with("MSA : "));
    }
}

TEST_CASE("email greeting and letter salutation use the name when given", "[templates]") {
    auto m = rendered(MessageKind::activation_link, Channel::email, {{"token", "t"}, {"first_name", " Jeanne "}});
    CHECK(m.text.starts_with("Bonjour Jeanne,\n\n"));
    CHECK_FALSE(contains(m.subject, "Jeanne"));
    m = rendered(MessageKind::password_changed, Channel::email, {{"first_name", ""}});
    CHECK(m.text.starts_with("Bonjour,\n\n"));

    const MessageParams letter{{"password", "Tmp-9xQ!w2"}, {"valid_for", "30 jours"}};
    auto named = letter;
    named["first_name"] = "Jeanne";
    named["last_name"] = "Martin";
    m = rendered(MessageKind::temporary_password, Channel::letter, named);
    CHECK(m.text.starts_with("Bonjour Jeanne Martin,\n\n"));
    named.erase("first_name");
    m = rendered(MessageKind::temporary_password, Channel::letter, named);
    CHECK(m.text.starts_with("Bonjour Martin,\n\n"));
    m = rendered(MessageKind::temporary_password, Channel::letter, letter);
    CHECK(m.text.starts_with("Madame, Monsieur,\n\n"));
}

TEST_CASE("activation email: the 15-day link and Connect login afterwards (seed 003)", "[templates]") {
    const auto m = rendered(MessageKind::activation_link, Channel::email, {{"token", "tok"}});
    CHECK(contains(m.text, "Vous avez 15 jours pour cliquer sur le lien d'activation et finaliser la création de "
                           "votre espace personnel."));
    CHECK(contains(m.text, "https://espace.exemple.fr/activation?token=tok"));
    CHECK(contains(m.text, "cette adresse email avec son mot de passe associé"));
    CHECK(contains(m.text, "services web et applications mobiles"));
    CHECK(contains(m.text, "Espace personnel MGEN"));
}

TEST_CASE("security code: 30 minutes, a new one can be asked for (seed 004)", "[templates]") {
    auto m = rendered(MessageKind::security_code, Channel::email, {{"code", "123456"}});
    CHECK(contains(m.text, "Votre code de sécurité est : 123456"));
    CHECK(contains(m.text, "valable 30 minutes"));
    CHECK(contains(m.text, "nouveau code"));
    m = rendered(MessageKind::security_code, Channel::sms, {{"code", "123456"}});
    CHECK(m.text ==
          "MGEN : votre code de sécurité est 123456. Il est valable 30 minutes. Ne le communiquez à personne.");
}

TEST_CASE("email verification code: 4 digits, 30 minutes (seed 004)", "[templates]") {
    const auto m = rendered(MessageKind::email_verification_code, Channel::email, {{"code", "4821"}});
    CHECK(contains(m.subject, "Confirmation de votre adresse email"));
    CHECK(contains(m.text, "Votre code de confirmation est : 4821"));
    CHECK(contains(m.text, "valable 30 minutes"));
}

TEST_CASE("temporary password: validity, personalisation, use with the NIR (seeds 000, 004)", "[templates]") {
    for (const auto channel : {Channel::email, Channel::letter}) {
        CAPTURE(to_string(channel));
        const auto valid_for = channel == Channel::letter ? "30 jours" : "24 heures";
        const auto m = rendered(MessageKind::temporary_password, channel, {{"password", "Tmp-9xQ!w2"}, {"valid_for", valid_for}});
        CHECK(contains(m.text, "Votre mot de passe est temporaire. Vous devez le personnaliser"));
        CHECK(contains(m.text, "mot de passe temporaire que vous devrez utiliser pour vous authentifier avec votre n° "
                               "de sécurité sociale"));
        CHECK(contains(m.text, std::string("valable ") + valid_for));
    }
    const auto letter = rendered(MessageKind::temporary_password, Channel::letter,
                                 {{"password", "Tmp-9xQ!w2"}, {"valid_for", "30 jours"}});
    CHECK(contains(letter.text, "Votre mot de passe temporaire : Tmp-9xQ!w2"));
    CHECK(contains(letter.text, "Rendez-vous sur https://espace.exemple.fr\n"));
    CHECK(contains(letter.text, "confirmez vos coordonnées"));
    CHECK_FALSE(contains(letter.text, "jeanne"));  // the postal address is the printer's, not the body's

    const auto sms = rendered(MessageKind::temporary_password, Channel::sms, {{"password", "Tmp-9xQ!w2"}, {"valid_for", "24 heures"}});
    CHECK(contains(sms.text, "mot de passe temporaire est Tmp-9xQ!w2 (valable 24 heures)"));
    CHECK(contains(sms.text, "Vous devrez le personnaliser à la 1re connexion."));
    // A long generated password and validity still fit in one SMS... and always well under 300.
    const auto longest = rendered(MessageKind::temporary_password, Channel::sms,
                                  {{"password", "Kx7#mQ2!vR9@tL4$"}, {"valid_for", "24 heures"}});
    CHECK(code_points(longest.text) <= 160);
    const auto huge = rendered(MessageKind::temporary_password, Channel::sms,
                               {{"password", std::string(64, 'A')}, {"valid_for", "30 jours"}});
    CHECK(code_points(huge.text) <= 300);
}

TEST_CASE("reset link: 1 hour, single use (seeds 000, 002)", "[templates]") {
    const auto m = rendered(MessageKind::reset_link, Channel::email, {{"token", "tok"}});
    CHECK(contains(m.text, "https://espace.exemple.fr/reinitialisation?token=tok"));
    CHECK(contains(m.text, "valable 1 heure et ne peut être utilisé qu'une seule fois"));
    CHECK(contains(m.text, "saisir votre nouveau mot de passe et le confirmer"));
    CHECK(contains(m.text, "vous accéderez à votre Espace personnel MGEN"));
}

TEST_CASE("identifier validation link: the new email, 24 hours (seed 002)", "[templates]") {
    const auto m = rendered(MessageKind::identifier_validation_link, Channel::email,
                            {{"token", "tok"}, {"email", "jeanne@exemple.fr"}});
    CHECK(contains(m.text, "https://espace.exemple.fr/validation?token=tok"));
    CHECK(contains(m.text, "l'adresse email jeanne@exemple.fr comme nouvel identifiant"));
    CHECK(contains(m.text, "identifiant MGEN Connect"));
    CHECK(contains(m.text, "valable 24 heures"));
    CHECK_FALSE(contains(m.subject, "jeanne@exemple.fr"));
}

TEST_CASE("letter on its way: the temporary password comes by post (seed 004)", "[templates]") {
    auto m = rendered(MessageKind::letter_on_its_way, Channel::email, {});
    CHECK(contains(m.text, "vous est envoyé par courrier"));
    CHECK(contains(m.text, "adresse postale que MGEN connaît"));
    m = rendered(MessageKind::letter_on_its_way, Channel::sms, {});
    CHECK(contains(m.text, "envoyé par courrier"));
}

TEST_CASE("password changed: confirmation and what to do if it was not you (seed 004)", "[templates]") {
    auto m = rendered(MessageKind::password_changed, Channel::email, {});
    CHECK(contains(m.text, "Votre mot de passe a bien été modifié."));
    CHECK(contains(m.text, "Vous pourrez l'utiliser lors de votre prochaine connexion"));
    CHECK(contains(m.text, "« Mot de passe oublié »"));
    CHECK(contains(m.text, "contactez MGEN"));
    m = rendered(MessageKind::password_changed, Channel::sms, {});
    CHECK(contains(m.text, "votre mot de passe a bien été modifié."));
    CHECK(contains(m.text, "Mot de passe oublié"));
}

TEST_CASE("identifier changed: the new identifier, the NIR over, and what to do if it was not you (seed 002)", "[templates]") {
    auto m = rendered(MessageKind::identifier_changed, Channel::email, {{"email", "j•••@exemple.fr"}});
    CHECK(contains(m.text, "est désormais l'adresse email j•••@exemple.fr"));
    CHECK(contains(m.text, "Votre numéro de sécurité sociale ne permet plus de vous connecter."));
    CHECK(contains(m.text, "Si vous n'êtes pas à l'origine de ce changement, contactez MGEN"));
    m = rendered(MessageKind::identifier_changed, Channel::sms, {{"email", "j•••@exemple.fr"}});
    CHECK(contains(m.text, "adresse email"));
    CHECK(m.text.find("•") == std::string::npos);  // GSM 7-bit only
}
