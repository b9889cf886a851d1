#pragma once
// Security events (issue 5, SPEC.md §3.8): what happened to an account's access, for agents to
// read: logins and failures, locks and unlocks, codes sent, used or failed, temporary passwords,
// reset links, password changes, and every agent action with the agent's id. Never a secret: no
// password, code, token or answer; destinations only masked.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/accounts/account_repository.hpp"

namespace guichet {

enum class SecurityEventKind {
    login_succeeded,
    login_failed,
    account_locked,
    account_unlocked,
    code_sent,
    code_used,
    code_failed,
    temporary_password_sent,
    reset_link_sent,
    password_changed,
    agent_lookup,
    agent_password_reset,
    agent_unlock,
    agent_events_read,
    identifier_validation_sent,  // seed 002: a link to validate the chosen email identifier
    identifier_switched,         // seed 002: the account now logs in with an email identifier
    contacts_changed,            // SPEC.md §8: a new email or mobile, the previous ones told
    // Back-office writes (SPEC.md §8), each with the agent's id; those of no single account
    // (member records, a Connect identity of no account, a message, a letter) have none.
    members_imported,
    account_imported,
    identity_imported,
    message_retried,
    letter_printed,
};
std::string_view to_string(SecurityEventKind kind);
std::optional<SecurityEventKind> security_event_kind_from(std::string_view text);

struct SecurityEvent {
    std::optional<AccountId> account_id;  // none: a back-office write that concerns no single account
    SecurityEventKind kind;
    std::string detail{};                 // e.g. "recovery, sms 06 •• •• •• 78"
    std::optional<std::string> agent_id{};  // for agent actions
};

struct RecordedSecurityEvent {
    SecurityEvent event;
    std::chrono::system_clock::time_point at;
};

// The security events this process recorded since it started, by kind, for /metrics (lockouts
// are `account_locked`): counted once their transaction committed.
struct SecurityEventCounters {
    static constexpr std::size_t kinds = static_cast<std::size_t>(SecurityEventKind::letter_printed) + 1;
    std::array<std::atomic<std::uint64_t>, kinds> by_kind{};
    void add(SecurityEventKind kind) { ++by_kind[static_cast<std::size_t>(kind)]; }
};

// Port: the account's event log, written in the transaction of the change it records. Logins
// are not written here: each opens a session, and list() shows every session of the account as a
// login_succeeded event (detail: SessionInfo::opened_by); a login thus costs no extra write.
// When the purge forgets an ended session (domain/retention/retention.hpp), it records that
// login here, at the session's creation time, so that the list shows the same logins.
class SecurityEventLog {
public:
    virtual ~SecurityEventLog() = default;
    virtual void record(const SecurityEvent& event) = 0;
    // Newest first, at most `limit`.
    virtual std::vector<RecordedSecurityEvent> list(AccountId account, std::size_t limit) = 0;
};

}  // namespace guichet
