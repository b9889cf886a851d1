#include "service/identifier_switch/identifier_switch.hpp"

#include <algorithm>

#include "domain/texts/catalogue.hpp"
#include "service/accounts/channels.hpp"
#include "service/identities/identity_proof.hpp"
#include "service/limits/abuse_limits.hpp"

namespace guichet {

namespace {

using State = SwitchState;

// What the switch completes in every session of the account: the switch itself, and a temporary
// password's personalisation (the identity's password, chosen or proven, is the account's now).
const std::vector<RequiredAction> kCompleted{RequiredAction::switch_identifier, RequiredAction::change_password};

Error already_used() {
    return Error(ErrorCode::email_already_used, "choisissez une autre adresse email", "email");
}

// The flow is the account's that started it: another session sees no such flow.
Result<void> owned_by(const SwitchData& data, const AuthenticatedSession& session) {
    if (data.account_id != session.claims.account_id)
        return fail(ErrorCode::not_found, "aucune démarche de ce compte avec cet identifiant");
    return {};
}

Email email_of(const SwitchData& data) {
    auto email = Email::parse(data.email);
    if (!email) throw std::runtime_error("identifier switch: flow data");
    return *email;
}

// Tells the member on the contacts they had before (email and mobile), so that a switch made by
// someone who knew the NIR and its password does not go unseen.
void notify_contacts(Transaction& tx, const AccountProfile& before, const Email& identifier) {
    const auto to = destinations_of(before);
    const MessageParams params{{"email", identifier.masked()}, {"first_name", to.first_name}};
    if (to.email) tx.notifier().enqueue(OutgoingMessage{Channel::email, *to.email, MessageKind::identifier_changed, params});
    if (to.mobile) tx.notifier().enqueue(OutgoingMessage{Channel::sms, to.mobile->e164(), MessageKind::identifier_changed, params});
}

// Makes the switch in `tx`: the identity (created from the flow's credentials, or the one whose
// password was proven) identifies the account from now on. Refused when someone was faster.
// The account's password is replaced, so every session but `keep_session` ends (SPEC.md §8).
Result<void> make_switch(Transaction& tx, const SwitchData& data, const std::string& how, const std::string& keep_session) {
    const auto account = data.account_id;
    const auto email = email_of(data);
    const auto before = tx.accounts().profile(account);
    IdentityId identity = 0;
    if (data.identity_id) {
        identity = *data.identity_id;
        const auto found = tx.identities().find(identity);
        if (!found || found->account_id) return std::unexpected(already_used());
    } else {
        // The email is proven: the proposed contact email (seed 002 sends no validation for it),
        // or the validation link was followed.
        const auto created =
            tx.identities().create(NewIdentity{email, data.credentials.password_hash, data.credentials.secret_question,
                                                           data.credentials.secret_answer_hash, true});
        if (!created) return std::unexpected(already_used());  // another member took it since the email step
        identity = *created;
    }
    if (!tx.accounts().switch_to_identity(account, identity)) {
        const auto found = tx.identities().find(identity);
        if (found && found->account_id && *found->account_id != account) return std::unexpected(already_used());
        return fail(ErrorCode::identifier_migrated, "le changement d'identifiant est déjà fait");
    }
    tx.sessions().revoke_all(account, keep_session);
    tx.sessions().drop_required_actions(account, kCompleted);
    tx.events().record(SecurityEvent{account, SecurityEventKind::identifier_switched, how + ", " + email.masked()});
    if (before) notify_contacts(tx, *before, email);
    return {};
}

}  // namespace

void SwitchData::fields(FlowFields& f) {
    f.number("account_id", account_id);
    f.text("proposed", proposed);
    f.flag("proposed_trusted", proposed_trusted);
    f.text("email", email);
    f.number("identity_id", identity_id);
    f.text("session_id", session_id);
    credentials.fields(f);
}

IdentifierSwitch::IdentifierSwitch(UnitOfWork& uow, Flows& flows, Sessions& sessions, const PasswordHasher& hasher,
                                   const PasswordStrengthCheck& strength, RandomSource& random, const Clock& clock,
                                   const Rules& rules, std::string brand)
    : FlowType(flows, random, type, "identifier-switch",
               {{State::choose_email, "choose_email"},
                {State::new_credentials, "new_credentials"},
                {State::connect_password, "connect_password"},
                {State::validation_sent, "validation_sent"},
                {State::done, "done"}}),
      uow_(uow), sessions_(sessions), hasher_(hasher), strength_(strength), clock_(clock), rules_(rules),
      policy_(rules.identifier_switch), brand_(std::move(brand)) {
    // The flow is the account's: the start and every step need the session that may make the switch.
    starts_with({"start", {}}, [this](const StepInput& in) -> Result<StepAnswer> {
        const auto session = sessions_.authenticate(in.bearer_token, Sessions::Scope::required_actions);
        if (!session) return std::unexpected(session.error());
        return answer(start(*session));
    });
    guarded_by([this](const Flow& flow, StepInput& in) -> Result<void> {
        auto session = sessions_.authenticate(in.bearer_token, Sessions::Scope::required_actions);
        if (!session) return std::unexpected(session.error());
        if (auto own = owned_by(flow.data, *session); !own) return own;
        in.session = std::move(*session);
        return {};
    });
    step(State::choose_email, {"email", {{"email", 254}}},
         [this](Flow& flow, const StepInput& in) { return email(*in.session, flow, in.text("email")); });
    step(State::new_credentials,
         {"credentials",
          {{"current_password", 1024, false},
           {"password", 1024},
           {"password_confirmation", 1024, false},
           {"secret_question_id", 64, false},
           {"secret_answer", 200, false}},
          StepCost::hashing},
         [this](Flow& flow, const StepInput& in) {
             return credentials(*in.session, flow, in.optional("current_password"),
                                CredentialsInput{in.text("password"), in.optional("password_confirmation"),
                                                 in.optional("secret_question_id"), in.optional("secret_answer")});
         });
    // Verifies the Connect identity's password (and the account's current one).
    step(State::connect_password, {"connect_password", {{"current_password", 1024, false}, {"password", 1024}}, StepCost::hashing},
         [this](Flow& flow, const StepInput& in) {
             return connect_password(*in.session, flow, in.optional("current_password"), in.text("password"));
         });
}

Result<FlowView> IdentifierSwitch::start(const AuthenticatedSession& session) {
    // Seed 002 comes after the first login's personalisation (SPEC.md §8: required actions in order).
    const auto& pending = session.claims.required_actions;
    if (!pending.empty() && pending.front() != RequiredAction::switch_identifier)
        return fail(ErrorCode::forbidden, "étape suivante d'abord : " + std::string(to_string(pending.front())));
    std::optional<AccountProfile> profile;
    std::optional<Email> proposed;
    uow_.autocommit([&](Transaction& tx) {
        profile = tx.accounts().profile(session.claims.account_id);
        if (!profile || profile->account.migrated) return;
        // Seed 002: "Par défaut, votre adresse de contact vous sera proposée": where the service
        // writes to the member (the address they confirmed, else the registry's).
        const auto contact = destinations_of(*profile).email;
        if (!contact) return;
        const auto email = Email::parse(*contact);
        if (!email) return;
        const auto identity = tx.identities().find_by_email(*email);
        if (!identity || !identity->account_id) proposed = *email;  // free, or a Connect identity of no account
    });
    if (!profile) return fail(ErrorCode::unauthorized, "session terminée");
    if (profile->account.migrated) return fail(ErrorCode::identifier_migrated, "ce compte se connecte déjà avec son adresse email");

    SwitchData data;
    data.account_id = profile->account.id;
    if (proposed) {
        data.proposed = proposed->lookup_key();
        const auto& registry = profile->member.email;
        data.proposed_trusted = (profile->account.contact_email && profile->account.email_verified) ||
                                (registry && registry->lookup_key() == proposed->lookup_key());
    }
    return show(open(State::choose_email, std::move(data), policy_.flow_lifetime));
}

Result<IdentifierSwitch::Flow> IdentifierSwitch::load_own(const AuthenticatedSession& session, const std::string& flow_id, State state) {
    auto flow = load(flow_id, state);
    if (!flow) return flow;
    if (auto own = owned_by(flow->data, session); !own) return std::unexpected(own.error());
    return flow;
}

Result<StepAnswer> IdentifierSwitch::choose_email(const AuthenticatedSession& session, const std::string& flow_id,
                                                  const std::string& email_text) {
    auto flow = load_own(session, flow_id, State::choose_email);
    if (!flow) return std::unexpected(flow.error());
    return email(session, *flow, email_text);
}

Result<StepAnswer> IdentifierSwitch::submit_credentials(const AuthenticatedSession& session, const std::string& flow_id,
                                                        const std::optional<std::string>& current_password, const CredentialsInput& input) {
    auto flow = load_own(session, flow_id, State::new_credentials);
    if (!flow) return std::unexpected(flow.error());
    return credentials(session, *flow, current_password, input);
}

Result<StepAnswer> IdentifierSwitch::prove_connect_password(const AuthenticatedSession& session, const std::string& flow_id,
                                                            const std::optional<std::string>& current_password,
                                                            const std::string& password) {
    auto flow = load_own(session, flow_id, State::connect_password);
    if (!flow) return std::unexpected(flow.error());
    return connect_password(session, *flow, current_password, password);
}

Result<void> IdentifierSwitch::reauthenticate(const AuthenticatedSession& session, const std::optional<std::string>& current_password) {
    // Like a password change: a session opened with a temporary password (still to personalise)
    // has just proved it; any other must give the current password, counted like a login.
    const auto& actions = session.claims.required_actions;
    if (std::ranges::find(actions, RequiredAction::change_password) != actions.end()) return {};
    std::optional<AccountCredentials> account;
    uow_.run([&](Transaction& tx) { account = tx.accounts().credentials(session.claims.account_id); });
    if (!account) return fail(ErrorCode::unauthorized, "session terminée");
    return check_current_password(uow_, hasher_, rules_, *account, current_password);
}

Result<StepAnswer> IdentifierSwitch::email(const AuthenticatedSession&, Flow& flow, const std::string& email_text) {
    const auto email = Email::parse(email_text);
    if (!email) return fail(ErrorCode::invalid_email, email.error().detail, "email");

    // Every email tried is counted first, atomically: the answer tells whether an address already
    // identifies someone, so a flow may ask that only a few times.
    int tries = 0;
    std::optional<ConnectIdentity> identity;
    uow_.autocommit([&](Transaction& tx) {
        tries = tx.flows().count_attempt(flow.record.id);
        if (tries <= policy_.email_tries) identity = tx.identities().find_by_email(*email);
    });
    if (tries > policy_.email_tries)
        return fail(ErrorCode::too_many_attempts, "recommencez le changement d'identifiant (POST /v1/flows/identifier-switch)");
    if (identity && identity->account_id) return std::unexpected(already_used());

    flow.data.email = email->lookup_key();
    auto next = State::new_credentials;
    if (identity) {  // seed 002: "Votre adresse email correspond à un identifiant MGEN Connect existant ?"
        flow.data.identity_id = identity->id;
        next = State::connect_password;
    }
    if (auto moved = move(flow, next); !moved) return std::unexpected(moved.error());
    return StepAnswer{show(flow)};
}

Result<StepAnswer> IdentifierSwitch::credentials(const AuthenticatedSession& session, Flow& flow,
                                                 const std::optional<std::string>& current_password, const CredentialsInput& input) {
    if (auto ok = reauthenticate(session, current_password); !ok) return std::unexpected(ok.error());
    const auto email = email_of(flow.data);
    std::optional<AccountProfile> profile;
    std::optional<ConnectIdentity> taken;
    uow_.autocommit([&](Transaction& tx) {
        profile = tx.accounts().profile(session.claims.account_id);
        taken = tx.identities().find_by_email(email);
    });
    if (!profile) return fail(ErrorCode::unauthorized, "session terminée");
    const auto& member = profile->member;
    const StrengthContext context{email.value(), member.last_name, member.first_name, member.birth_date.french(),
                                  profile->account.nir.value()};
    if (auto ok = check_new_credentials(strength_, input, context); !ok) return std::unexpected(ok.error());
    if (taken) return std::unexpected(already_used());  // checked again when the switch is made; this spares the hashes

    flow.data.credentials = hash_credentials(hasher_, input);  // slow: outside any transaction
    return finish(session, flow);
}

Result<StepAnswer> IdentifierSwitch::connect_password(const AuthenticatedSession& session, Flow& flow,
                                                      const std::optional<std::string>& current_password, const std::string& password) {
    if (auto ok = reauthenticate(session, current_password); !ok) return std::unexpected(ok.error());
    // Counted towards the identity's lockout like a login; a locked identity mails a reset link.
    IdentityProof proof(uow_, hasher_, random_, clock_, rules_);
    const auto identity = proof.prove(email_of(flow.data), password);
    if (!identity) return std::unexpected(identity.error());
    if (identity->account_id || identity->id != flow.data.identity_id) return std::unexpected(already_used());
    if (!identity->validated) {
        // Seed 002: "Vous allez recevoir un email avec un lien pour réinitialiser votre mot de passe",
        // then log in again with the NIR to resume the switch.
        uow_.run([&](Transaction& tx) { static_cast<void>(mail_reset_link(tx, *identity, random_, clock_, rules_)); });
        return fail(ErrorCode::connect_identity_not_validated,
                    "un lien pour réinitialiser votre mot de passe vous est envoyé par email ; reconnectez-vous ensuite "
                    "avec votre numéro de sécurité sociale pour reprendre le changement d'identifiant");
    }
    return finish(session, flow);
}

Result<StepAnswer> IdentifierSwitch::finish(const AuthenticatedSession& session, Flow& flow) {
    flow.data.session_id = session.claims.session_id;  // it re-authenticated: it outlives the switch
    const auto email = email_of(flow.data);
    const auto account = flow.data.account_id;
    // Seed 002: "Si vous choisissez comme identifiant une autre adresse email que celle proposée
    // par défaut, vous recevrez un email de validation."
    const bool proposed = flow.data.proposed_trusted && flow.data.proposed == email.lookup_key();
    // The flow keeps the credentials until the link is followed, and lives as long as it.
    const auto link_expiry = clock_.now() + policy_.validation_link_lifetime;
    const auto data = flow.data;
    auto moved = move(flow, proposed ? State::done : State::validation_sent, [&](Transaction& tx) -> Result<void> {
        if (proposed) return make_switch(tx, data, "proposed contact email", session.claims.session_id);
        tx.flows().extend(flow.record.id, link_expiry);
        const auto token = random_token(random_, 32);
        tx.links().issue(LinkPurpose::email_validation, token, LinkSubject{account, std::nullopt, flow.record.id}, link_expiry);
        MessageParams params{{"token", token}, {"email", email.value()}};
        if (const auto profile = tx.accounts().profile(account)) params["first_name"] = profile->member.first_name;
        if (auto queued = send_message(tx, rules_, OutgoingMessage{Channel::email, email.value(), MessageKind::identifier_validation_link, params},
                                       clock_.now());
            !queued)
            return queued;
        tx.events().record(SecurityEvent{account, SecurityEventKind::identifier_validation_sent, email.masked()});
        return {};
    });
    if (!moved) return std::unexpected(moved.error());
    if (!proposed) flow.record.expires_at = link_expiry;
    StepAnswer step{show(flow)};
    if (proposed) {
        auto remaining = session.claims.required_actions;
        std::erase_if(remaining, [](RequiredAction a) { return std::ranges::find(kCompleted, a) != kCompleted.end(); });
        step.access = sessions_.reissue(session, std::move(remaining));
    }
    return step;
}

Result<SessionTokens> IdentifierSwitch::validate_email(const std::string& token) {
    if (token.empty() || token.size() > 128) return fail(ErrorCode::link_expired);
    AccountId account = 0;
    // The link is used up, the flow moved and the switch made together, or none of them.
    auto done = uow_.attempt([&](Transaction& tx) -> Result<void> {
        const auto use = tx.links().consume(LinkPurpose::email_validation, token, clock_.now());
        if (use.state != LinkState::valid || !use.subject.flow) return fail(ErrorCode::link_expired);
        const auto record = tx.flows().find(*use.subject.flow);
        if (!record || record->type != type) return fail(ErrorCode::link_expired);
        auto flow = decode(*record);
        if (flow.state != State::validation_sent || !advance_in(tx, flow, State::done)) return fail(ErrorCode::link_expired);
        account = flow.data.account_id;
        return make_switch(tx, flow.data, "validation link", flow.data.session_id);
    });
    if (!done) return std::unexpected(done.error());
    // Seed 002: "cliquer sur le lien … pour valider votre nouvel identifiant et accéder à votre
    // Espace personnel".
    return sessions_.start(account, "email validation link");
}

FlowView IdentifierSwitch::show(const Flow& flow) const {
    auto v = base_view(flow);
    const auto& data = flow.data;
    const TextParams params{{"brand", brand_}, {"email", data.email}, {"destination", masked_email(data.email)}};
    const auto say = [&](std::string code, Text t) { v.messages.push_back({std::move(code), text(t, params)}); };
    switch (flow.state) {
        case State::choose_email:
            v.proposed_email = data.proposed;
            if (flow.record.attempts >= policy_.email_tries) {
                v.next_steps.clear();
                say("too_many_attempts", Text::switch_too_many_attempts);
            }
            say("choose_email", Text::switch_choose_email);
            say("no_email", Text::switch_no_email);
            break;
        case State::new_credentials: say("new_credentials", Text::switch_new_credentials); break;
        case State::connect_password:
            say("connect_password", Text::switch_connect_password);
            say("forgotten_password", Text::switch_forgotten_password);
            break;
        case State::validation_sent: say("validation_sent", Text::switch_validation_sent); break;
        case State::done: say("identifier_switched", Text::switch_done); break;
    }
    return v;
}

}  // namespace guichet
