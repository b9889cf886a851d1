#include "service/identities/identity_proof.hpp"

#include "service/limits/abuse_limits.hpp"

namespace guichet {

Result<bool> mail_reset_link(Transaction& tx, const ConnectIdentity& identity, RandomSource& random, const Clock& clock,
                             const Rules& rules) {
    const LinkSubject subject{identity.account_id, identity.id};
    const auto now = clock.now();
    if (auto counted = count_message(tx, rules, destination_key(Channel::email, identity.email), now); !counted)
        return std::unexpected(counted.error());
    if (tx.links().issued_since(LinkPurpose::password_reset, subject, now - rules.reset_link_cooldown)) return false;
    const auto token = random_token(random, 32);
    tx.links().issue(LinkPurpose::password_reset, token, subject, now + rules.reset_link_lifetime);
    tx.notifier().enqueue(OutgoingMessage{Channel::email, identity.email, MessageKind::reset_link, {{"token", token}}});
    if (identity.account_id) tx.events().record(SecurityEvent{*identity.account_id, SecurityEventKind::reset_link_sent, "email identifier"});
    return true;
}

Result<void> check_current_password(UnitOfWork& uow, const PasswordHasher& hasher, const Rules& rules,
                                    const AccountCredentials& account, const std::optional<std::string>& current) {
    if (!current || current->empty()) return fail(ErrorCode::validation_error, "votre mot de passe actuel", "current_password");
    if (!account.password_hash) return fail(ErrorCode::invalid_credentials, "", "current_password");
    const IdentifierKey key{account.identity_email ? *account.identity_email : account.nir.body().value()};
    int counted = 0;
    uow.run([&](Transaction& tx) { counted = tx.throttle().count_attempt(key); });
    if (!rules.lockout.allows_check(counted))
        return fail(account.identity_email ? ErrorCode::connect_identity_locked : ErrorCode::account_locked);
    if (!hasher.verify(*account.password_hash, *current)) {
        uow.autocommit([&](Transaction& tx) { record_failed_check(tx, rules, account.id, counted, "current password"); });
        return fail(ErrorCode::invalid_credentials, "", "current_password");
    }
    uow.run([&](Transaction& tx) { tx.throttle().clear_after_success(key); });
    return {};
}

void record_failed_check(Transaction& tx, const Rules& rules, AccountId account, int counted, const std::string& how) {
    tx.events().record(SecurityEvent{account, SecurityEventKind::login_failed, how});
    if (counted == rules.lockout.max_failures) tx.events().record(SecurityEvent{account, SecurityEventKind::account_locked, how});
}

Result<ConnectIdentity> IdentityProof::prove(const Email& email, const std::string& password) {
    const IdentifierKey key{email.lookup_key()};
    int counted = 0;
    uow_.autocommit([&](Transaction& tx) { counted = tx.throttle().count_attempt(key); });  // committed before the hash
    if (!rules_.lockout.allows_check(counted)) {
        if (rules_.lockout.first_refusal(counted))
            uow_.run([&](Transaction& tx) {
                if (const auto identity = tx.identities().find_by_email(email))
                    static_cast<void>(mail_reset_link(tx, *identity, random_, clock_, rules_));  // over its caps: no mail, same answer
            });
        return fail(ErrorCode::connect_identity_locked, "un lien pour réinitialiser le mot de passe est envoyé par email");
    }

    std::optional<ConnectIdentity> identity;
    uow_.autocommit([&](Transaction& tx) { identity = tx.identities().find_by_email(email); });
    if (!identity || !identity->password_hash) {
        hasher_.verify_dummy(password);
        return fail(ErrorCode::invalid_credentials);
    }
    if (!hasher_.verify(*identity->password_hash, password)) {
        if (identity->account_id)
            uow_.autocommit([&](Transaction& tx) { record_failed_check(tx, rules_, *identity->account_id, counted, "email"); });
        return fail(ErrorCode::invalid_credentials);
    }

    std::optional<std::string> rehashed;
    if (hasher_.needs_rehash(*identity->password_hash)) rehashed = hasher_.hash(password);
    uow_.run([&](Transaction& tx) {
        tx.throttle().clear_after_success(key);
        if (rehashed) tx.identities().set_password_hash(identity->id, *rehashed);
    });
    if (rehashed) identity->password_hash = rehashed;
    return std::move(*identity);
}

}  // namespace guichet
