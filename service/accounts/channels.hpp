#pragma once
// Where a secret can reach a member (SPEC.md §1 "channel"), shared by unlock and recovery: SMS
// only to a metropolitan French mobile (seed 000), the email the member confirmed, else their
// email identifier, else the registry's; a letter to the registry's postal address.
#include <chrono>
#include <optional>
#include <string>

#include "domain/accounts/account_repository.hpp"
#include "domain/error.hpp"
#include "domain/notifications/message.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet {

struct Destinations {
    std::optional<Phone> mobile;
    std::optional<std::string> email;
    std::string address;  // postal, for a letter
    std::string first_name, last_name;
};

Destinations destinations_of(const AccountProfile& profile);

// "j•••@exemple.fr"; empty when the text is not an email.
std::string masked_email(const std::string& email);

// A temporary password replacing the member's password (valid 24 h, 30 days by letter), queued
// on `channel` in `tx`: what both unlock and recovery end with (seeds 000, 004). `hash` is the
// password's, computed before the transaction (Argon2id is slow). Returns the masked destination
// ("06 •• •• •• 78", "j•••@exemple.fr", "courrier"), or the error when the channel is not known
// for the member.
// SPEC.md §8: a password replaced in any way (recovery, unlock, reset link, agent, personalisation,
// change) ends every session and refresh token of the account but `keep_session` (empty: all) and
// tells the member's known contacts, email and mobile, but `told` (where the new temporary
// password itself just went). Returns how many sessions ended.
int password_replaced(Transaction& tx, AccountId account, const std::string& keep_session, const std::optional<std::string>& told = {});

// Whether a temporary password replaces the current one at once (the member proved the channel, or
// an agent vouched), or waits beside it until first used (a letter, an unlock: nothing changes
// before proof, SPEC.md §8; AccountRepository::set_pending_password).
enum class TemporaryPassword { replaces, waits };

// The message counts against its destination's caps (service/limits/abuse_limits.hpp): over one,
// rate_limited and nothing is queued.
Result<std::string> deliver_temporary_password(Transaction& tx, const Rules& rules, AccountId account, const Destinations& to,
                                               Channel channel, const std::string& password, const std::string& hash,
                                               std::chrono::system_clock::time_point now, TemporaryPassword use);

}  // namespace guichet
