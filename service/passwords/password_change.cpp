#include "service/passwords/password_change.hpp"

#include <algorithm>

#include "domain/folding.hpp"
#include "service/accounts/channels.hpp"
#include "service/identities/identity_proof.hpp"

namespace guichet {

namespace {

StrengthContext context_of(const std::optional<Member>& member, const AccountCredentials* account, const std::string& email) {
    StrengthContext context{.email = email};
    if (member) {
        context.last_name = member->last_name;
        context.first_name = member->first_name;
        context.birth_date = member->birth_date.french();
        if (context.email.empty() && member->email) context.email = member->email->value();
    }
    if (account) context.nir = account->nir.value();
    return context;
}

Result<void> check_new(const PasswordStrengthCheck& strength, const NewPassword& p, const StrengthContext& context) {
    if (auto ok = strength.policy().check(p.password); !ok) return ok;
    if (p.confirmation != p.password) return fail(ErrorCode::password_mismatch, "", "password_confirmation");
    if (!strength.run(p.password, context).accepted)
        return fail(ErrorCode::password_too_weak, "choisissez un mot de passe plus long ou moins prévisible", "password");
    return {};
}

// The notice to a Connect identity of another site (no account, so no other contacts).
void enqueue_notice(Transaction& tx, const std::string& address, const std::optional<Member>& member) {
    if (address.empty()) return;
    MessageParams params;
    if (member) params["first_name"] = member->first_name;
    tx.notifier().enqueue(OutgoingMessage{Channel::email, address, MessageKind::password_changed, params});
}

}  // namespace

Result<PasswordResetDone> PasswordChange::reset(const std::string& token, const NewPassword& password,
                                                const std::optional<std::string>& secret_answer) {
    if (token.empty() || token.size() > 128) return fail(ErrorCode::link_expired);
    LinkUse link{LinkState::unknown, {}};
    std::optional<AccountCredentials> account;
    std::optional<ConnectIdentity> identity;
    std::optional<Member> member;
    uow_.run([&](Transaction& tx) {
        link = tx.links().peek(LinkPurpose::password_reset, token, clock_.now());
        if (link.state != LinkState::valid) return;
        if (link.subject.account) account = tx.accounts().credentials(*link.subject.account);
        if (link.subject.identity) identity = tx.identities().find(*link.subject.identity);
        if (account) member = tx.members().find_by_nir(account->nir);
    });
    if (link.state != LinkState::valid || (!account && !identity)) return fail(ErrorCode::link_expired);

    // Seed 002: a Connect identity with a secret question asks its answer before the new password.
    const auto& answer_hash = identity && identity->secret_answer_hash ? identity->secret_answer_hash
                                                                       : (account ? account->secret_answer_hash : std::nullopt);
    if (answer_hash) {
        if (!secret_answer || secret_answer->empty())
            return fail(ErrorCode::validation_error, "la réponse à votre question secrète", "secret_answer");
        // Counted (and committed) before it is compared: answers sent in parallel get one try each.
        int tries = 0;
        uow_.run([&](Transaction& tx) { tries = tx.links().count_attempt(LinkPurpose::password_reset, token); });
        const auto spent = [&] {
            uow_.run([&](Transaction& tx) { tx.links().consume(LinkPurpose::password_reset, token, clock_.now()); });
            return fail(ErrorCode::too_many_attempts, "ce lien n'est plus valable : demandez-en un autre");
        };
        if (tries > kSecretAnswerTries) return spent();
        if (!hasher_.verify(*answer_hash, comparable_text(*secret_answer))) {
            if (tries == kSecretAnswerTries) return spent();
            return fail(ErrorCode::identity_check_failed, "réponse incorrecte ; il vous reste " + std::to_string(kSecretAnswerTries - tries) + " essai(s)",
                        "secret_answer");
        }
    }

    const std::string email = identity ? identity->email : (account && account->identity_email ? *account->identity_email : "");
    if (auto ok = check_new(strength_, password, context_of(member, account ? &*account : nullptr, email)); !ok)
        return std::unexpected(ok.error());
    const auto hash = hasher_.hash(password.password);

    bool used = false;
    uow_.run([&](Transaction& tx) {
        if (tx.links().consume(LinkPurpose::password_reset, token, clock_.now()).state != LinkState::valid) return;  // raced
        used = true;
        if (account) {
            tx.accounts().set_password(account->id, hash, std::nullopt);
            const IdentifierKey nir{account->nir.body().value()};
            if (tx.throttle().is_locked(nir)) tx.events().record(SecurityEvent{account->id, SecurityEventKind::account_unlocked, "reset link"});
            tx.throttle().set_locked(nir, false);
            password_replaced(tx, account->id, "");
            tx.events().record(SecurityEvent{account->id, SecurityEventKind::password_changed, "reset link"});
        }
        if (identity) {
            if (!account) tx.identities().set_password_hash(identity->id, hash);
            tx.identities().mark_validated(identity->id);  // the link proved the email
            tx.throttle().set_locked(IdentifierKey{identity->email}, false);
        } else if (account && account->identity_email) {
            tx.throttle().set_locked(IdentifierKey{*account->identity_email}, false);
        }
        if (!account) enqueue_notice(tx, email, member);  // an identity of another site: its address
    });
    if (!used) return fail(ErrorCode::link_expired);
    PasswordResetDone done;
    const auto account_id = account ? std::optional(account->id) : (identity ? identity->account_id : std::nullopt);
    if (account_id) done.session = sessions_.start(*account_id);
    return done;
}

Result<PasswordChanged> PasswordChange::change(const AuthenticatedSession& session, const std::optional<std::string>& current,
                                               const NewPassword& password) {
    auto actions = session.claims.required_actions;
    const bool personalising = std::ranges::find(actions, RequiredAction::change_password) != actions.end();
    if (!actions.empty() && !personalising) return fail(ErrorCode::forbidden, "le mot de passe est déjà personnalisé");

    std::optional<AccountCredentials> account;
    std::optional<Member> member;
    uow_.run([&](Transaction& tx) {
        account = tx.accounts().credentials(session.claims.account_id);
        if (account) member = tx.members().find_by_nir(account->nir);
    });
    if (!account || !account->password_hash) return fail(ErrorCode::not_found, "compte introuvable");

    if (!personalising)
        if (auto ok = check_current_password(uow_, hasher_, rules_, *account, current); !ok) return std::unexpected(ok.error());
    const std::string email = account->identity_email.value_or("");
    if (auto ok = check_new(strength_, password, context_of(member, &*account, email)); !ok) return std::unexpected(ok.error());
    if (hasher_.verify(*account->password_hash, password.password))
        return fail(ErrorCode::password_policy, "choisissez un mot de passe différent de l'actuel", "password");
    const auto hash = hasher_.hash(password.password);

    std::erase(actions, RequiredAction::change_password);
    int ended = 0;
    uow_.run([&](Transaction& tx) {
        tx.accounts().set_password(account->id, hash, std::nullopt);
        ended = password_replaced(tx, account->id, session.claims.session_id);
        tx.events().record(SecurityEvent{account->id, SecurityEventKind::password_changed,
                                         personalising ? "temporary password personalised" : "change"});
    });
    return PasswordChanged{sessions_.reissue(session, actions), ended};
}

}  // namespace guichet
