#include "service/registration/registration.hpp"

#include "domain/folding.hpp"
#include "domain/text.hpp"
#include "domain/texts/catalogue.hpp"
#include "service/identities/identity_proof.hpp"
#include "service/identities/new_credentials.hpp"

namespace guichet {

namespace {

using State = RegistrationState;

std::string plural_tries(int n) { return text(n > 1 ? Text::tries_many : Text::tries_one, {{"count", std::to_string(n)}}); }

bool is_key_shaped(std::string_view key) {
    if (key.empty() || key.size() > 2) return false;
    for (const char c : key)
        if (c < '0' || c > '9') return false;
    return true;
}

Result<Email> parse_email(const std::string& text) {
    auto email = Email::parse(text);
    if (!email) return fail(ErrorCode::invalid_email, email.error().detail, "email");
    return email;
}

}  // namespace

void RegistrationData::fields(FlowFields& f) {
    f.text("nir", nir);
    f.text("mode", mode);
    f.text("email", email);
    f.number("identity_id", identity_id);
    credentials.fields(f);
}

Registration::Registration(UnitOfWork& uow, Flows& flows, const PasswordHasher& hasher, const PasswordStrengthCheck& strength,
                           RandomSource& random, const Clock& clock, const Rules& rules)
    : FlowType(flows, random, type, "registration",
               {{State::identity, "identity"}, {State::personal_info, "personal_info"}, {State::activation_sent, "activation_sent"}}),
      uow_(uow), hasher_(hasher), strength_(strength), clock_(clock), rules_(rules), checks_(uow, clock, rules), policy_(rules.registration) {
    starts_with({"start", {{"nir", 32}}}, [this](const StepInput& in) { return answer(start(in.text("nir"))); });
    // Hashes the new password and secret answer, or verifies an existing identity's password.
    step(State::identity,
         {"identity",
          {{"mode", 16}, {"email", 254}, {"password", 1024}, {"password_confirmation", 1024, false},
           {"secret_question_id", 64, false}, {"secret_answer", 200, false}},
          StepCost::hashing},
         [this](Flow& flow, const StepInput& in) {
             return answer(identity(flow, IdentityStep{in.text("mode"), in.text("email"), in.text("password"),
                                                       in.optional("password_confirmation"), in.optional("secret_question_id"),
                                                       in.optional("secret_answer")}));
         });
    step(State::personal_info,
         {"personal_info",
          {{"nir_key", 8}, {"last_name", 200}, {"birth_date", 32}, {"mobile_phone", 32, false}, {"landline_phone", 32, false}}},
         [this](Flow& flow, const StepInput& in) {
             return answer(personal_info(flow, PersonalInfoStep{in.text("nir_key"), in.text("last_name"), in.text("birth_date"),
                                                                in.optional("mobile_phone"), in.optional("landline_phone")}));
         });
}

Result<FlowView> Registration::start(const std::string& nir_text) {
    const auto nir = NirBody::parse(nir_text);
    if (!nir) return fail(ErrorCode::invalid_nir, "13 chiffres, sans la clé", "nir");
    RegistrationData data;
    data.nir = nir->value();
    return show(open(State::identity, std::move(data), policy_.flow_lifetime));
}

Result<FlowView> Registration::submit_identity(const std::string& flow_id, const IdentityStep& step) {
    auto flow = load(flow_id, State::identity);
    if (!flow) return std::unexpected(flow.error());
    return identity(*flow, step);
}

Result<FlowView> Registration::identity(Flow& flow, const IdentityStep& step) {
    auto& data = flow.data;
    const auto email = parse_email(step.email);
    if (!email) return std::unexpected(email.error());

    if (step.mode == "existing") {
        // "J'ai déjà un compte MGEN Connect": the identity is linked only once its password is proven.
        IdentityProof proof(uow_, hasher_, random_, clock_, rules_);
        const auto identity = proof.prove(*email, step.password);
        if (!identity) return std::unexpected(identity.error());
        if (identity->account_id)
            return fail(ErrorCode::email_already_used, "cet identifiant est déjà rattaché à un espace personnel", "email");
        data.identity_id = identity->id;
    } else if (step.mode == "new") {
        // "Je n'ai pas encore de compte MGEN Connect": policy, gauge, confirmation, secret question.
        const CredentialsInput input{step.password, step.password_confirmation, step.secret_question_id, step.secret_answer};
        if (auto ok = check_new_credentials(strength_, input, StrengthContext{.email = email->value(), .nir = data.nir}); !ok)
            return std::unexpected(ok.error());
        // Whether the address is already an identity is not said here (SPEC.md §8): the flow goes
        // on alike, the same two hashes, and its owner is told by mail at the last step.
        data.credentials = hash_credentials(hasher_, input);  // slow: outside any transaction
    } else {
        return fail(ErrorCode::validation_error, "« new » ou « existing »", "mode");
    }
    data.mode = step.mode;
    data.email = email->value();
    if (auto moved = move(flow, State::personal_info); !moved) return std::unexpected(moved.error());
    return show(flow);
}

Result<FlowView> Registration::submit_personal_info(const std::string& flow_id, const PersonalInfoStep& step) {
    auto flow = load(flow_id, State::personal_info);
    if (!flow) return std::unexpected(flow.error());
    return personal_info(*flow, step);
}

Result<FlowView> Registration::personal_info(Flow& flow, const PersonalInfoStep& step) {
    const auto& data = flow.data;

    // Input errors first: they cost no try.
    if (!is_key_shaped(trim(step.nir_key))) return fail(ErrorCode::invalid_nir, "la clé : les 2 derniers chiffres", "nir_key");
    const auto birth_date = BirthDate::parse_french(step.birth_date, clock_.today());
    if (!birth_date) return fail(ErrorCode::invalid_birth_date, birth_date.error().detail, "birth_date");
    if (comparable_text(step.last_name).empty()) return fail(ErrorCode::validation_error, "votre nom de famille", "last_name");
    std::optional<Phone> mobile, landline;
    if (step.mobile_phone && !trim(*step.mobile_phone).empty()) {
        auto phone = Phone::parse(*step.mobile_phone);
        if (!phone) return fail(ErrorCode::invalid_phone, phone.error().detail, "mobile_phone");
        mobile = *phone;
    }
    if (step.landline_phone && !trim(*step.landline_phone).empty()) {
        auto phone = Phone::parse(*step.landline_phone);
        if (!phone) return fail(ErrorCode::invalid_phone, phone.error().detail, "landline_phone");
        landline = *phone;
    }

    // A try is counted before the registry is read, atomically, so parallel submissions cannot
    // get more checks than the policy allows.
    const int tries = count_attempt(flow);
    if (tries > policy_.identity_check_tries)
        return fail(ErrorCode::too_many_attempts, "trop d'essais : recommencez la création de votre espace");
    // And per NIR across flows: a new flow per guess would otherwise get 3 more.
    if (auto counted = checks_.count(data.nir); !counted) return std::unexpected(counted.error());

    const auto body = NirBody::parse(data.nir);
    const Result<Nir> nir = body ? Nir::from_body_and_key(*body, trim(step.nir_key)) : Result<Nir>(fail(ErrorCode::invalid_nir));
    const auto email = Email::parse(data.email);
    if (!email) return fail(ErrorCode::internal_error, "flow data");
    auto moved = move(flow, State::activation_sent, [&](Transaction& tx) -> Result<void> {
        const auto left = policy_.identity_check_tries - tries;
        const auto member = nir ? tx.members().find_by_nir(*nir) : std::nullopt;
        if (!member || comparable_text(member->last_name) != comparable_text(step.last_name) ||
            member->birth_date.date() != birth_date->date())
            return fail(left > 0 ? ErrorCode::identity_check_failed : ErrorCode::too_many_attempts,
                        left > 0 ? "il vous reste " + plural_tries(left) : "recommencez la création de votre espace");
        // Checked: the member may now learn about their own account and identity.
        if (tx.accounts().find_legacy_login(nir->body()))
            return fail(ErrorCode::account_already_exists, "connectez-vous, ou utilisez « mot de passe oublié »");

        std::optional<IdentityId> identity;
        if (data.mode == "existing") {
            identity = data.identity_id;
        } else {
            identity = tx.identities().create(NewIdentity{*email, data.credentials.password_hash, data.credentials.secret_question, data.credentials.secret_answer_hash});
            // Already an identity: the answer is the same as for a free address; its owner learns by
            // mail how to link it (nothing is created: only its password can link it).
            if (!identity)
                return send_message(tx, rules_,
                                    OutgoingMessage{Channel::email, email->lookup_key(), MessageKind::identity_already_exists,
                                                    {{"first_name", member->first_name}}},
                                    clock_.now());
        }
        if (!identity) return fail(ErrorCode::internal_error, "flow data");
        const auto account = tx.accounts().create_registered(RegisteredAccount{*nir, *identity, mobile, landline});
        if (!account) return fail(ErrorCode::email_already_used, "cet identifiant est déjà rattaché à un espace personnel", "email");

        const auto token = random_token(random_, 32);
        tx.links().issue(LinkPurpose::activation, token, LinkSubject{*account, *identity}, clock_.now() + policy_.activation_link_lifetime);
        return send_message(tx, rules_,
                            OutgoingMessage{Channel::email, email->lookup_key(), MessageKind::activation_link,
                                            {{"token", token}, {"first_name", member->first_name}, {"last_name", member->last_name}}},
                            clock_.now());
    });
    if (!moved) return std::unexpected(moved.error());
    return show(flow);
}

FlowView Registration::show(const Flow& flow) const {
    auto v = base_view(flow);
    if (flow.state == State::personal_info) {
        const int left = policy_.identity_check_tries - flow.record.attempts;
        if (left > 0) {
            if (flow.record.attempts > 0)
                v.messages.push_back({"identity_check_failed", text(Text::registration_identity_check_failed, {{"tries", plural_tries(left)}})});
        } else {
            v.next_steps.clear();
            v.messages.push_back({"too_many_attempts", text(Text::registration_too_many_attempts)});
        }
    } else if (flow.state == State::activation_sent) {
        const auto email = Email::parse(flow.data.email);
        // Seed 003: "Vous avez 15 jours pour cliquer sur le lien d'activation et finaliser la création
        // de votre espace personnel."
        v.messages.push_back({"activation_sent", text(Text::registration_activation_sent, {{"destination", email ? email->masked() : ""}})});
    }
    return v;
}

Result<Activated> Registration::activate(const std::string& token) {
    Result<Activated> outcome = fail(ErrorCode::link_expired);
    if (token.empty() || token.size() > 128) return outcome;
    uow_.run([&](Transaction& tx) {
        const auto use = tx.links().consume(LinkPurpose::activation, token, clock_.now());
        if (use.state != LinkState::valid || !use.subject.account) return;
        if (!tx.accounts().activate(*use.subject.account)) return;
        outcome = Activated{*use.subject.account};
    });
    return outcome;
}

Result<void> Registration::resend_activation(const std::string& email_text) {
    const auto email = parse_email(email_text);
    if (!email) return std::unexpected(email.error());
    return uow_.attempt([&](Transaction& tx) -> Result<void> {
        const auto now = clock_.now();
        // Every request counts against the address, sent or not, known or not: the answer is the same.
        if (auto counted = count_message(tx, rules_, destination_key(Channel::email, email->lookup_key()), now); !counted) return counted;
        const auto identity = tx.identities().find_by_email(*email);
        if (!identity || !identity->account_id || identity->account_status != "pending_activation") return {};
        const LinkSubject subject{identity->account_id, identity->id};
        if (tx.links().issued_since(LinkPurpose::activation, subject, now - policy_.resend_cooldown)) return {};
        const auto profile = tx.accounts().profile(*identity->account_id);
        const auto token = random_token(random_, 32);
        tx.links().issue(LinkPurpose::activation, token, subject, now + policy_.activation_link_lifetime);
        MessageParams params{{"token", token}};
        if (profile) {
            params["first_name"] = profile->member.first_name;
            params["last_name"] = profile->member.last_name;
        }
        tx.notifier().enqueue(OutgoingMessage{Channel::email, identity->email, MessageKind::activation_link, params});
        return {};
    });
}

}  // namespace guichet
