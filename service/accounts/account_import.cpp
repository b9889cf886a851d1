#include "service/accounts/account_import.hpp"

#include "domain/members/member.hpp"
#include "domain/password/temporary_password.hpp"

namespace guichet {

namespace {

bool looks_like_supported_hash(const std::string& hash) {
    const bool known = hash.rfind("$argon2id$", 0) == 0 || hash.rfind("$2a$", 0) == 0 || hash.rfind("$2b$", 0) == 0 ||
                       hash.rfind("$2y$", 0) == 0;
    if (!known || hash.size() > 512) return false;
    for (const char c : hash)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
    return true;
}

}  // namespace

Result<ImportedAccount> AccountImport::run(const std::string& agent, const ImportAccountCommand& command) {
    auto nir = Nir::parse(command.nir);
    if (!nir) return fail(ErrorCode::invalid_nir, nir.error().detail, "nir");
    if (command.password_hash && !looks_like_supported_hash(*command.password_hash))
        return fail(ErrorCode::validation_error, "hachage PHC Argon2id ($argon2id$…) ou bcrypt ($2b$…) attendu",
                    "password_hash");

    if (command.password_never_created && (command.password_hash || command.send_temporary_password_by))
        return fail(ErrorCode::validation_error, "sans mot de passe : ni password_hash ni send_temporary_password_by",
                    "password_never_created");
    std::optional<Channel> channel;
    if (command.send_temporary_password_by) {
        if (command.password_hash)
            return fail(ErrorCode::validation_error, "un mot de passe temporaire n'est envoyé qu'en l'absence de password_hash",
                        "send_temporary_password_by");
        channel = channel_from(*command.send_temporary_password_by);
        if (!channel) return fail(ErrorCode::validation_error, "sms, email ou letter", "send_temporary_password_by");
    } else if (!command.password_hash && !command.password_never_created) {
        channel = Channel::letter;  // seed 004: the "mot de passe provisoire" comes by post
    }

    // Hashing is slow: done before the transaction so no connection waits on it.
    std::string temporary_password, temporary_hash;
    if (channel) {
        temporary_password = generate_temporary_password(random_);
        temporary_hash = hasher_.hash(temporary_password);
    }

    Result<ImportedAccount> outcome = fail(ErrorCode::internal_error);
    uow_.run([&](Transaction& tx) {
        const auto member = tx.members().find_by_nir(*nir);
        if (!member) {
            outcome = fail(ErrorCode::not_found, "aucun membre avec ce NIR : importez d'abord le membre", "nir");
            return;
        }
        std::optional<OutgoingMessage> message;
        if (channel) {
            MessageParams params{{"password", temporary_password},
                                 {"valid_for", *channel == Channel::letter ? "30 jours" : "24 heures"},
                                 {"first_name", member->first_name},
                                 {"last_name", member->last_name}};
            switch (*channel) {
                case Channel::letter:
                    if (member->address.empty()) {
                        outcome = fail(ErrorCode::validation_error, "le membre n'a pas d'adresse postale", "send_temporary_password_by");
                        return;
                    }
                    message = OutgoingMessage{Channel::letter, member->first_name + " " + member->last_name + "\n" + member->address,
                                              MessageKind::temporary_password, params};
                    break;
                case Channel::sms:
                    if (!member->mobile_phone || !member->mobile_phone->can_receive_sms()) {
                        outcome = fail(ErrorCode::sms_not_available, "aucun portable de France métropolitaine connu", "send_temporary_password_by");
                        return;
                    }
                    message = OutgoingMessage{Channel::sms, member->mobile_phone->e164(), MessageKind::temporary_password, params};
                    break;
                case Channel::email:
                    if (!member->email) {
                        outcome = fail(ErrorCode::validation_error, "le membre n'a pas d'adresse email", "send_temporary_password_by");
                        return;
                    }
                    message = OutgoingMessage{Channel::email, member->email->value(), MessageKind::temporary_password, params};
                    break;
            }
        }
        LegacyAccount account{*nir,
                              channel ? std::optional<std::string>(temporary_hash) : command.password_hash,
                              channel.has_value(),
                              channel ? std::optional(clock_.now() + temporary_password_lifetime(*channel)) : std::nullopt,
                              command.has_logged_in};
        const auto id = tx.accounts().create_legacy(account);
        if (!id) {
            outcome = fail(ErrorCode::account_already_exists, "ce membre a déjà un compte");
            return;
        }
        if (command.locked) tx.throttle().set_locked(IdentifierKey{nir->body().value()}, true);
        if (message) tx.notifier().enqueue(*message);
        const std::string password = channel                          ? "temporary password by " + std::string(to_string(*channel))
                                     : command.password_never_created ? "password never created"
                                                                      : "password hash";
        tx.events().record(SecurityEvent{*id, SecurityEventKind::account_imported, password + (command.locked ? ", locked" : ""), agent});
        outcome = ImportedAccount{*id, channel};
    });
    return outcome;
}

Result<IdentityId> AccountImport::import_identity(const std::string& agent, const ImportIdentityCommand& command) {
    const auto email = Email::parse(command.email);
    if (!email) return fail(ErrorCode::invalid_email, email.error().detail, "email");
    if (!looks_like_supported_hash(command.password_hash))
        return fail(ErrorCode::validation_error, "hachage PHC Argon2id ($argon2id$…) ou bcrypt ($2b$…) attendu", "password_hash");
    Result<IdentityId> outcome = fail(ErrorCode::email_already_used, "cette adresse est déjà un identifiant MGEN Connect", "email");
    uow_.run([&](Transaction& tx) {
        const auto id = tx.identities().create(NewIdentity{*email, command.password_hash, "", ""});
        if (!id) return;
        if (command.validated) tx.identities().mark_validated(*id);
        // A Connect identity of no account yet: the event names it by its masked email.
        tx.events().record(SecurityEvent{std::nullopt, SecurityEventKind::identity_imported,
                                         email->masked() + (command.validated ? ", validated" : ""), agent});
        outcome = *id;
    });
    return outcome;
}

}  // namespace guichet
