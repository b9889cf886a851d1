#include "service/delivery/outbox_actions.hpp"

namespace guichet {

namespace {

using Change = bool (OutboxChanges::*)(MessageId);

Result<void> change_and_record(UnitOfWork& uow, Change change, MessageId id, SecurityEventKind kind, const std::string& agent,
                               const char* missing) {
    return uow.attempt([&](Transaction& tx) -> Result<void> {
        if (!(tx.outbox().*change)(id)) return fail(ErrorCode::not_found, missing);
        tx.events().record(SecurityEvent{std::nullopt, kind, "message " + std::to_string(id), agent});
        return {};
    });
}

}  // namespace

Result<void> OutboxActions::retry(const std::string& agent, MessageId id) {
    return change_and_record(uow_, &OutboxChanges::retry, id, SecurityEventKind::message_retried, agent,
                             "aucun message non distribuable avec cet identifiant");
}

Result<void> OutboxActions::mark_printed(const std::string& agent, MessageId id) {
    return change_and_record(uow_, &OutboxChanges::mark_printed, id, SecurityEventKind::letter_printed, agent,
                             "aucun courrier à imprimer avec cet identifiant");
}

}  // namespace guichet
