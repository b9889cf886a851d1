#include "service/agents/agent_actions.hpp"

#include "domain/password/temporary_password.hpp"
#include "domain/text.hpp"
#include "service/accounts/account_import.hpp"
#include "service/accounts/channels.hpp"

namespace guichet {

namespace {

// The identifiers whose failure counts lock this account: its NIR, and its email identifier.
std::vector<IdentifierKey> identifier_keys(const AccountProfile& p) {
    std::vector<IdentifierKey> keys{IdentifierKey{p.account.nir.body().value()}};
    if (p.account.identity_email)
        if (auto email = Email::parse(*p.account.identity_email)) keys.push_back(IdentifierKey{email->lookup_key()});
    return keys;
}

}  // namespace

AccountSummary AgentActions::summary(Transaction& tx, const AccountProfile& p) {
    AccountSummary s{p.account.id,     p.account.migrated ? "email" : "nir", p.account.nir.masked(),
                     p.member.first_name, p.member.last_name,             std::string(to_string(p.member.type)),
                     p.account.status};
    s.has_logged_in = p.account.has_logged_in;
    for (const auto& key : identifier_keys(p)) s.locked = s.locked || tx.throttle().is_locked(key);
    const auto d = destinations_of(p);
    if (d.mobile) s.channels.push_back({"sms", d.mobile->masked()});
    if (d.email) s.channels.push_back({"email", masked_email(*d.email)});
    if (!d.address.empty()) s.channels.push_back({"letter", "courrier"});
    return s;
}

Result<AccountSummary> AgentActions::lookup(const std::string& agent, const std::optional<std::string>& nir_text,
                                            const std::optional<std::string>& email_text) {
    if (nir_text.has_value() == email_text.has_value()) return fail(ErrorCode::validation_error, "nir ou email, l'un des deux", "nir");
    std::optional<NirBody> body;
    std::optional<Email> email;
    if (nir_text) {
        body = typed_nir_body(*nir_text);
        if (!body) return fail(ErrorCode::invalid_nir, "13 ou 15 caractères", "nir");
    } else {
        auto parsed = Email::parse(trim(*email_text));
        if (!parsed) return fail(ErrorCode::validation_error, "adresse email invalide", "email");
        email = *parsed;
    }
    std::optional<AccountSummary> found;
    uow_.run([&](Transaction& tx) {
        std::optional<AccountId> account;
        if (body) {
            if (const auto login = tx.accounts().find_legacy_login(*body)) account = login->id;
        } else if (const auto identity = tx.identities().find_by_email(*email)) {
            account = identity->account_id;
        }
        if (!account) return;
        const auto profile = tx.accounts().profile(*account);
        if (!profile) return;
        found = summary(tx, *profile);
        tx.events().record(SecurityEvent{*account, SecurityEventKind::agent_lookup, body ? "by nir" : "by email", agent});
    });
    if (!found) return fail(ErrorCode::not_found, "aucun espace personnel pour cet identifiant");
    return *found;
}

Result<AgentReset> AgentActions::reset_password(const std::string& agent, AccountId account, const std::string& channel_text) {
    const auto channel = channel_from(channel_text);
    if (!channel) return fail(ErrorCode::validation_error, "sms, email ou letter", "channel");
    const auto temporary = generate_temporary_password(random_);
    const auto hash = hasher_.hash(temporary);  // slow: before the transaction
    const auto now = clock_.now();
    AgentReset done{channel_text, "", now + temporary_password_lifetime(*channel)};
    auto written = uow_.attempt([&](Transaction& tx) -> Result<void> {
        const auto p = tx.accounts().profile(account);
        if (!p) return fail(ErrorCode::not_found, "aucun espace personnel avec cet identifiant");
        auto sent = deliver_temporary_password(tx, rules_, account, destinations_of(*p), *channel, temporary, hash, now, TemporaryPassword::replaces);
        if (!sent) return std::unexpected(sent.error());
        done.destination = *sent;
        // The member's password changed under them: their sessions ended with it; the lock goes.
        for (const auto& key : identifier_keys(*p)) tx.throttle().set_locked(key, false);
        tx.events().record(SecurityEvent{account, SecurityEventKind::agent_password_reset, channel_text + " " + *sent, agent});
        return {};
    });
    if (!written) return std::unexpected(written.error());
    return done;
}

Result<AccountSummary> AgentActions::unlock(const std::string& agent, AccountId account) {
    std::optional<AccountSummary> after;
    uow_.run([&](Transaction& tx) {
        const auto p = tx.accounts().profile(account);
        if (!p) return;
        for (const auto& key : identifier_keys(*p)) tx.throttle().set_locked(key, false);
        tx.events().record(SecurityEvent{account, SecurityEventKind::agent_unlock, "", agent});
        after = summary(tx, *p);
    });
    if (!after) return fail(ErrorCode::not_found, "aucun espace personnel avec cet identifiant");
    return *after;
}

Result<std::vector<RecordedSecurityEvent>> AgentActions::events(const std::string& agent, AccountId account, std::size_t limit) {
    std::optional<std::vector<RecordedSecurityEvent>> events;
    uow_.run([&](Transaction& tx) {
        if (!tx.accounts().profile(account)) return;
        tx.events().record(SecurityEvent{account, SecurityEventKind::agent_events_read, "", agent});
        events = tx.events().list(account, limit);
    });
    if (!events) return fail(ErrorCode::not_found, "aucun espace personnel avec cet identifiant");
    return std::move(*events);
}

}  // namespace guichet
