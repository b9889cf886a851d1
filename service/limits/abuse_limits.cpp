#include "service/limits/abuse_limits.hpp"

#include "domain/text.hpp"

namespace guichet {

Result<void> IdentityChecks::count(const std::string& nir_body) {
    LimitDecision d;
    uow_.autocommit([&](Transaction& tx) { d = tx.limits().take(policy_, nir_body, clock_.now()); });
    if (!d.allowed)
        return std::unexpected(limited(ErrorCode::too_many_attempts, policy_, d,
                                       "trop de vérifications d'identité pour ce numéro de sécurité sociale : réessayez plus tard"));
    return {};
}

bool carries_secret(MessageKind kind) {
    switch (kind) {
        case MessageKind::activation_link:
        case MessageKind::security_code:
        case MessageKind::email_verification_code:
        case MessageKind::temporary_password:
        case MessageKind::reset_link:
        case MessageKind::identifier_validation_link:
        case MessageKind::identity_already_exists:  // stands for an activation link: counted alike
            return true;
        case MessageKind::letter_on_its_way:
        case MessageKind::password_changed:
        case MessageKind::identifier_changed:
        case MessageKind::contacts_changed:
            return false;
    }
    return true;
}

std::string destination_key(Channel channel, const std::string& recipient) {
    return std::string(to_string(channel)) + ":" + (channel == Channel::email ? ascii_lower(recipient) : recipient);
}

std::string decoy_destination(Channel channel, const std::string& stand_in) {
    return std::string(to_string(channel)) + ":decoy:" + stand_in;
}

Result<void> count_message(Transaction& tx, const Rules& rules, const std::string& destination, LimitClock::time_point now) {
    for (const auto* policy : {&rules.abuse.destination_hour, &rules.abuse.destination_day}) {
        const auto d = tx.limits().take(*policy, destination, now);
        if (!d.allowed)
            return std::unexpected(limited(ErrorCode::rate_limited, *policy, d,
                                           "trop de messages envoyés à ce destinataire : réessayez plus tard"));
    }
    return {};
}

namespace {

Result<void> count_letter(Transaction& tx, const Rules& rules, const std::string& key, LimitClock::time_point now) {
    const auto d = tx.limits().take(rules.abuse.letters, key, now);
    if (!d.allowed)
        return std::unexpected(limited(ErrorCode::rate_limited, rules.abuse.letters, d,
                                       "deux courriers ont déjà été envoyés ce mois-ci : contactez votre conseiller"));
    return {};
}

}  // namespace

Result<void> send_message(Transaction& tx, const Rules& rules, const OutgoingMessage& message, LimitClock::time_point now,
                          std::optional<AccountId> account) {
    if (carries_secret(message.kind)) {
        auto counted = message.channel == Channel::letter
                           ? count_letter(tx, rules, account ? "account:" + std::to_string(*account) : "address:" + message.recipient, now)
                           : count_message(tx, rules, destination_key(message.channel, message.recipient), now);
        if (!counted) return counted;
    }
    tx.notifier().enqueue(message);
    return {};
}

Result<void> count_decoy_letter(Transaction& tx, const Rules& rules, const std::string& stand_in, LimitClock::time_point now) {
    return count_letter(tx, rules, "decoy:" + stand_in, now);
}

}  // namespace guichet
