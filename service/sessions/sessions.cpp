#include "service/sessions/sessions.hpp"

#include <algorithm>

#include "domain/text.hpp"
#include "service/accounts/channels.hpp"
#include "service/identities/identity_proof.hpp"

namespace guichet {

namespace {

// The key the failure counter uses: the 13-character NIR body (typed with or without its key),
// the email's look-up key, or anything else lower-cased, so garbage locks like the rest.
IdentifierKey key_for(const std::string& identifier) {
    const auto text = trim(identifier);
    if (auto body = typed_nir_body(text)) return {body->value()};
    if (auto email = Email::parse(text)) return {email->lookup_key()};
    return {ascii_lower(text)};
}

// The actions the account keeps for its next session (domain/sessions kept_by_account), whatever
// else its stored list may hold.
std::vector<RequiredAction> kept_actions(const LegacyLogin& account) {
    std::vector<RequiredAction> kept;
    for (const auto& name : account.pending_actions)
        if (const auto action = required_action_from(name); action && kept_by_account(*action)) kept.push_back(*action);
    return kept;
}

std::vector<std::string> names_of(const std::vector<RequiredAction>& actions) {
    std::vector<std::string> names;
    for (const auto a : actions) names.emplace_back(to_string(a));
    return names;
}

}  // namespace

SessionTokens Sessions::open_session(AccountId account, std::vector<RequiredAction> actions, const std::string& how, Transaction& tx,
                                     const std::optional<IdentifierKey>& clear) {
    const auto now = clock_.now();
    SessionInfo session{random_token(random_, 16), account, actions, now, now, now + policy_.refresh_lifetime, how};
    const auto refresh = random_token(random_, 32);
    tx.create_session(session, refresh, clear);
    const auto access = signer_.sign(AccessClaims{account, session.id, actions, now + policy_.access_lifetime});
    return SessionTokens{access, refresh, policy_.access_lifetime, std::move(actions)};
}

Result<SessionTokens> Sessions::login(const std::string& identifier, const std::string& password) {
    if (!typed_nir_body(identifier))
        if (const auto email = Email::parse(trim(identifier))) return login_by_email(*email, password);

    const auto key = key_for(identifier);
    const auto nir = typed_nir_body(identifier);
    // The attempt is counted and committed before the hash; the account is read with it.
    CountedLogin attempt;
    uow_.autocommit([&](Transaction& tx) {
        attempt = nir ? tx.count_attempt_and_find(key, *nir) : CountedLogin{tx.throttle().count_attempt(key), std::nullopt};
    });
    const int counted = attempt.counted;
    const auto& account = attempt.account;
    // A temporary password waiting beside the current one (a letter, an unlock) opens the account
    // when first used, locked or not: using it is the proof of the channel it was sent on.
    const bool pending = account && !account->migrated && account->pending_password_usable(clock_.now());
    if (!rules_.lockout.allows_check(counted)) {
        if (pending && hasher_.verify(*account->pending_password_hash, password)) return open_with_pending(*account, key);
        return fail(ErrorCode::account_locked, "trop d'essais : débloquez votre compte (POST /v1/flows/unlock)");
    }

    if (!account) {
        hasher_.verify_dummy(password);
        return fail(ErrorCode::invalid_credentials);
    }
    if (account->migrated) {
        // The account is reached by its email now. Said only to whom proves a password of it, so a
        // NIR alone reveals nothing: the one members type with their NIR (of before the switch),
        // or the identity's for an account created with one. One hash, as for any other NIR.
        const auto& hash = account->nir_password_hash ? account->nir_password_hash : account->identity_password_hash;
        if (!hash) hasher_.verify_dummy(password);
        if (!hash || !hasher_.verify(*hash, password)) return fail(ErrorCode::invalid_credentials);
        // The right password: the failures are over, so a member who keeps typing the NIR is told
        // where to go each time rather than locked out.
        uow_.autocommit([&](Transaction& tx) { tx.throttle().clear_after_success(key); });
        return fail(ErrorCode::identifier_migrated);
    }
    if (!account->nir_password_hash && !pending) return fail(ErrorCode::password_not_created, "utilisez la procédure « mot de passe oublié »");
    const bool expired = account->password_is_temporary && account->temporary_password_expires_at &&
                         *account->temporary_password_expires_at <= clock_.now();
    if (!account->nir_password_hash || !hasher_.verify(*account->nir_password_hash, password) || expired) {
        if (pending && hasher_.verify(*account->pending_password_hash, password)) return open_with_pending(*account, key);
        uow_.autocommit([&](Transaction& tx) {
            record_failed_check(tx, rules_, account->id, counted, expired ? "nir, expired temporary password" : "nir");
        });
        return fail(ErrorCode::invalid_credentials);
    }

    std::optional<std::string> rehashed;
    if (!account->password_is_temporary && hasher_.needs_rehash(*account->nir_password_hash)) rehashed = hasher_.hash(password);
    return open_after_login(*account, key, rehashed, "nir", true);
}

SessionTokens Sessions::open_with_pending(LegacyLogin account, const IdentifierKey& key) {
    uow_.run([&](Transaction& tx) {
        tx.accounts().promote_pending_password(account.id);
        password_replaced(tx, account.id, "");  // the sessions of before end; the contacts are told
        if (tx.throttle().is_locked(key)) tx.events().record(SecurityEvent{account.id, SecurityEventKind::account_unlocked, "temporary password used"});
        tx.throttle().set_locked(key, false);
    });
    account.password_is_temporary = true;
    account.pending_password_hash.reset();
    return open_after_login(account, key, std::nullopt, "nir", true);
}

SessionTokens Sessions::open_after_login(const LegacyLogin& account, const std::optional<IdentifierKey>& clear,
                                         const std::optional<std::string>& rehashed, const std::string& how, bool by_nir) {
    // Seed 004: a temporary password is personalised, then the contacts and the email confirmed.
    // Those two stay with the account until done, even if this session ends before.
    auto kept = kept_actions(account);
    const bool new_pending = account.password_is_temporary && kept.empty();
    if (new_pending) kept = {RequiredAction::confirm_contacts, RequiredAction::verify_email};
    std::vector<RequiredAction> actions;
    if (account.password_is_temporary) actions.push_back(RequiredAction::change_password);
    actions.insert(actions.end(), kept.begin(), kept.end());
    // Seed 002: the NIR may no longer identify members; the switch to an email comes last, once a
    // temporary password is personalised.
    std::vector<RequiredAction> offered;
    if (by_nir) (policy_.identifier_switch_required ? actions : offered).push_back(RequiredAction::switch_identifier);

    // Each write below stands on its own (a login recorded without the session that was to follow
    // harms no one: the member logs in again), so no transaction around them: that spares two of a
    // login's round trips (docs/PERFORMANCE.md). Most logins write only the session, which clears
    // the failure count in the same statement.
    SessionTokens tokens;
    uow_.autocommit([&](Transaction& tx) {
        // Most logins: nothing to record. A temporary password still waiting is ended by this login.
        if (!account.has_logged_in || rehashed || account.pending_password_hash) tx.accounts().record_login(account.id, rehashed);
        if (new_pending) tx.accounts().set_pending_actions(account.id, names_of(kept));
        tokens = open_session(account.id, actions, account.password_is_temporary ? how + ", temporary password" : how, tx, clear);
    });
    tokens.offered_actions = std::move(offered);
    return tokens;
}

Result<SessionTokens> Sessions::login_by_email(const Email& email, const std::string& password) {
    IdentityProof proof(uow_, hasher_, random_, clock_, rules_);
    const auto identity = proof.prove(email, password);
    if (!identity) return std::unexpected(identity.error());
    // Proven: each outcome of seed 002 and SPEC.md §3.2 may now be told apart.
    if (identity->account_id && identity->account_status == "pending_activation")
        return fail(ErrorCode::account_not_activated,
                    "suivez le lien du message d'activation, ou demandez-en un autre (POST /v1/activations/resend)");
    if (!identity->validated) {
        uow_.run([&](Transaction& tx) { static_cast<void>(mail_reset_link(tx, *identity, random_, clock_, rules_)); });
        return fail(ErrorCode::connect_identity_not_validated, "un lien pour réinitialiser votre mot de passe vous est envoyé par email");
    }
    if (!identity->account_id)
        return fail(ErrorCode::no_account, "créez votre espace personnel (POST /v1/flows/registration, « J'ai déjà un compte MGEN Connect »)");

    // The account's side: a temporary password (an agent's reset) restricts the session as with a NIR.
    std::optional<LegacyLogin> account;
    uow_.autocommit([&](Transaction& tx) {
        if (const auto credentials = tx.accounts().credentials(*identity->account_id))
            account = tx.accounts().find_legacy_login(credentials->nir.body());
    });
    if (!account) return fail(ErrorCode::invalid_credentials);
    if (account->password_is_temporary && account->temporary_password_expires_at && *account->temporary_password_expires_at <= clock_.now())
        return fail(ErrorCode::invalid_credentials);
    return open_after_login(*account, std::nullopt, std::nullopt, "email", false);
}

Result<SessionTokens> Sessions::refresh(const std::string& refresh_token) {
    Result<SessionTokens> result = fail(ErrorCode::unauthorized, "jeton de rafraîchissement inconnu ou expiré");
    uow_.run([&](Transaction& tx) {
        const auto replacement = random_token(random_, 32);
        const auto rotation = tx.sessions().rotate(refresh_token, replacement, clock_.now());
        if (rotation.outcome == RotationOutcome::reused) {
            result = fail(ErrorCode::unauthorized, "jeton déjà utilisé : la session est révoquée");
            return;  // the revocation commits
        }
        if (rotation.outcome != RotationOutcome::rotated || !rotation.session) return;
        const auto& s = *rotation.session;
        result = SessionTokens{signer_.sign(AccessClaims{s.account_id, s.id, s.required_actions, clock_.now() + policy_.access_lifetime}),
                               replacement, policy_.access_lifetime, s.required_actions};
    });
    return result;
}

Result<AuthenticatedSession> Sessions::authenticate(const std::string& access_token, Scope scope) {
    const auto claims = signer_.verify(access_token, clock_.now());
    if (!claims) return fail(ErrorCode::unauthorized, "jeton d'accès absent, invalide ou expiré");
    std::optional<SessionInfo> session;
    LimitDecision limit;
    uow_.autocommit([&](Transaction& tx) {
        session = tx.sessions().find_active(claims->session_id, clock_.now());
        if (session && session->account_id == claims->account_id) limit = count_request(tx, claims->session_id);
    });
    if (!session || session->account_id != claims->account_id) return fail(ErrorCode::unauthorized, "session terminée");
    if (!limit.allowed) return std::unexpected(session_limited(limit));
    // What the token may open is the session's, not what the token says: actions done since it
    // was signed free it, actions added since (a password replaced elsewhere) hold it.
    AuthenticatedSession authenticated{*claims};
    authenticated.claims.required_actions = session->required_actions;
    if (scope == Scope::full && !session->required_actions.empty()) {
        std::string pending;
        for (auto a : session->required_actions) pending += (pending.empty() ? "" : ", ") + std::string(to_string(a));
        return fail(ErrorCode::forbidden, "actions requises d'abord : " + pending);
    }
    return authenticated;
}

LimitDecision Sessions::count_request(Transaction& tx, const std::string& session_id) {
    return tx.limits().take(rules_.rates.session, session_id, clock_.now());
}

Error Sessions::session_limited(const LimitDecision& decision) const {
    return limited(ErrorCode::rate_limited, rules_.rates.session, decision, "trop de requêtes pour cette session");
}

Result<void> Sessions::logout(const AuthenticatedSession& session) {
    uow_.run([&](Transaction& tx) { tx.sessions().revoke(session.claims.session_id, session.claims.account_id); });
    return {};
}

std::vector<SessionInfo> Sessions::list(const AuthenticatedSession& session) {
    std::vector<SessionInfo> sessions;
    uow_.autocommit([&](Transaction& tx) { sessions = tx.sessions().list_active(session.claims.account_id, clock_.now()); });
    return sessions;
}

Result<void> Sessions::revoke(const AuthenticatedSession& session, const std::string& session_id) {
    bool revoked = false;
    uow_.run([&](Transaction& tx) { revoked = tx.sessions().revoke(session_id, session.claims.account_id); });
    if (!revoked) return fail(ErrorCode::not_found, "aucune session active avec cet identifiant");
    return {};
}

SessionTokens Sessions::start(AccountId account, const std::string& how) {
    SessionTokens tokens;
    uow_.run([&](Transaction& tx) {
        // What the account keeps for later (seed 004: contacts and email to confirm) holds this
        // session too, as it would a login's: a link proves the email, not the contacts.
        std::vector<RequiredAction> actions;
        if (const auto credentials = tx.accounts().credentials(account))
            if (const auto login = tx.accounts().find_legacy_login(credentials->nir.body())) actions = kept_actions(*login);
        tx.accounts().record_login(account, std::nullopt);
        tokens = open_session(account, std::move(actions), how, tx);
    });
    return tokens;
}

AccessToken Sessions::reissue(const AuthenticatedSession& session, std::vector<RequiredAction> remaining) {
    uow_.run([&](Transaction& tx) { tx.sessions().set_required_actions(session.claims.session_id, remaining); });
    const auto access = signer_.sign(
        AccessClaims{session.claims.account_id, session.claims.session_id, remaining, clock_.now() + policy_.access_lifetime});
    return AccessToken{access, policy_.access_lifetime, std::move(remaining)};
}

Result<Profile> Sessions::me(const std::string& access_token) {
    const auto claims = signer_.verify(access_token, clock_.now());
    if (!claims) return fail(ErrorCode::unauthorized, "jeton d'accès absent, invalide ou expiré");
    std::optional<LiveProfile> found;
    LimitDecision limit;
    uow_.autocommit([&](Transaction& tx) {
        found = tx.sessions().live_profile(claims->session_id, claims->account_id, clock_.now());
        if (found) limit = count_request(tx, claims->session_id);
    });
    if (!found) return fail(ErrorCode::unauthorized, "session terminée");
    if (!limit.allowed) return std::unexpected(session_limited(limit));
    auto& [account, member] = found->profile;
    // The session's required actions, as authenticate reads them: done or added since the token
    // was signed, they show as they are.
    // Contacts the member gave us come before the registry's.
    const auto& email_text = account.contact_email ? account.contact_email : account.identity_email;
    if (email_text)
        if (auto email = Email::parse(*email_text)) member.email = *email;
    if (account.mobile_phone) member.mobile_phone = account.mobile_phone;
    if (account.landline_phone) member.landline_phone = account.landline_phone;
    Profile profile{account.id, account.migrated ? "email" : "nir", account.nir.masked(), std::move(member), account.status,
                    found->required_actions, account.fax};
    if (!account.migrated && std::ranges::find(profile.required_actions, RequiredAction::switch_identifier) == profile.required_actions.end())
        profile.offered_actions.push_back(RequiredAction::switch_identifier);
    return profile;
}

}  // namespace guichet
