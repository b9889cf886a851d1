#include "service/personalisation/contact_details.hpp"

#include "service/accounts/channels.hpp"
#include "service/identities/identity_proof.hpp"
#include "service/limits/abuse_limits.hpp"

#include <algorithm>

#include "domain/text.hpp"

namespace guichet {

namespace {

// A pending action may be done only when it is the next one; with none pending, anything may.
Result<void> may_do(const AuthenticatedSession& session, RequiredAction action) {
    const auto& actions = session.claims.required_actions;
    if (actions.empty() || actions.front() == action) return {};
    return fail(ErrorCode::forbidden, "étape suivante d'abord : " + std::string(to_string(actions.front())));
}

std::string owner_of(AccountId id) { return "account:" + std::to_string(id); }

std::optional<Phone> parse_optional(const std::optional<std::string>& text, const char* field, std::optional<Error>& error) {
    if (!text || trim(*text).empty() || error) return std::nullopt;
    auto phone = Phone::parse(*text);
    if (!phone) error = Error(ErrorCode::invalid_phone, phone.error().detail, field);
    return phone ? std::optional(*phone) : std::nullopt;
}

// Where the code goes: the email the member confirmed, else their identifier, else the registry's.
std::optional<std::string> email_to_verify(const AccountProfile& p) {
    if (p.account.contact_email) return p.account.contact_email;
    if (p.account.identity_email) return p.account.identity_email;
    if (p.member.email) return p.member.email->value();
    return std::nullopt;
}

}  // namespace

Result<AccessToken> ContactDetails::done(const AuthenticatedSession& session, RequiredAction action) {
    auto remaining = session.claims.required_actions;
    std::erase(remaining, action);
    uow_.run([&](Transaction& tx) {
        // The account keeps what is left too, for the next login if this session ends now.
        std::vector<std::string> pending;
        for (auto a : remaining)
            if (kept_by_account(a)) pending.emplace_back(to_string(a));
        tx.accounts().set_pending_actions(session.claims.account_id, pending);
    });
    return sessions_.reissue(session, remaining);
}

Result<AccessToken> ContactDetails::confirm(const AuthenticatedSession& session, const ContactsInput& input) {
    if (auto ok = may_do(session, RequiredAction::confirm_contacts); !ok) return std::unexpected(ok.error());
    const auto email = Email::parse(input.email);
    if (!email) return fail(ErrorCode::invalid_email, email.error().detail, "email");
    std::optional<Error> error;
    const auto mobile = parse_optional(input.mobile_phone, "mobile_phone", error);
    const auto landline = parse_optional(input.landline_phone, "landline_phone", error);
    const auto fax = parse_optional(input.fax, "fax", error);
    if (error) return std::unexpected(*error);
    const auto account = session.claims.account_id;
    const bool pending = std::ranges::find(session.claims.required_actions, RequiredAction::confirm_contacts) !=
                         session.claims.required_actions.end();

    // Contacts confirmed before: a new email or mobile needs the current password, and the
    // previous ones are told. During the first login's personalisation the member has just set
    // the password; those contacts are the registry's, confirmed here for the first time.
    std::optional<AccountProfile> profile;
    std::optional<AccountCredentials> credentials;
    uow_.autocommit([&](Transaction& tx) {
        profile = tx.accounts().profile(account);
        credentials = tx.accounts().credentials(account);
    });
    if (!profile || !credentials) return fail(ErrorCode::not_found, "compte introuvable");
    const auto before = destinations_of(*profile);
    const bool email_changes = !before.email || ascii_lower(*before.email) != email->lookup_key();
    const auto& known_mobile = profile->account.mobile_phone ? profile->account.mobile_phone : profile->member.mobile_phone;
    const bool mobile_changes = (mobile ? mobile->e164() : "") != (known_mobile ? known_mobile->e164() : "");
    const bool moves = !pending && (email_changes || mobile_changes);
    if (moves)
        if (auto ok = check_current_password(uow_, hasher_, rules_, *credentials, input.current_password); !ok)
            return std::unexpected(ok.error());

    uow_.run([&](Transaction& tx) {
        tx.accounts().set_contacts(account, *email, mobile, landline, fax);
        if (!moves) return;
        const MessageParams params{{"first_name", before.first_name}};
        if (before.email) tx.notifier().enqueue(OutgoingMessage{Channel::email, *before.email, MessageKind::contacts_changed, params});
        if (before.mobile) tx.notifier().enqueue(OutgoingMessage{Channel::sms, before.mobile->e164(), MessageKind::contacts_changed, params});
        tx.events().record(SecurityEvent{account, SecurityEventKind::contacts_changed,
                                         std::string(email_changes ? "email" : "") + (email_changes && mobile_changes ? ", " : "") +
                                             (mobile_changes ? "mobile" : "")});
    });
    if (!pending) return sessions_.reissue(session, session.claims.required_actions);
    return done(session, RequiredAction::confirm_contacts);
}

Result<CodeSent> ContactDetails::send_email_code(const AuthenticatedSession& session) {
    if (auto ok = may_do(session, RequiredAction::verify_email); !ok) return std::unexpected(ok.error());
    Result<CodeSent> outcome = fail(ErrorCode::validation_error, "aucune adresse email : confirmez d'abord vos coordonnées", "email");
    const auto sent = uow_.attempt([&](Transaction& tx) -> Result<void> {
        const auto profile = tx.accounts().profile(session.claims.account_id);
        const auto address = profile ? email_to_verify(*profile) : std::nullopt;
        if (!address) return {};
        const auto owner = owner_of(session.claims.account_id);
        const auto now = clock_.now();
        if (const auto last = tx.codes().last_issued(CodePurpose::email_verification, owner); last && *last > now - policy_.resend_cooldown) {
            outcome = fail(ErrorCode::rate_limited, "un code vient d'être envoyé : patientez une minute avant d'en demander un autre");
            return {};
        }
        const auto code = generate_code(random_, policy_.digits);
        tx.codes().issue(CodePurpose::email_verification, owner, code, now + policy_.lifetime);
        if (auto queued = send_message(tx, rules_, OutgoingMessage{Channel::email, *address, MessageKind::email_verification_code,
                                                                   {{"code", code}, {"first_name", profile->member.first_name}}},
                                       now);
            !queued)
            return queued;
        const auto parsed = Email::parse(*address);
        outcome = CodeSent{parsed ? parsed->masked() : "", now + policy_.lifetime};
        tx.events().record(SecurityEvent{session.claims.account_id, SecurityEventKind::code_sent,
                                         "email verification, email " + (parsed ? parsed->masked() : std::string())});
        return {};
    });
    if (!sent) return std::unexpected(sent.error());
    return outcome;
}

Result<AccessToken> ContactDetails::confirm_email_code(const AuthenticatedSession& session, const std::string& code) {
    if (auto ok = may_do(session, RequiredAction::verify_email); !ok) return std::unexpected(ok.error());
    CodeCheck check{CodeOutcome::none};
    // The try is counted and committed on its own, before and whatever the comparison says.
    uow_.run([&](Transaction& tx) {
        check = tx.codes().check(CodePurpose::email_verification, owner_of(session.claims.account_id), std::string(trim(code)),
                                 clock_.now(), policy_.max_attempts);
        if (check.outcome == CodeOutcome::valid) tx.accounts().mark_email_verified(session.claims.account_id);
        if (check.outcome != CodeOutcome::none)
            tx.events().record(SecurityEvent{session.claims.account_id,
                                             check.outcome == CodeOutcome::valid ? SecurityEventKind::code_used : SecurityEventKind::code_failed,
                                             "email verification"});
    });
    if (auto ok = accepted(check); !ok) return std::unexpected(ok.error());
    return done(session, RequiredAction::verify_email);
}

}  // namespace guichet
