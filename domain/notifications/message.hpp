#pragma once
// What Guichet tells members, and how it reaches them (SPEC.md §1 "channel", §7 outbox).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace guichet {

enum class Channel { email, sms, letter };
std::string_view to_string(Channel channel);
std::optional<Channel> channel_from(std::string_view text);

// One kind per message the seeds describe, in one list (the enum, its names and every_message_kind
// follow from it); the text of each is in templates.cpp, whose test renders every kind.
#define GUICHET_MESSAGE_KINDS(X)                                                                       \
    X(activation_link)            /* seed 003: "Vous avez 15 jours pour cliquer sur le lien d'activation" */ \
    X(security_code)              /* seed 004: 6-digit code, 30 min */                                  \
    X(email_verification_code)    /* seed 004: 4-digit code, 30 min */                                  \
    X(temporary_password)         /* seeds 000, 004: by SMS, email or letter */                         \
    X(reset_link)                 /* seeds 000, 002: link to set a new password */                      \
    X(identifier_validation_link) /* seed 002: validate the new email identifier */                     \
    X(letter_on_its_way)          /* seed 004: "a letter is on its way" */                              \
    X(password_changed)           /* seed 004: notice after a change */                                 \
    X(identifier_changed)         /* seed 002: notice after the switch to an email identifier */         \
    X(identity_already_exists)    /* registration "new" with an address that is already an identity */  \
    X(contacts_changed)           /* notice to the previous email and mobile after a contact change */

enum class MessageKind {
#define GUICHET_KIND_ENUM(name) name,
    GUICHET_MESSAGE_KINDS(GUICHET_KIND_ENUM)
#undef GUICHET_KIND_ENUM
};

inline constexpr MessageKind every_message_kind[] = {
#define GUICHET_KIND_LIST(name) MessageKind::name,
    GUICHET_MESSAGE_KINDS(GUICHET_KIND_LIST)
#undef GUICHET_KIND_LIST
};
std::string_view to_string(MessageKind kind);
std::optional<MessageKind> message_kind_from(std::string_view text);

// Named values the template of a kind fills in (token, code, password, first_name...).
// They may be secrets: the outbox stores them encrypted and erases them once delivered.
using MessageParams = std::map<std::string, std::string>;

struct OutgoingMessage {
    Channel channel;
    std::string recipient;  // email address, E.164 phone number, or postal address for a letter
    MessageKind kind;
    MessageParams params;
};

// Where links in messages point and whose name they carry (GUICHET_PUBLIC_URL, GUICHET_BRAND):
// never taken from a request.
struct BrandSettings {
    std::string brand = "MGEN";
    std::string public_url = "http://127.0.0.1:8080";
};

struct RenderedMessage {
    std::string subject;  // email subject, letter title; empty for SMS
    std::string text;     // plain UTF-8 text, lines separated by \n
};

}  // namespace guichet
