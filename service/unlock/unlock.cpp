#include "service/unlock/unlock.hpp"

#include <nlohmann/json.hpp>

#include "domain/password/temporary_password.hpp"
#include "domain/text.hpp"
#include "service/accounts/account_import.hpp"
#include "service/accounts/channels.hpp"

namespace guichet {

namespace {

constexpr const char* kChoose = "choose_channel";
constexpr const char* kTempSent = "temp_password_sent";
constexpr const char* kLinkSent = "link_sent";
constexpr std::chrono::minutes kLifetime{30};

}  // namespace

Result<FlowView> Unlock::start(const std::string& nir_text, const std::string& birth_text) {
    const auto body = typed_nir_body(nir_text);
    if (!body) return fail(ErrorCode::invalid_nir, "13 ou 15 caractères", "nir");
    const auto birth = BirthDate::parse_french(birth_text, clock_.today());
    if (!birth) return std::unexpected(birth.error());

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

    const auto d = destinations_of(*profile);
    nlohmann::json channels = nlohmann::json::array();
    if (d.mobile) channels.push_back({{"channel", "sms"}, {"destination", d.mobile->masked()}});
    if (d.email) channels.push_back({{"channel", "email"}, {"destination", masked_email(*d.email)}});
    FlowRecord flow{new_flow_id(random_), type, kChoose, 0,
                    nlohmann::json{{"account", account->id}, {"nir", body->value()}, {"channels", channels}}.dump(),
                    clock_.now() + kLifetime};
    uow_.run([&](Transaction& tx) { tx.flows().create(flow); });
    // Seed 000: "Si MGEN ne connaît qu'une adresse email de contact ou que votre téléphone portable,
    // celui-ci sera utilisé automatiquement." With none, the temporary password goes by post.
    if (channels.size() == 1) return send(flow, *channel_from(channels[0]["channel"].get<std::string>()), true);
    if (channels.empty()) return send(flow, Channel::letter, true);
    return view(flow);
}

Result<FlowView> Unlock::choose_channel(const std::string& flow_id, const std::string& channel_text) {
    auto flow = flows_.load_at(flow_id, type, kChoose);
    if (!flow) return std::unexpected(flow.error());
    const auto data = nlohmann::json::parse(flow->data);
    for (const auto& c : data["channels"])
        if (c["channel"] == channel_text) return send(std::move(*flow), *channel_from(channel_text), false);
    if (channel_text == "sms") return fail(ErrorCode::sms_not_available, "aucun portable de France métropolitaine connu", "channel");
    return fail(ErrorCode::validation_error, "un des canaux proposés", "channel");
}

Result<FlowView> Unlock::send(FlowRecord flow, Channel channel, bool from_start) {
    auto data = nlohmann::json::parse(flow.data);
    const auto account = data["account"].get<AccountId>();
    std::string temporary, hash;
    if (channel != Channel::email) {
        temporary = generate_temporary_password(random_);
        hash = hasher_.hash(temporary);  // slow: before the transaction
    }
    const auto now = clock_.now();
    try {
        uow_.run([&](Transaction& tx) {
            const auto profile = tx.accounts().profile(account);
            if (!profile) throw Refused{Error(ErrorCode::not_found)};
            const auto d = destinations_of(*profile);
            MessageParams params{{"first_name", d.first_name}, {"last_name", d.last_name}};
            std::string destination;
            if (channel == Channel::email) {
                if (!d.email) throw Refused{Error(ErrorCode::validation_error, "aucune adresse email", "channel")};
                const auto token = random_token(random_, 32);
                const auto credentials = tx.accounts().credentials(account);
                tx.links().issue(LinkPurpose::password_reset, token, LinkSubject{account, credentials ? credentials->identity : std::nullopt},
                                 now + std::chrono::hours(1));
                params["token"] = token;
                tx.notifier().enqueue(OutgoingMessage{Channel::email, *d.email, MessageKind::reset_link, params});
                destination = masked_email(*d.email);
                tx.events().record(SecurityEvent{account, SecurityEventKind::reset_link_sent, "unlock, email " + destination});
            } else {
                // The temporary password replaces the forgotten one and lifts the lock: logging in
                // with it proves the channel, and it must be personalised (seed 004).
                auto sent = deliver_temporary_password(tx, account, d, channel, temporary, hash, now);
                if (!sent) throw Refused{sent.error()};
                destination = *sent;
                tx.throttle().set_locked(IdentifierKey{data["nir"].get<std::string>()}, false);
                tx.events().record(SecurityEvent{account, SecurityEventKind::temporary_password_sent,
                                                 "unlock, " + std::string(to_string(channel)) + " " + destination});
                tx.events().record(SecurityEvent{account, SecurityEventKind::account_unlocked, "unlock"});
            }
            data["sent"] = {{"channel", to_string(channel)}, {"destination", destination}, {"automatic", from_start}};
            if (!tx.flows().advance(flow.id, kChoose, channel == Channel::email ? kLinkSent : kTempSent, data.dump()))
                throw Refused{Error(ErrorCode::step_not_allowed, "cette étape a déjà été envoyée")};
        });
    } catch (const Refused& refused) {
        return std::unexpected(refused.error);
    }
    flow.state = channel == Channel::email ? kLinkSent : kTempSent;
    flow.data = data.dump();
    return view(flow);
}

FlowView Unlock::view(const FlowRecord& flow) const {
    FlowView v{flow.id, flow.type, flow.state, flow.expires_at, {}, {}};
    const auto data = nlohmann::json::parse(flow.data);
    if (flow.state == kChoose) {
        v.next_steps.push_back({"channel", {"channel"}});
        for (const auto& c : data["channels"]) v.channels.push_back({c["channel"].get<std::string>(), c["destination"].get<std::string>()});
        return v;
    }
    const auto& sent = data["sent"];
    const auto channel = sent.value("channel", "");
    const auto destination = sent.value("destination", "");
    if (sent.value("automatic", false) && channel != "letter")
        v.messages.push_back({"single_channel", std::string("Nous ne connaissons que votre ") +
                                                    (channel == "sms" ? "téléphone portable" : "adresse email") +
                                                    " : il a été utilisé automatiquement."});
    if (channel == "sms")
        v.messages.push_back({"temp_password_sent", "Un SMS vous a été envoyé au " + destination +
                                                        ". Il contient un mot de passe temporaire à utiliser avec votre numéro de "
                                                        "sécurité sociale pour vous connecter."});
    else if (channel == "letter")
        v.messages.push_back({"letter_sent", "Un mot de passe temporaire vous est envoyé par courrier."});
    else
        v.messages.push_back({"link_sent", "Un email vous a été envoyé à l'adresse " + destination +
                                               ". Il contient un lien sur lequel vous devrez cliquer pour changer de mot de passe."});
    v.channels.push_back({channel, destination});
    return v;
}

}  // namespace guichet
