#include "domain/notifications/outbox.hpp"

#include "domain/email.hpp"
#include "domain/phone.hpp"

namespace guichet {

std::string_view to_string(MessageStatus status) {
    switch (status) {
        case MessageStatus::pending: return "pending";
        case MessageStatus::sending: return "sending";
        case MessageStatus::sent: return "sent";
        case MessageStatus::dead: return "dead";
        case MessageStatus::expired: return "expired";
    }
    return "pending";
}

std::optional<MessageStatus> message_status_from(std::string_view text) {
    for (auto s : {MessageStatus::pending, MessageStatus::sending, MessageStatus::sent, MessageStatus::dead, MessageStatus::expired})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

std::string mask_recipient(Channel channel, const std::string& recipient) {
    switch (channel) {
        case Channel::email:
            if (auto email = Email::parse(recipient)) return email->masked();
            break;
        case Channel::sms:
            if (auto phone = Phone::parse(recipient)) return phone->masked();
            break;
        case Channel::letter: {
            // The last line of a French address is "postcode town": the department is enough.
            const auto last = recipient.substr(recipient.find_last_of('\n') == std::string::npos ? 0 : recipient.find_last_of('\n') + 1);
            const auto digits = last.find_first_of("0123456789");
            if (digits != std::string::npos && digits + 2 <= last.size()) return "courrier (" + last.substr(digits, 2) + "•••)";
            return "courrier";
        }
    }
    return "•••";
}

}  // namespace guichet
