#pragma once
// The French texts the service writes for members, in one catalogue keyed by stable codes: the
// title of every problem (by ErrorCode), the messages of the flows and of the API's answers
// (by Text). The texts themselves are in catalogue.cpp, the one file a copywriter edits for
// them; the messages sent by email and SMS are beside it, in domain/notifications/templates.cpp.
// A text may hold placeholders, `{name}`, filled from TextParams.
#include <map>
#include <string>
#include <string_view>

#include "domain/error.hpp"

namespace guichet {

// The one list of text codes; catalogue.cpp gives each its French text, in this order (checked
// at compile time).
#define GUICHET_TEXTS(X)                                                                                     \
    X(by_sms)                         /* {destination}: "par SMS au 06 •• •• •• 78" */                       \
    X(by_email)                       /* {destination} */                                                    \
    X(tries_one)                      /* {count} */                                                          \
    X(tries_many)                     /* {count} */                                                          \
    X(unlock_single_channel_sms)                                                                              \
    X(unlock_single_channel_email)                                                                            \
    X(unlock_temp_password_sent)      /* {destination} */                                                    \
    X(unlock_link_sent)               /* {destination} */                                                    \
    X(letter_sent)                                                                                            \
    X(recovery_code_sent)             /* {by} */                                                             \
    X(recovery_temp_password_sent)    /* {by} */                                                             \
    X(recovery_not_verified_answer)                                                                           \
    X(recovery_not_verified_offline)                                                                          \
    X(recovery_letter_notice)         /* {by} */                                                             \
    X(recovery_link_sent)             /* {destination} */                                                    \
    X(registration_identity_check_failed) /* {tries} */                                                      \
    X(registration_too_many_attempts)                                                                         \
    X(registration_activation_sent)   /* {destination} */                                                    \
    X(switch_too_many_attempts)                                                                               \
    X(switch_choose_email)            /* {brand} */                                                          \
    X(switch_no_email)                                                                                        \
    X(switch_new_credentials)         /* {email} */                                                          \
    X(switch_connect_password)        /* {email} {brand} */                                                  \
    X(switch_forgotten_password)                                                                              \
    X(switch_validation_sent)         /* {destination} */                                                    \
    X(switch_done)                    /* {destination} {brand} */                                            \
    X(account_activated)                                                                                      \
    X(activation_resend_accepted)                                                                             \
    X(identifier_validated)                                                                                   \
    X(password_changed)                                                                                       \
    X(contact_code_sent)              /* {destination} */                                                    \
    X(contacts_confirmed)                                                                                     \
    X(email_verified)                                                                                         \
    X(agent_reset_done)

enum class Text {
#define GUICHET_TEXT_ID(name) name,
    GUICHET_TEXTS(GUICHET_TEXT_ID)
#undef GUICHET_TEXT_ID
};

inline constexpr Text every_text[] = {
#define GUICHET_TEXT_LIST(name) Text::name,
    GUICHET_TEXTS(GUICHET_TEXT_LIST)
#undef GUICHET_TEXT_LIST
};

using TextParams = std::map<std::string, std::string, std::less<>>;

std::string_view to_string(Text code);
// The raw text, placeholders included.
std::string_view french(Text code);
// The text with each `{name}` replaced by its parameter (a placeholder without one stays as it is,
// which the catalogue's test catches).
std::string text(Text code, const TextParams& params = {});
// The title of a problem (RFC 9457 `title`), for the member.
std::string_view problem_title(ErrorCode code);

}  // namespace guichet
