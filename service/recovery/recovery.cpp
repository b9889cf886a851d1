#include "service/recovery/recovery.hpp"

#include "domain/members/security_question.hpp"
#include "domain/password/temporary_password.hpp"
#include "domain/text.hpp"
#include "domain/texts/catalogue.hpp"
#include "service/accounts/channels.hpp"
#include "service/identities/identity_proof.hpp"

namespace guichet {

namespace {

using State = RecoveryState;

std::string owner_of(const FlowRecord& flow) { return "flow:" + flow.id; }

// Channels for an identifier nobody has (or a wrong birth date): derived from a keyed digest of
// what was typed, so asking again shows the same ones, in the proportions real members have.
std::vector<FlowChannel> decoy_channels(std::uint64_t d) {
    static constexpr const char* domains[] = {"gmail.com", "orange.fr", "hotmail.fr", "yahoo.fr",
                                              "free.fr",   "laposte.net", "sfr.fr",   "outlook.fr"};
    std::vector<FlowChannel> channels;
    const auto kind = d % 20;  // 0: none, 1-3: SMS only, 4-6: email only, 7-19: both
    if ((kind >= 1 && kind <= 3) || kind >= 7) {
        std::string digits = std::to_string((d >> 8) % 100000000);
        digits.insert(0, 8 - digits.size(), '0');
        if (auto phone = Phone::parse(std::string((d >> 5) & 1 ? "07" : "06") + digits))
            channels.push_back({"sms", phone->masked()});
    }
    if (kind >= 4) {
        const std::string local = std::string(1, static_cast<char>('a' + (d >> 40) % 26)) + "x";
        channels.push_back({"email", masked_email(local + "@" + domains[(d >> 48) % 8])});
    }
    return channels;
}

}  // namespace

void RecoveryData::fields(FlowFields& f) {
    f.text("nir", nir);
    f.number("account", account);
    f.flag("logged_in", logged_in);
    f.choice("member_type", member_type, [](MemberType t) { return to_string(t); }, member_type_from);
    f.channels("channels", channels);
    const auto channel_text = [](Channel c) { return to_string(c); };
    f.choice("chosen", chosen, channel_text, channel_from);
    f.text("chosen_destination", chosen_destination);
    f.number("codes", codes);
    f.choice("outcome", outcome, channel_text, channel_from);
    f.text("outcome_destination", outcome_destination);
    f.text("outcome_reason", outcome_reason);
    f.text("decoy", decoy);
}

Recovery::Recovery(UnitOfWork& uow, Flows& flows, const PasswordHasher& hasher, RandomSource& random, const KeyedDigest& digest,
                   const Clock& clock, const Rules& rules)
    : FlowType(flows, random, type, "recovery",
               {{State::choose_channel, "choose_channel"},
                {State::code_sent, "code_sent"},
                {State::security_question, "security_question"},
                {State::temp_password_sent, "temp_password_sent"},
                {State::letter_sent, "letter_sent"},
                {State::link_sent, "link_sent"}}),
      uow_(uow), hasher_(hasher), digest_(digest), clock_(clock), rules_(rules), checks_(uow, clock, rules), policy_(rules.recovery_codes) {
    starts_with({"start", {{"identifier", 254}, {"birth_date", 32, false}}}, [this](const StepInput& in) {
        return answer(start(in.text("identifier"), in.optional("birth_date")));
    });
    // A letter chosen ends the flow with a temporary password (hashed).
    step(State::choose_channel, {"channel", {{"channel", 16}}, StepCost::hashing},
         [this](Flow& flow, const StepInput& in) { return answer(choose(flow, in.text("channel"))); });
    step(State::code_sent, {"code", {{"code", 16}}, StepCost::hashing},
         [this](Flow& flow, const StepInput& in) { return answer(check_code(flow, in.text("code"))); });
    step(State::code_sent, {"resend", {}}, [this](Flow& flow, const StepInput&) { return answer(send_code(flow)); });
    step(State::security_question, {"security_answer", {{"answer", 200}}, StepCost::hashing},
         [this](Flow& flow, const StepInput& in) { return answer(judge_answer(flow, in.text("answer"))); });
}

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
    if (auto counted = checks_.count(body->value()); !counted) return std::unexpected(counted.error());

    std::optional<LegacyLogin> account;
    std::optional<AccountProfile> profile;
    uow_.autocommit([&](Transaction& tx) {
        account = tx.accounts().find_legacy_login(*body);
        if (account) profile = tx.accounts().profile(account->id);
    });
    RecoveryData data;
    data.nir = body->value();
    // A migrated account is recovered by its email identifier; by NIR it looks like nobody's.
    if (account && profile && !account->migrated && profile->member.birth_date.date() == birth->date()) {
        data.account = account->id;
        data.logged_in = profile->account.has_logged_in;
        data.member_type = profile->member.type;
        const auto d = destinations_of(*profile);
        if (d.mobile) data.channels.push_back({"sms", d.mobile->masked()});
        if (d.email) data.channels.push_back({"email", masked_email(*d.email)});
    } else {
        const auto d = digest_.digest("recovery:" + body->value() + ":" + birth->date().iso());
        data.channels = decoy_channels(d);
        data.decoy = std::to_string(d);
    }
    // By post, to the registry's address, needs no proof: always offered.
    data.channels.push_back({"letter", "courrier"});
    return show(open(State::choose_channel, std::move(data), rules_.recovery_flow_lifetime));
}

Result<FlowView> Recovery::start_by_email(const std::string& text) {
    const auto email = Email::parse(text);
    if (!email) return fail(ErrorCode::invalid_email, email.error().detail, "identifier");
    // Seed 002: a Connect identity gets a reset link; which asks the secret answer when one is set
    // (POST /v1/password-resets). An email nobody owns gets the same answer, and no mail.
    RecoveryData data;
    data.chosen = Channel::email;
    data.chosen_destination = email->masked();
    std::optional<ConnectIdentity> identity;
    uow_.autocommit([&](Transaction& tx) { identity = tx.identities().find_by_email(*email); });
    // Counted against the address whether or not it is an identity's (mail_reset_link counts itself).
    auto sent = uow_.attempt([&](Transaction& tx) -> Result<void> {
        if (!identity) return count_message(tx, rules_, destination_key(Channel::email, email->lookup_key()), clock_.now());
        if (auto mailed = mail_reset_link(tx, *identity, random_, clock_, rules_); !mailed) return std::unexpected(mailed.error());
        return {};
    });
    if (!sent) return std::unexpected(sent.error());
    return show(open(State::link_sent, std::move(data), rules_.recovery_flow_lifetime));
}

Result<FlowView> Recovery::choose_channel(const std::string& flow_id, const std::string& channel) {
    auto flow = load(flow_id, State::choose_channel);
    if (!flow) return std::unexpected(flow.error());
    return choose(*flow, channel);
}

Result<FlowView> Recovery::choose(Flow& flow, const std::string& channel_text) {
    for (const auto& c : flow.data.channels) {
        if (c.channel != channel_text) continue;
        if (channel_text == "letter") return finish(flow, Channel::letter, "chosen");
        flow.data.chosen = channel_from(channel_text);
        flow.data.chosen_destination = c.destination;
        return send_code(flow);
    }
    if (channel_text == "sms") return fail(ErrorCode::sms_not_available, "aucun portable de France métropolitaine connu", "channel");
    return fail(ErrorCode::validation_error, "un des canaux proposés", "channel");
}

Result<FlowView> Recovery::resend_code(const std::string& flow_id) {
    auto flow = load(flow_id, State::code_sent);
    if (!flow) return std::unexpected(flow.error());
    return send_code(*flow);
}

Result<FlowView> Recovery::send_code(Flow& flow) {
    if (flow.data.codes >= rules_.recovery_codes_per_flow) return fail(ErrorCode::rate_limited, "trop de codes demandés : recommencez la démarche");
    const auto now = clock_.now();
    const auto owner = owner_of(flow.record);
    const auto& data = flow.data;
    ++flow.data.codes;
    auto moved = move(flow, State::code_sent, [&](Transaction& tx) -> Result<void> {
        if (const auto last = tx.codes().last_issued(CodePurpose::security, owner); last && *last > now - policy_.resend_cooldown)
            return fail(ErrorCode::rate_limited, "un code vient d'être envoyé : patientez une minute avant d'en demander un autre");
        // A decoy flow gets a code too, never sent, so its tries, expiry and resends behave alike.
        const auto code = generate_code(random_, policy_.digits);
        tx.codes().issue(CodePurpose::security, owner, code, now + policy_.lifetime);
        if (!data.account) return count_message(tx, rules_, decoy_destination(*data.chosen, data.decoy), now);
        const auto profile = tx.accounts().profile(*data.account);
        if (!profile) return fail(ErrorCode::not_found);
        const auto d = destinations_of(*profile);
        const MessageParams params{{"code", code}, {"first_name", d.first_name}};
        tx.events().record(SecurityEvent{*data.account, SecurityEventKind::code_sent,
                                         "recovery, " + std::string(to_string(*data.chosen)) + " " + data.chosen_destination});
        if (data.chosen == Channel::sms) {
            if (!d.mobile) return fail(ErrorCode::sms_not_available, "", "channel");
            return send_message(tx, rules_, OutgoingMessage{Channel::sms, d.mobile->e164(), MessageKind::security_code, params}, now);
        }
        if (!d.email) return fail(ErrorCode::validation_error, "aucune adresse email connue", "channel");
        return send_message(tx, rules_, OutgoingMessage{Channel::email, *d.email, MessageKind::security_code, params}, now);
    });
    if (!moved) return std::unexpected(moved.error());
    return show(flow);
}

Result<FlowView> Recovery::submit_code(const std::string& flow_id, const std::string& code) {
    auto flow = load(flow_id, State::code_sent);
    if (!flow) return std::unexpected(flow.error());
    return check_code(*flow, code);
}

Result<FlowView> Recovery::check_code(Flow& flow, const std::string& code) {
    const auto& data = flow.data;
    CodeCheck check{CodeOutcome::none};
    // The try is counted (and the code used up when right) in its own transaction, before anything else.
    uow_.run([&](Transaction& tx) {
        check = tx.codes().check(CodePurpose::security, owner_of(flow.record), std::string(trim(code)), clock_.now(), policy_.max_attempts);
        if (data.account && check.outcome != CodeOutcome::none)
            tx.events().record(SecurityEvent{*data.account,
                                             check.outcome == CodeOutcome::valid ? SecurityEventKind::code_used : SecurityEventKind::code_failed,
                                             "recovery"});
    });
    if (!data.account && check.outcome == CodeOutcome::valid) check = CodeCheck{CodeOutcome::invalid, 0};  // never sent
    if (auto ok = accepted(check); !ok) return std::unexpected(ok.error());

    if (data.logged_in) return finish(flow, *data.chosen, "proven");
    if (!data.member_type || !security_question_for(*data.member_type))
        return finish(flow, Channel::letter, "no_online_check");  // tiers (seed 004)
    if (auto moved = move(flow, State::security_question); !moved) return std::unexpected(moved.error());
    return show(flow);
}

Result<FlowView> Recovery::answer_question(const std::string& flow_id, const std::string& answer_text) {
    auto flow = load(flow_id, State::security_question);
    if (!flow) return std::unexpected(flow.error());
    return judge_answer(*flow, answer_text);
}

Result<FlowView> Recovery::judge_answer(Flow& flow, const std::string& answer_text) {
    // One answer: counted (and committed) first, so answers sent in parallel do not get a try each.
    int tries = 0;
    std::optional<AccountProfile> profile;
    uow_.autocommit([&](Transaction& tx) {
        tries = tx.flows().count_attempt(flow.record.id);
        if (tries == 1 && flow.data.account) profile = tx.accounts().profile(*flow.data.account);
    });
    if (tries > 1) return fail(ErrorCode::too_many_attempts, "une seule réponse est possible", "answer");
    if (!profile) return fail(ErrorCode::not_found);
    if (security_answer_matches(profile->member, answer_text, clock_.today())) return finish(flow, *flow.data.chosen, "answered");
    return finish(flow, Channel::letter, "answer_wrong");  // seed 004: "si contrôle KO"
}

Result<FlowView> Recovery::finish(Flow& flow, Channel channel, const std::string& reason) {
    const auto temporary = generate_temporary_password(random_);
    const auto hash = hasher_.hash(temporary);  // slow: before the transaction (also for a decoy: same time)
    const auto now = clock_.now();
    const auto& data = flow.data;
    flow.data.outcome = channel;
    flow.data.outcome_reason = reason;
    flow.data.outcome_destination = channel == Channel::letter ? "courrier" : data.chosen_destination;
    const auto to = channel == Channel::letter ? State::letter_sent : State::temp_password_sent;
    auto moved = move(flow, to, [&](Transaction& tx) -> Result<void> {
        if (!data.account) return channel == Channel::letter ? count_decoy_letter(tx, rules_, data.decoy, now) : Result<void>{};
        const auto account = *data.account;
        const auto profile = tx.accounts().profile(account);
        if (!profile) return fail(ErrorCode::not_found);
        const auto d = destinations_of(*profile);
        // A letter is proved by being received: it waits beside the current password (SPEC.md §3.4).
        const bool proven = channel != Channel::letter;
        auto sent = deliver_temporary_password(tx, rules_, account, d, channel, temporary, hash, now,
                                               proven ? TemporaryPassword::replaces : TemporaryPassword::waits);
        if (!sent) return std::unexpected(sent.error());
        tx.events().record(SecurityEvent{account, SecurityEventKind::temporary_password_sent,
                                         "recovery (" + reason + "), " + std::string(to_string(channel)) + " " + *sent});
        // A letter the member did not choose: the chosen channel says it is coming (seed 004).
        if (channel == Channel::letter && data.chosen) {
            const MessageParams params{{"first_name", d.first_name}};
            if (data.chosen == Channel::sms && d.mobile)
                tx.notifier().enqueue(OutgoingMessage{Channel::sms, d.mobile->e164(), MessageKind::letter_on_its_way, params});
            else if (data.chosen == Channel::email && d.email)
                tx.notifier().enqueue(OutgoingMessage{Channel::email, *d.email, MessageKind::letter_on_its_way, params});
        }
        // The member proved a channel: the lock and the failure count of the NIR go, as with an
        // unlock. A letter lifts them when its password is first used.
        const IdentifierKey nir{data.nir};
        if (!proven) return {};
        if (tx.throttle().is_locked(nir)) tx.events().record(SecurityEvent{account, SecurityEventKind::account_unlocked, "recovery"});
        tx.throttle().set_locked(nir, false);
        return {};
    });
    if (!moved) return std::unexpected(moved.error());
    return show(flow);
}

FlowView Recovery::show(const Flow& flow) const {
    auto v = base_view(flow);
    const auto& data = flow.data;
    const auto by = [](std::optional<Channel> channel, const std::string& to) {
        return TextParams{{"by", text(channel == Channel::sms ? Text::by_sms : Text::by_email, {{"destination", to}})}};
    };
    const auto channel_name = [](std::optional<Channel> c) { return c ? std::string(to_string(*c)) : std::string(); };
    switch (flow.state) {
        case State::choose_channel:
            v.channels = data.channels;
            break;
        case State::code_sent:
            v.channels.push_back({channel_name(data.chosen), data.chosen_destination});
            v.messages.push_back({"code_sent", text(Text::recovery_code_sent, by(data.chosen, data.chosen_destination))});
            break;
        case State::security_question:
            if (data.member_type)
                if (const auto q = security_question_for(*data.member_type)) v.question = FlowQuestion{q->kind, q->label};
            break;
        case State::temp_password_sent:
            v.channels.push_back({channel_name(data.outcome), data.outcome_destination});
            v.messages.push_back({"temp_password_sent", text(Text::recovery_temp_password_sent, by(data.outcome, data.outcome_destination))});
            break;
        case State::letter_sent:
            if (data.outcome_reason == "answer_wrong")
                v.messages.push_back({"identity_not_verified", text(Text::recovery_not_verified_answer)});
            else if (data.outcome_reason == "no_online_check")
                v.messages.push_back({"identity_not_verified", text(Text::recovery_not_verified_offline)});
            v.channels.push_back({"letter", "courrier"});
            v.messages.push_back({"letter_sent", text(Text::letter_sent)});
            if (data.outcome_reason != "chosen" && data.chosen)
                v.messages.push_back({"letter_notice", text(Text::recovery_letter_notice, by(data.chosen, data.chosen_destination))});
            break;
        case State::link_sent:
            v.channels.push_back({"email", data.chosen_destination});
            v.messages.push_back({"link_sent", text(Text::recovery_link_sent, {{"destination", data.chosen_destination}})});
            break;
    }
    return v;
}

}  // namespace guichet
