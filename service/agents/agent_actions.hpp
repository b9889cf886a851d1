#pragma once
// Use cases: what back-office agents do for a member (seed 004, SPEC.md §3.8): look an account
// up by NIR or email, reset its password (a temporary password by SMS, email or letter), unlock
// it, read its security events. Every action is recorded as a security event with the agent's id.
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/flows/flow.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet {

struct AccountSummary {
    AccountId id;
    std::string identifier_kind;  // nir, or email once switched
    std::string masked_nir;
    std::string first_name, last_name;
    std::string member_type;
    std::string status;
    bool locked = false;
    bool has_logged_in = false;
    std::vector<FlowChannel> channels{};  // where a temporary password can go, masked
};

struct AgentReset {
    std::string channel;
    std::string destination;  // masked
    std::chrono::system_clock::time_point valid_until;
};

class AgentActions {
public:
    AgentActions(UnitOfWork& uow, const PasswordHasher& hasher, RandomSource& random, const Clock& clock, const Rules& rules)
        : uow_(uow), hasher_(hasher), random_(random), clock_(clock), rules_(rules) {}

    // Exactly one of `nir` (13 or 15 characters) and `email`; not_found when no account has it.
    Result<AccountSummary> lookup(const std::string& agent, const std::optional<std::string>& nir, const std::optional<std::string>& email);
    Result<AgentReset> reset_password(const std::string& agent, AccountId account, const std::string& channel);
    Result<AccountSummary> unlock(const std::string& agent, AccountId account);
    Result<std::vector<RecordedSecurityEvent>> events(const std::string& agent, AccountId account, std::size_t limit);

private:
    // The summary of the account behind `profile`; its lock is read in `tx`.
    AccountSummary summary(Transaction& tx, const AccountProfile& profile);
    UnitOfWork& uow_;
    const PasswordHasher& hasher_;
    RandomSource& random_;
    const Clock& clock_;
    const Rules& rules_;
};

}  // namespace guichet
