#include "service/recovery/recovery.hpp"

#include <nlohmann/json.hpp>

#include "domain/members/security_question.hpp"
#include "domain/password/temporary_password.hpp"
#include "domain/text.hpp"
#include "service/accounts/channels.hpp"
#include "service/identities/identity_proof.hpp"

namespace guichet {

namespace {

constexpr const char* kChoose = "choose_channel";
constexpr const char* kCodeSent = "code_sent";
constexpr const char* kQuestion = "security_question";
constexpr const char* kTempSent = "temp_password_sent";
constexpr const char* kLetterSent = "letter_sent";
constexpr const char* kLinkSent = "link_sent";
constexpr std::chrono::hours kLifetime{1};  // room for the 30-minute code and its resends

std::string owner_of(const FlowRecord& flow) { return "flow:" + flow.id; }

// Channels for an identifier nobody has (or a wrong birth date): derived from a keyed digest of
// what was typed, so asking again shows the same ones, in the proportions real members have.
nlohmann::json decoy_channels(std::uint64_t d) {
    static constexpr const char* domains[] = {"gmail.com", "orange.fr", "hotmail.fr", "yahoo.fr",
                                              "free.fr",   "laposte.net", "sfr.fr",   "outlook.fr"};
    nlohmann::json channels = nlohmann::json::array();
    const auto kind = d % 20;  // 0: none, 1-3: SMS only, 4-6: email only, 7-19: both
    if ((kind >= 1 && kind <= 3) || kind >= 7) {
        std::string digits = std::to_string((d >> 8) % 100000000);
        digits.insert(0, 8 - digits.size(), '0');
        if (auto phone = Phone::parse(std::string((d >> 5) & 1 ? "07" : "06") + digits))
            channels.push_back({{"channel", "sms"}, {"destination", phone->masked()}});
    }
    if (kind >= 4) {
        const std::string local = std::string(1, static_cast<char>('a' + (d >> 40) % 26)) + "x";
        channels.push_back({{"channel", "email"}, {"destination", masked_email(local + "@" + domains[(d >> 48) % 8])}});
    }
    return channels;
}

}  // namespace

Result<FlowView> Recovery::start(const std::string& identifier, const std::optional<std::string>& birth_text) {
    const auto body = typed_nir_body(identifier);
    if (!body) {
        const auto text = trim(identifier);
        if (text.find('@') != std::string_view::npos) return start_by_email(std::string(text));
        return fail(ErrorCode::validation_error, "numéro de sécurité sociale (13 ou 15 caractères) ou adresse email", "identifier");
    }
    if (!birth_text || trim(*birth_text).empty())
        return fail(ErrorCode::validation_error, "obligatoire avec un numéro de sécurité sociale (jj/mm/aaaa)", "birth_date");
    const auto birth = BirthDate::parse_french(*birth_text, clock_.today());
    if (!birth) return std::unexpected(birth.error());

    std::optional<LegacyLogin> account;
    std::optional<AccountProfile> profile;
    uow_.autocommit([&](Transaction& tx) {
        account = tx.accounts().find_legacy_login(*body);
        if (account) profile = tx.accounts().profile(account->id);
    });
    nlohmann::json data{{"nir", body->value()}, {"codes", 0}};
    nlohmann::json channels = nlohmann::json::array();
    // A migrated account is recovered by its email identifier; by NIR it looks like nobody's.
    if (account && profile && !account->migrated && profile->member.birth_date.date() == birth->date()) {
        data["account"] = account->id;
        data["logged_in"] = profile->account.has_logged_in;
        data["member_type"] = to_string(profile->member.type);
        const auto d = destinations_of(*profile);
        if (d.mobile) channels.push_back({{"channel", "sms"}, {"destination", d.mobile->masked()}});
        if (d.email) channels.push_back({{"channel", "email"}, {"destination", masked_email(*d.email)}});
    } else {
        data["decoy"] = true;
        channels = decoy_channels(digest_.digest("recovery:" + body->value() + ":" + birth->date().iso()));
    }
    // By post, to the registry's address, needs no proof: always offered.
    channels.push_back({{"channel", "letter"}, {"destination", "courrier"}});
    data["channels"] = channels;
    FlowRecord flow{new_flow_id(random_), type, kChoose, 0, data.dump(), clock_.now() + kLifetime};
    uow_.run([&](Transaction& tx) { tx.flows().create(flow); });
    return view(flow);
}

Result<FlowView> Recovery::start_by_email(const std::string& text) {
    const auto email = Email::parse(text);
    if (!email) return fail(ErrorCode::invalid_email, email.error().detail, "identifier");
    // Seed 002: a Connect identity gets a reset link; which asks the secret answer when one is set
    // (POST /v1/password-resets). An email nobody owns gets the same answer, and no mail.
    const nlohmann::json data{{"sent", {{"channel", "email"}, {"destination", email->masked()}}}};
    FlowRecord flow{new_flow_id(random_), type, kLinkSent, 0, data.dump(), clock_.now() + kLifetime};
    uow_.run([&](Transaction& tx) {
        if (const auto identity = tx.identities().find_by_email(*email)) mail_reset_link(tx, *identity, random_, clock_);
        tx.flows().create(flow);
    });
    return view(flow);
}

Result<FlowView> Recovery::choose_channel(const std::string& flow_id, const std::string& channel_text) {
    auto flow = flows_.load_at(flow_id, type, kChoose);
    if (!flow) return std::unexpected(flow.error());
    auto data = nlohmann::json::parse(flow->data);
    for (const auto& c : data["channels"]) {
        if (c["channel"] != channel_text) continue;
        if (channel_text == "letter") return finish(std::move(*flow), kChoose, Channel::letter, "chosen");
        data["sent"] = c;
        flow->data = data.dump();
        return send_code(std::move(*flow), kChoose);
    }
    if (channel_text == "sms") return fail(ErrorCode::sms_not_available, "aucun portable de France métropolitaine connu", "channel");
    return fail(ErrorCode::validation_error, "un des canaux proposés", "channel");
}

Result<FlowView> Recovery::resend_code(const std::string& flow_id) {
    auto flow = flows_.load_at(flow_id, type, kCodeSent);
    if (!flow) return std::unexpected(flow.error());
    return send_code(std::move(*flow), kCodeSent);
}

Result<FlowView> Recovery::send_code(FlowRecord flow, const std::string& from_state) {
    auto data = nlohmann::json::parse(flow.data);
    const int sent = data.value("codes", 0);
    if (sent >= max_codes) return fail(ErrorCode::rate_limited, "trop de codes demandés : recommencez la démarche");
    const auto now = clock_.now();
    try {
        uow_.run([&](Transaction& tx) {
            const auto owner = owner_of(flow);
            if (const auto last = tx.codes().last_issued(CodePurpose::security, owner); last && *last > now - policy_.resend_cooldown)
                throw Refused{Error(ErrorCode::rate_limited, "un code vient d'être envoyé : patientez une minute avant d'en demander un autre")};
            // A decoy flow gets a code too, never sent, so its tries, expiry and resends behave alike.
            const auto code = generate_code(random_, policy_.digits);
            tx.codes().issue(CodePurpose::security, owner, code, now + policy_.lifetime);
            if (!data.value("decoy", false)) {
                const auto profile = tx.accounts().profile(data["account"].get<AccountId>());
                if (!profile) throw Refused{Error(ErrorCode::not_found)};
                const auto d = destinations_of(*profile);
                const MessageParams params{{"code", code}, {"first_name", d.first_name}};
                tx.events().record(SecurityEvent{data["account"].get<AccountId>(), SecurityEventKind::code_sent,
                                                 "recovery, " + data["sent"].value("channel", "") + " " +
                                                     data["sent"].value("destination", "")});
                if (data["sent"]["channel"] == "sms") {
                    if (!d.mobile) throw Refused{Error(ErrorCode::sms_not_available, "", "channel")};
                    tx.notifier().enqueue(OutgoingMessage{Channel::sms, d.mobile->e164(), MessageKind::security_code, params});
                } else {
                    if (!d.email) throw Refused{Error(ErrorCode::validation_error, "aucune adresse email connue", "channel")};
                    tx.notifier().enqueue(OutgoingMessage{Channel::email, *d.email, MessageKind::security_code, params});
                }
            }
            data["codes"] = sent + 1;
            if (!tx.flows().advance(flow.id, from_state, kCodeSent, data.dump()))
                throw Refused{Error(ErrorCode::step_not_allowed, "cette étape a déjà été faite")};
        });
    } catch (const Refused& refused) {
        return std::unexpected(refused.error);
    }
    flow.state = kCodeSent;
    flow.data = data.dump();
    return view(flow);
}

Result<FlowView> Recovery::submit_code(const std::string& flow_id, const std::string& code) {
    auto flow = flows_.load_at(flow_id, type, kCodeSent);
    if (!flow) return std::unexpected(flow.error());
    const auto data = nlohmann::json::parse(flow->data);
    CodeCheck check{CodeOutcome::none};
    // The try is counted (and the code used up when right) in its own transaction, before anything else.
    uow_.run([&](Transaction& tx) {
        check = tx.codes().check(CodePurpose::security, owner_of(*flow), std::string(trim(code)), clock_.now(), policy_.max_attempts);
        if (!data.value("decoy", false) && check.outcome != CodeOutcome::none)
            tx.events().record(SecurityEvent{data["account"].get<AccountId>(),
                                             check.outcome == CodeOutcome::valid ? SecurityEventKind::code_used : SecurityEventKind::code_failed,
                                             "recovery"});
    });
    if (data.value("decoy", false) && check.outcome == CodeOutcome::valid) check = CodeCheck{CodeOutcome::invalid, 0};  // never sent
    if (auto ok = accepted(check); !ok) return std::unexpected(ok.error());

    const auto chosen = *channel_from(data["sent"]["channel"].get<std::string>());
    if (data.value("logged_in", false)) return finish(std::move(*flow), kCodeSent, chosen, "proven");
    const auto member_type = member_type_from(data.value("member_type", ""));
    if (!member_type || !security_question_for(*member_type))
        return finish(std::move(*flow), kCodeSent, Channel::letter, "no_online_check");  // tiers (seed 004)
    Result<FlowView> result = fail(ErrorCode::step_not_allowed, "cette étape a déjà été faite");
    uow_.run([&](Transaction& tx) {
        if (!tx.flows().advance(flow->id, kCodeSent, kQuestion, flow->data)) return;
        flow->state = kQuestion;
        result = view(*flow);
    });
    return result;
}

Result<FlowView> Recovery::answer_question(const std::string& flow_id, const std::string& answer) {
    auto flow = flows_.load_at(flow_id, type, kQuestion);
    if (!flow) return std::unexpected(flow.error());
    // One answer: counted (and committed) first, so answers sent in parallel do not get a try each.
    const auto data = nlohmann::json::parse(flow->data);
    int tries = 0;
    std::optional<AccountProfile> profile;
    uow_.autocommit([&](Transaction& tx) {
        tries = tx.flows().count_attempt(flow->id);
        if (tries == 1) profile = tx.accounts().profile(data["account"].get<AccountId>());
    });
    if (tries > 1) return fail(ErrorCode::too_many_attempts, "une seule réponse est possible", "answer");
    if (!profile) return fail(ErrorCode::not_found);
    if (security_answer_matches(profile->member, answer, clock_.today()))
        return finish(std::move(*flow), kQuestion, *channel_from(data["sent"]["channel"].get<std::string>()), "answered");
    return finish(std::move(*flow), kQuestion, Channel::letter, "answer_wrong");  // seed 004: "si contrôle KO"
}

Result<FlowView> Recovery::finish(FlowRecord flow, const std::string& from_state, Channel channel, const std::string& reason) {
    auto data = nlohmann::json::parse(flow.data);
    const bool decoy = data.value("decoy", false);
    const auto temporary = generate_temporary_password(random_);
    const auto hash = hasher_.hash(temporary);  // slow: before the transaction (also for a decoy: same time)
    const auto now = clock_.now();
    const auto outcome = channel == Channel::letter ? kLetterSent : kTempSent;
    try {
        uow_.run([&](Transaction& tx) {
            std::string destination = "courrier";
            if (!decoy) {
                const auto account = data["account"].get<AccountId>();
                const auto profile = tx.accounts().profile(account);
                if (!profile) throw Refused{Error(ErrorCode::not_found)};
                const auto d = destinations_of(*profile);
                auto sent = deliver_temporary_password(tx, account, d, channel, temporary, hash, now);
                if (!sent) throw Refused{sent.error()};
                destination = *sent;
                tx.events().record(SecurityEvent{account, SecurityEventKind::temporary_password_sent,
                                                 "recovery (" + reason + "), " + std::string(to_string(channel)) + " " + destination});
                // A letter the member did not choose: the chosen channel says it is coming (seed 004).
                if (channel == Channel::letter && data.contains("sent")) {
                    const MessageParams params{{"first_name", d.first_name}};
                    if (data["sent"]["channel"] == "sms" && d.mobile)
                        tx.notifier().enqueue(OutgoingMessage{Channel::sms, d.mobile->e164(), MessageKind::letter_on_its_way, params});
                    else if (data["sent"]["channel"] == "email" && d.email)
                        tx.notifier().enqueue(OutgoingMessage{Channel::email, *d.email, MessageKind::letter_on_its_way, params});
                }
                // The member proved a channel (or will receive the letter at home): the lock and the
                // failure count of the NIR go, as with an unlock.
                const IdentifierKey nir{data["nir"].get<std::string>()};
                if (tx.throttle().is_locked(nir)) tx.events().record(SecurityEvent{account, SecurityEventKind::account_unlocked, "recovery"});
                tx.throttle().set_locked(nir, false);
            } else if (channel != Channel::letter) {
                destination = data["sent"].value("destination", "");
            }
            data["outcome"] = {{"channel", to_string(channel)}, {"destination", destination}, {"reason", reason}};
            if (!tx.flows().advance(flow.id, from_state, outcome, data.dump()))
                throw Refused{Error(ErrorCode::step_not_allowed, "cette étape a déjà été faite")};
        });
    } catch (const Refused& refused) {
        return std::unexpected(refused.error);
    }
    flow.state = outcome;
    flow.data = data.dump();
    return view(flow);
}

FlowView Recovery::view(const FlowRecord& flow) const {
    FlowView v{flow.id, flow.type, flow.state, flow.expires_at, {}, {}};
    const auto data = nlohmann::json::parse(flow.data);
    const auto sent_channel = data.contains("sent") ? data["sent"].value("channel", "") : "";
    const auto sent_to = data.contains("sent") ? data["sent"].value("destination", "") : "";
    const auto by = [](const std::string& channel, const std::string& to) {
        return channel == "sms" ? "par SMS au " + to : "par e-mail à l'adresse " + to;
    };
    if (flow.state == kChoose) {
        v.next_steps.push_back({"channel", {"channel"}});
        for (const auto& c : data["channels"]) v.channels.push_back({c["channel"].get<std::string>(), c["destination"].get<std::string>()});
    } else if (flow.state == kCodeSent) {
        v.next_steps.push_back({"code", {"code"}});
        v.next_steps.push_back({"resend", {}});
        v.channels.push_back({sent_channel, sent_to});
        v.messages.push_back({"code_sent", "Un code de confirmation vous a été envoyé " + by(sent_channel, sent_to) +
                                               ". Saisissez-le dans les 30 minutes ; vous pouvez demander un nouveau code."});
    } else if (flow.state == kQuestion) {
        v.next_steps.push_back({"security_answer", {"answer"}});
        if (const auto t = member_type_from(data.value("member_type", "")))
            if (const auto q = security_question_for(*t)) v.question = FlowQuestion{q->kind, q->label};
    } else if (flow.state == kTempSent) {
        const auto& o = data["outcome"];
        v.channels.push_back({o.value("channel", ""), o.value("destination", "")});
        v.messages.push_back({"temp_password_sent", "Un mot de passe temporaire vous a été envoyé " +
                                                        by(o.value("channel", ""), o.value("destination", "")) +
                                                        ". Vous pourrez le modifier après vous être connecté à votre espace personnel."});
    } else if (flow.state == kLetterSent) {
        const auto reason = data["outcome"].value("reason", "");
        if (reason == "answer_wrong")
            v.messages.push_back({"identity_not_verified", "Nous n'avons pas pu vérifier votre identité en ligne."});
        else if (reason == "no_online_check")
            v.messages.push_back({"identity_not_verified", "Votre identité ne peut pas être vérifiée en ligne."});
        v.channels.push_back({"letter", "courrier"});
        v.messages.push_back({"letter_sent", "Un mot de passe temporaire vous est envoyé par courrier."});
        if (reason != "chosen" && !sent_channel.empty())
            v.messages.push_back({"letter_notice", "Un message vous a été envoyé " + by(sent_channel, sent_to) + " pour vous prévenir de cet envoi."});
    } else if (flow.state == kLinkSent) {
        v.channels.push_back({"email", sent_to});
        v.messages.push_back({"link_sent", "Si l'adresse " + sent_to + " est un identifiant de connexion, un e-mail vient de lui être "
                                           "envoyé : il contient un lien, valable 1 heure, pour choisir un nouveau mot de passe."});
    }
    return v;
}

}  // namespace guichet
