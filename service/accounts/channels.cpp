#include "service/accounts/channels.hpp"

#include "domain/email.hpp"
#include "service/accounts/account_import.hpp"
#include "service/limits/abuse_limits.hpp"

namespace guichet {

Destinations destinations_of(const AccountProfile& p) {
    Destinations d;
    const auto& mobile = p.account.mobile_phone ? p.account.mobile_phone : p.member.mobile_phone;
    if (mobile && mobile->can_receive_sms()) d.mobile = mobile;
    if (p.account.contact_email) d.email = p.account.contact_email;
    else if (p.account.identity_email) d.email = p.account.identity_email;
    else if (p.member.email) d.email = p.member.email->value();
    d.address = p.member.address;
    d.first_name = p.member.first_name;
    d.last_name = p.member.last_name;
    return d;
}

std::string masked_email(const std::string& email) {
    const auto parsed = Email::parse(email);
    return parsed ? parsed->masked() : "";
}

int password_replaced(Transaction& tx, AccountId account, const std::string& keep_session, const std::optional<std::string>& told) {
    const int ended = tx.sessions().revoke_all(account, keep_session);
    const auto profile = tx.accounts().profile(account);
    if (!profile) return ended;
    const auto to = destinations_of(*profile);
    const MessageParams params{{"first_name", to.first_name}};
    if (to.email && to.email != told) tx.notifier().enqueue(OutgoingMessage{Channel::email, *to.email, MessageKind::password_changed, params});
    if (to.mobile && to.mobile->e164() != told)
        tx.notifier().enqueue(OutgoingMessage{Channel::sms, to.mobile->e164(), MessageKind::password_changed, params});
    return ended;
}

Result<std::string> deliver_temporary_password(Transaction& tx, const Rules& rules, AccountId account, const Destinations& to,
                                               Channel channel, const std::string& password, const std::string& hash,
                                               std::chrono::system_clock::time_point now, TemporaryPassword use) {
    MessageParams params{{"first_name", to.first_name},
                         {"last_name", to.last_name},
                         {"password", password},
                         {"valid_for", channel == Channel::letter ? "30 jours" : "24 heures"}};
    std::string destination, recipient;
    switch (channel) {
        case Channel::sms:
            if (!to.mobile) return fail(ErrorCode::sms_not_available, "aucun portable de France métropolitaine connu", "channel");
            recipient = to.mobile->e164();
            destination = to.mobile->masked();
            break;
        case Channel::email:
            if (!to.email) return fail(ErrorCode::validation_error, "aucune adresse email connue", "channel");
            recipient = *to.email;
            destination = masked_email(*to.email);
            break;
        case Channel::letter:
            if (to.address.empty()) return fail(ErrorCode::validation_error, "aucun canal connu : contactez votre conseiller", "channel");
            recipient = to.first_name + " " + to.last_name + "\n" + to.address;
            destination = "courrier";
            break;
    }
    const auto until = now + temporary_password_lifetime(channel);
    if (use == TemporaryPassword::waits) {
        tx.accounts().set_pending_password(account, hash, until);
    } else {
        tx.accounts().set_password(account, hash, until);
        password_replaced(tx, account, "", recipient);
    }
    if (auto sent = send_message(tx, rules, OutgoingMessage{channel, recipient, MessageKind::temporary_password, params}, now, account); !sent)
        return std::unexpected(sent.error());
    return destination;
}

}  // namespace guichet
