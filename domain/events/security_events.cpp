#include "domain/events/security_events.hpp"

#include <array>

namespace guichet {

namespace {
constexpr std::array<std::pair<SecurityEventKind, std::string_view>, 22> kNames{{
    {SecurityEventKind::login_succeeded, "login_succeeded"},
    {SecurityEventKind::login_failed, "login_failed"},
    {SecurityEventKind::account_locked, "account_locked"},
    {SecurityEventKind::account_unlocked, "account_unlocked"},
    {SecurityEventKind::code_sent, "code_sent"},
    {SecurityEventKind::code_used, "code_used"},
    {SecurityEventKind::code_failed, "code_failed"},
    {SecurityEventKind::temporary_password_sent, "temporary_password_sent"},
    {SecurityEventKind::reset_link_sent, "reset_link_sent"},
    {SecurityEventKind::password_changed, "password_changed"},
    {SecurityEventKind::agent_lookup, "agent_lookup"},
    {SecurityEventKind::agent_password_reset, "agent_password_reset"},
    {SecurityEventKind::agent_unlock, "agent_unlock"},
    {SecurityEventKind::agent_events_read, "agent_events_read"},
    {SecurityEventKind::identifier_validation_sent, "identifier_validation_sent"},
    {SecurityEventKind::identifier_switched, "identifier_switched"},
    {SecurityEventKind::contacts_changed, "contacts_changed"},
    {SecurityEventKind::members_imported, "members_imported"},
    {SecurityEventKind::account_imported, "account_imported"},
    {SecurityEventKind::identity_imported, "identity_imported"},
    {SecurityEventKind::message_retried, "message_retried"},
    {SecurityEventKind::letter_printed, "letter_printed"},
}};
}  // namespace

std::string_view to_string(SecurityEventKind kind) {
    for (const auto& [k, name] : kNames)
        if (k == kind) return name;
    return "unknown";
}

std::optional<SecurityEventKind> security_event_kind_from(std::string_view text) {
    for (const auto& [k, name] : kNames)
        if (name == text) return k;
    return std::nullopt;
}

}  // namespace guichet
