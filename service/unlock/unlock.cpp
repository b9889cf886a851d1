#include "service/unlock/unlock.hpp"

#include "domain/password/temporary_password.hpp"
#include "domain/text.hpp"
#include "domain/texts/catalogue.hpp"
#include "service/accounts/account_import.hpp"
#include "service/accounts/channels.hpp"
#include "service/limits/abuse_limits.hpp"

namespace guichet {

namespace {

using State = UnlockState;

}  // namespace

void UnlockData::fields(FlowFields& f) {
    f.number("account", account);
    f.text("nir", nir);
    f.channels("channels", channels);
    f.choice("sent", sent, [](Channel c) { return to_string(c); }, channel_from);
    f.text("destination", destination);
    f.flag("automatic", automatic);
}

Unlock::Unlock(UnitOfWork& uow, Flows& flows, const PasswordHasher& hasher, RandomSource& random, const Clock& clock,
               const Rules& rules)
    : FlowType(flows, random, type, "unlock",
               {{State::choose_channel, "choose_channel"}, {State::temp_password_sent, "temp_password_sent"}, {State::link_sent, "link_sent"}}),
      uow_(uow), hasher_(hasher), clock_(clock), rules_(rules), checks_(uow, clock, rules) {
    // A single known channel sends a temporary password at once (hashed).
    starts_with({"start", {{"nir", 32}, {"birth_date", 32}}, StepCost::hashing}, [this](const StepInput& in) {
        return answer(start(in.text("nir"), in.text("birth_date")));
    });
    step(State::choose_channel, {"channel", {{"channel", 16}}, StepCost::hashing}, [this](Flow& flow, const StepInput& in) {
        return answer(choose(flow, in.text("channel")));
    });
}

Result<FlowView> Unlock::start(const std::string& nir_text, const std::string& birth_text) {
    const auto body = typed_nir_body(nir_text);
    if (!body) return fail(ErrorCode::invalid_nir, "13 ou 15 caractères", "nir");
    const auto birth = BirthDate::parse_french(birth_text, clock_.today());
    if (!birth) return std::unexpected(birth.error());
    if (auto counted = checks_.count(body->value()); !counted) return std::unexpected(counted.error());

    std::optional<LegacyLogin> account;
    std::optional<AccountProfile> profile;
    bool locked = false;
    uow_.autocommit([&](Transaction& tx) {
        account = tx.accounts().find_legacy_login(*body);
        if (account) profile = tx.accounts().profile(account->id);
        locked = tx.throttle().is_locked(IdentifierKey{body->value()});
    });
    if (!account || !profile || profile->member.birth_date.date() != birth->date())
        return fail(ErrorCode::identity_check_failed, "numéro de sécurité sociale ou date de naissance");
    if (account->migrated) return fail(ErrorCode::identifier_migrated);
    if (!locked) return fail(ErrorCode::account_not_locked, "mot de passe oublié : POST /v1/flows/recovery");

    UnlockData data{account->id, body->value(), {}, std::nullopt, {}, false};
    const auto d = destinations_of(*profile);
    if (d.mobile) data.channels.push_back({"sms", d.mobile->masked()});
    if (d.email) data.channels.push_back({"email", masked_email(*d.email)});
    auto flow = open(State::choose_channel, std::move(data), rules_.unlock_flow_lifetime);
    // Seed 000: "Si MGEN ne connaît qu'une adresse email de contact ou que votre téléphone portable,
    // celui-ci sera utilisé automatiquement." With none, the temporary password goes by post.
    if (flow.data.channels.size() > 1) return show(flow);
    flow.data.automatic = true;
    return send(flow, flow.data.channels.empty() ? Channel::letter : *channel_from(flow.data.channels[0].channel));
}

Result<FlowView> Unlock::choose_channel(const std::string& flow_id, const std::string& channel) {
    auto flow = load(flow_id, State::choose_channel);
    if (!flow) return std::unexpected(flow.error());
    return choose(*flow, channel);
}

Result<FlowView> Unlock::choose(Flow& flow, const std::string& channel_text) {
    for (const auto& c : flow.data.channels)
        if (c.channel == channel_text) return send(flow, *channel_from(channel_text));
    if (channel_text == "sms") return fail(ErrorCode::sms_not_available, "aucun portable de France métropolitaine connu", "channel");
    return fail(ErrorCode::validation_error, "un des canaux proposés", "channel");
}

Result<FlowView> Unlock::send(Flow& flow, Channel channel) {
    const auto account = flow.data.account;
    std::string temporary, hash;
    if (channel != Channel::email) {
        temporary = generate_temporary_password(random_);
        hash = hasher_.hash(temporary);  // slow: before the transaction
    }
    const auto now = clock_.now();
    flow.data.sent = channel;
    flow.data.destination = "courrier";
    for (const auto& c : flow.data.channels)
        if (c.channel == to_string(channel)) flow.data.destination = c.destination;
    const auto to = channel == Channel::email ? State::link_sent : State::temp_password_sent;
    auto moved = move(flow, to, [&](Transaction& tx) -> Result<void> {
        const auto profile = tx.accounts().profile(account);
        if (!profile) return fail(ErrorCode::not_found);
        const auto d = destinations_of(*profile);
        if (channel == Channel::email) {
            if (!d.email) return fail(ErrorCode::validation_error, "aucune adresse email", "channel");
            const auto token = random_token(random_, 32);
            const auto credentials = tx.accounts().credentials(account);
            tx.links().issue(LinkPurpose::password_reset, token, LinkSubject{account, credentials ? credentials->identity : std::nullopt},
                             now + rules_.reset_link_lifetime);
            if (auto sent = send_message(tx, rules_, OutgoingMessage{Channel::email, *d.email, MessageKind::reset_link,
                                                                     {{"first_name", d.first_name}, {"last_name", d.last_name}, {"token", token}}},
                                         now);
                !sent)
                return sent;
            tx.events().record(SecurityEvent{account, SecurityEventKind::reset_link_sent, "unlock, email " + flow.data.destination});
            return {};
        }
        // Anyone with the NIR and the birth date gets this far: the temporary password waits beside
        // the lock and the forgotten password, and logging in with it proves the channel, lifts the
        // lock and makes it the password, to be personalised (seed 004; Sessions::login).
        auto sent = deliver_temporary_password(tx, rules_, account, d, channel, temporary, hash, now, TemporaryPassword::waits);
        if (!sent) return std::unexpected(sent.error());
        tx.events().record(SecurityEvent{account, SecurityEventKind::temporary_password_sent,
                                         "unlock, " + std::string(to_string(channel)) + " " + *sent});
        return {};
    });
    if (!moved) return std::unexpected(moved.error());
    return show(flow);
}

FlowView Unlock::show(const Flow& flow) const {
    auto v = base_view(flow);
    if (flow.state == State::choose_channel) {
        v.channels = flow.data.channels;
        return v;
    }
    const auto channel = flow.data.sent.value_or(Channel::letter);
    const auto& destination = flow.data.destination;
    const TextParams to{{"destination", destination}};
    if (flow.data.automatic && channel != Channel::letter)
        v.messages.push_back(
            {"single_channel", text(channel == Channel::sms ? Text::unlock_single_channel_sms : Text::unlock_single_channel_email)});
    if (channel == Channel::sms) v.messages.push_back({"temp_password_sent", text(Text::unlock_temp_password_sent, to)});
    else if (channel == Channel::letter) v.messages.push_back({"letter_sent", text(Text::letter_sent)});
    else v.messages.push_back({"link_sent", text(Text::unlock_link_sent, to)});
    v.channels.push_back({std::string(to_string(channel)), destination});
    return v;
}

}  // namespace guichet
