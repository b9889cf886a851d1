#include "service/identifier_switch/identifier_switch.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "service/accounts/channels.hpp"
#include "service/identities/identity_proof.hpp"

namespace guichet {

namespace {

constexpr const char* kChooseEmail = "choose_email";
constexpr const char* kNewCredentials = "new_credentials";
constexpr const char* kConnectPassword = "connect_password";
constexpr const char* kValidationSent = "validation_sent";
constexpr const char* kDone = "done";

// What the switch completes in every session of the account: the switch itself, and a temporary
// password's personalisation (the identity's password, chosen or proven, is the account's now).
const std::vector<RequiredAction> kCompleted{RequiredAction::switch_identifier, RequiredAction::change_password};

Error already_used() {
    return Error(ErrorCode::email_already_used, "choisissez une autre adresse email", "email");
}

Email email_of(const nlohmann::json& data) {
    auto email = Email::parse(data.at("email").get<std::string>());
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
void make_switch(Transaction& tx, const nlohmann::json& data, const std::string& how) {
    const auto account = data.at("account_id").get<AccountId>();
    const auto email = email_of(data);
    const auto before = tx.accounts().profile(account);
    IdentityId identity = 0;
    if (data.contains("identity_id")) {
        identity = data["identity_id"].get<IdentityId>();
        const auto found = tx.identities().find(identity);
        if (!found || found->account_id) throw Refused{already_used()};
    } else {
        // The email is proven: the proposed contact email (seed 002 sends no validation for it),
        // or the validation link was followed.
        const auto created = tx.identities().create(NewIdentity{email, data.at("password_hash").get<std::string>(),
                                                                data.at("secret_question").get<std::string>(),
                                                                data.at("secret_answer_hash").get<std::string>(), true});
        if (!created) throw Refused{already_used()};  // another member took it since the email step
        identity = *created;
    }
    if (!tx.accounts().switch_to_identity(account, identity)) {
        const auto found = tx.identities().find(identity);
        if (found && found->account_id && *found->account_id != account) throw Refused{already_used()};
        throw Refused{Error(ErrorCode::identifier_migrated, "le changement d'identifiant est déjà fait")};
    }
    tx.sessions().drop_required_actions(account, kCompleted);
    tx.events().record(SecurityEvent{account, SecurityEventKind::identifier_switched, how + ", " + email.masked()});
    if (before) notify_contacts(tx, *before, email);
}

}  // namespace

Result<FlowView> IdentifierSwitch::start(const AuthenticatedSession& session) {
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

    nlohmann::json data{{"account_id", profile->account.id}};
    if (proposed) data["proposed"] = proposed->lookup_key();
    FlowRecord flow{new_flow_id(random_), type, kChooseEmail, 0, data.dump(), clock_.now() + policy_.flow_lifetime};
    uow_.run([&](Transaction& tx) { tx.flows().create(flow); });
    return view(flow);
}

Result<FlowRecord> IdentifierSwitch::load(const AuthenticatedSession& session, const std::string& flow_id, const char* state) {
    auto flow = flows_.load_at(flow_id, type, state);
    if (!flow) return flow;
    if (nlohmann::json::parse(flow->data).at("account_id").get<AccountId>() != session.claims.account_id)
        return fail(ErrorCode::not_found, "aucune démarche de ce compte avec cet identifiant");
    return flow;
}

Result<SwitchStep> IdentifierSwitch::choose_email(const AuthenticatedSession& session, const std::string& flow_id,
                                                  const std::string& email_text) {
    auto flow = load(session, flow_id, kChooseEmail);
    if (!flow) return std::unexpected(flow.error());
    const auto email = Email::parse(email_text);
    if (!email) return fail(ErrorCode::invalid_email, email.error().detail, "email");

    // Every email tried is counted first, atomically: the answer tells whether an address already
    // identifies someone, so a flow may ask that only a few times.
    int tries = 0;
    std::optional<ConnectIdentity> identity;
    uow_.autocommit([&](Transaction& tx) {
        tries = tx.flows().count_attempt(flow->id);
        if (tries <= policy_.email_tries) identity = tx.identities().find_by_email(*email);
    });
    if (tries > policy_.email_tries)
        return fail(ErrorCode::too_many_attempts, "recommencez le changement d'identifiant (POST /v1/flows/identifier-switch)");
    if (identity && identity->account_id) return std::unexpected(already_used());

    auto data = nlohmann::json::parse(flow->data);
    data["email"] = email->lookup_key();
    const char* next = kNewCredentials;
    if (identity) {  // seed 002: "Votre adresse email correspond à un identifiant MGEN Connect existant ?"
        data["identity_id"] = identity->id;
        next = kConnectPassword;
    }
    bool moved = false;
    uow_.run([&](Transaction& tx) { moved = tx.flows().advance(flow->id, kChooseEmail, next, data.dump()); });
    if (!moved) return fail(ErrorCode::step_not_allowed, "cette étape a déjà été envoyée");
    flow->state = next;
    flow->attempts = 0;
    flow->data = data.dump();
    return SwitchStep{view(*flow)};
}

Result<SwitchStep> IdentifierSwitch::submit_credentials(const AuthenticatedSession& session, const std::string& flow_id,
                                                        const CredentialsInput& credentials) {
    auto flow = load(session, flow_id, kNewCredentials);
    if (!flow) return std::unexpected(flow.error());
    auto data = nlohmann::json::parse(flow->data);
    const auto email = email_of(data);

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
    if (auto ok = check_new_credentials(strength_, credentials, context); !ok) return std::unexpected(ok.error());
    if (taken) return std::unexpected(already_used());  // checked again when the switch is made; this spares the hashes

    const auto hashed = hash_credentials(hasher_, credentials);  // slow: outside any transaction
    data["password_hash"] = hashed.password_hash;
    data["secret_question"] = hashed.secret_question;
    data["secret_answer_hash"] = hashed.secret_answer_hash;
    flow->data = data.dump();
    return finish(session, std::move(*flow), kNewCredentials);
}

Result<SwitchStep> IdentifierSwitch::prove_connect_password(const AuthenticatedSession& session, const std::string& flow_id,
                                                            const std::string& password) {
    auto flow = load(session, flow_id, kConnectPassword);
    if (!flow) return std::unexpected(flow.error());
    const auto data = nlohmann::json::parse(flow->data);

    // Counted towards the identity's lockout like a login; a locked identity mails a reset link.
    IdentityProof proof(uow_, hasher_, random_, clock_, lockout_);
    const auto identity = proof.prove(email_of(data), password);
    if (!identity) return std::unexpected(identity.error());
    if (identity->account_id || identity->id != data.at("identity_id").get<IdentityId>()) return std::unexpected(already_used());
    if (!identity->validated) {
        // Seed 002: "Vous allez recevoir un email avec un lien pour réinitialiser votre mot de passe",
        // then log in again with the NIR to resume the switch.
        uow_.run([&](Transaction& tx) { mail_reset_link(tx, *identity, random_, clock_); });
        return fail(ErrorCode::connect_identity_not_validated,
                    "un lien pour réinitialiser votre mot de passe vous est envoyé par email ; reconnectez-vous ensuite "
                    "avec votre numéro de sécurité sociale pour reprendre le changement d'identifiant");
    }
    return finish(session, std::move(*flow), kConnectPassword);
}

Result<SwitchStep> IdentifierSwitch::finish(const AuthenticatedSession& session, FlowRecord flow, const std::string& from) {
    const auto data = nlohmann::json::parse(flow.data);
    const auto email = email_of(data);
    const auto account = data.at("account_id").get<AccountId>();
    // Seed 002: "Si vous choisissez comme identifiant une autre adresse email que celle proposée
    // par défaut, vous recevrez un email de validation."
    const bool proposed = data.value("proposed", "") == email.lookup_key();
    try {
        uow_.run([&](Transaction& tx) {
            const char* to = proposed ? kDone : kValidationSent;
            if (!tx.flows().advance(flow.id, from, to, flow.data))
                throw Refused{Error(ErrorCode::step_not_allowed, "cette étape a déjà été envoyée")};
            flow.state = to;
            if (proposed) {
                make_switch(tx, data, "proposed contact email");
                return;
            }
            // The flow keeps the credentials until the link is followed, and lives as long as it.
            flow.expires_at = clock_.now() + policy_.validation_link_lifetime;
            tx.flows().extend(flow.id, flow.expires_at);
            const auto token = random_token(random_, 32);
            tx.links().issue(LinkPurpose::email_validation, token, LinkSubject{account, std::nullopt, flow.id}, flow.expires_at);
            MessageParams params{{"token", token}, {"email", email.value()}};
            if (const auto profile = tx.accounts().profile(account)) params["first_name"] = profile->member.first_name;
            tx.notifier().enqueue(OutgoingMessage{Channel::email, email.value(), MessageKind::identifier_validation_link, params});
            tx.events().record(SecurityEvent{account, SecurityEventKind::identifier_validation_sent, email.masked()});
        });
    } catch (const Refused& refused) {
        return std::unexpected(refused.error);
    }
    SwitchStep step{view(flow)};
    if (proposed) {
        auto remaining = session.claims.required_actions;
        std::erase_if(remaining, [](RequiredAction a) { return std::ranges::find(kCompleted, a) != kCompleted.end(); });
        step.access = sessions_.reissue(session, std::move(remaining));
    }
    return step;
}

Result<SessionTokens> IdentifierSwitch::validate_email(const std::string& token) {
    if (token.empty() || token.size() > 128) return fail(ErrorCode::link_expired);
    std::optional<AccountId> account;
    try {
        uow_.run([&](Transaction& tx) {
            const auto use = tx.links().consume(LinkPurpose::email_validation, token, clock_.now());
            if (use.state != LinkState::valid || !use.subject.flow) return;
            const auto flow = tx.flows().find(*use.subject.flow);
            if (!flow || flow->type != type || !tx.flows().advance(flow->id, kValidationSent, kDone, flow->data)) return;
            const auto data = nlohmann::json::parse(flow->data);
            make_switch(tx, data, "validation link");
            account = data.at("account_id").get<AccountId>();
        });
    } catch (const Refused& refused) {
        return std::unexpected(refused.error);
    }
    if (!account) return fail(ErrorCode::link_expired);
    // Seed 002: "cliquer sur le lien … pour valider votre nouvel identifiant et accéder à votre
    // Espace personnel".
    return sessions_.start(*account, "email validation link");
}

FlowView IdentifierSwitch::view(const FlowRecord& flow) const {
    FlowView v{flow.id, flow.type, flow.state, flow.expires_at, {}, {}};
    const auto data = nlohmann::json::parse(flow.data);
    const auto connect = "identifiant " + policy_.brand + " Connect";
    const std::string email = data.value("email", "");
    const auto masked = [&] { return masked_email(email); };
    if (flow.state == kChooseEmail) {
        if (data.contains("proposed")) v.proposed_email = data["proposed"].get<std::string>();
        if (flow.attempts < policy_.email_tries) v.next_steps.push_back({"email", {"email"}});
        else v.messages.push_back({"too_many_attempts", "Trop de tentatives. Veuillez recommencer le changement d'identifiant."});
        v.messages.push_back(
            {"choose_email", "Indiquez l'adresse email que vous souhaitez utiliser comme identifiant de connexion à votre Espace "
                             "personnel (votre " + connect + "). Par défaut, votre adresse de contact vous est proposée, si elle "
                             "n'a pas déjà été utilisée pour un autre Espace personnel : une adresse email ne peut être utilisée "
                             "comme identifiant que pour un seul Espace personnel. Si vous en choisissez une autre, vous recevrez "
                             "un email de validation."});
        v.messages.push_back(
            {"no_email", "Vous n'avez pas d'adresse email ? Afin de pouvoir procéder au changement d'identifiant, vous devez "
                         "posséder une adresse email personnelle. Vous pouvez en créer une gratuitement et rapidement auprès "
                         "de votre fournisseur d'accès à internet ou d'un hébergeur (exemples : Gmail, Outlook et Yahoo! Mail)."});
    } else if (flow.state == kNewCredentials) {
        v.next_steps.push_back({"credentials", {"password", "password_confirmation", "secret_question_id", "secret_answer"}});
        v.messages.push_back(
            {"new_credentials", "Adresse email : " + email + ". Renseignez votre nouveau mot de passe, choisissez une question "
                                "secrète et indiquez votre réponse. Ces derniers éléments vous seront demandés en cas d'oubli "
                                "de mot de passe ou de déblocage de votre compte, pensez bien à les mémoriser."});
    } else if (flow.state == kConnectPassword) {
        v.next_steps.push_back({"connect_password", {"password"}});
        v.messages.push_back({"connect_password", "L'adresse email " + email + " correspond à un " + connect +
                                                      " existant. Il vous suffit de vous authentifier en renseignant le mot de "
                                                      "passe de votre compte " + policy_.brand + " Connect."});
        v.messages.push_back(
            {"forgotten_password", "Vous ne vous souvenez pas de ce mot de passe ? Demandez un lien pour le réinitialiser "
                                   "(« Mot de passe oublié ? » avec cette adresse), puis reconnectez-vous avec votre numéro "
                                   "de sécurité sociale pour reprendre le changement d'identifiant."});
    } else if (flow.state == kValidationSent) {
        v.messages.push_back({"validation_sent", "Un email de validation vous a été envoyé à l'adresse " + masked() +
                                                     ". Cliquez sur le lien qu'il contient, valable 24 heures, pour valider "
                                                     "votre nouvel identifiant et accéder à votre Espace personnel."});
    } else if (flow.state == kDone) {
        v.messages.push_back({"identifier_switched", "Votre identifiant de connexion est désormais l'adresse email " + masked() +
                                                         " (votre " + connect + "). Connectez-vous avec cette adresse et le mot "
                                                         "de passe qui lui est associé : votre numéro de sécurité sociale ne "
                                                         "permet plus de vous connecter."});
    }
    return v;
}

}  // namespace guichet
