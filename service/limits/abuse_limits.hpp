#pragma once
// The abuse limits of SPEC.md §2 and §8 as the use cases apply them (the numbers are in
// domain/rules.hpp, AbuseLimits; the counting in the Limits port):
// - identity checks per NIR: counted in a statement of their own before anything is compared,
//   known NIR or not, right or wrong. SPEC.md §2 counts wrong answers; counting right ones too is
//   stricter and leaves no oracle: were a right answer given back, whether the sixth check of the
//   day is refused would tell whether one of the five was the right birth date.
// - messages carrying a secret, per destination: counted in the transaction that queues them, so
//   a refused message rolls back with the change that needed it; decoys count alike;
// - letters with a temporary password, per account.
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/notifications/message.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet {

class IdentityChecks {
public:
    IdentityChecks(UnitOfWork& uow, const Clock& clock, const Rules& rules) : uow_(uow), clock_(clock), policy_(rules.abuse.identity_checks) {}
    // Counts one check of `nir_body`; too_many_attempts (429) once 5 are counted.
    Result<void> count(const std::string& nir_body);

private:
    UnitOfWork& uow_;
    const Clock& clock_;
    const LimitPolicy& policy_;
};

// True for the kinds that carry a code, a temporary password or a link.
bool carries_secret(MessageKind kind);

// The key a message's destination is counted under: the channel and the address (E.164 phone,
// lower-cased email). A decoy uses a stand-in of its own (decoy_destination).
std::string destination_key(Channel channel, const std::string& recipient);
std::string decoy_destination(Channel channel, const std::string& stand_in);

// Counts one message to `destination_key` against the hourly and daily caps; rate_limited when
// either is reached (and then neither counts).
Result<void> count_message(Transaction& tx, const Rules& rules, const std::string& destination, LimitClock::time_point now);

// Queues `message`; a message carrying a secret is counted first against its destination (email,
// SMS) or, for a letter, against `account` (2 per 30 days). Over a cap, nothing is queued.
Result<void> send_message(Transaction& tx, const Rules& rules, const OutgoingMessage& message, LimitClock::time_point now,
                          std::optional<AccountId> account = std::nullopt);

// A decoy letter (an unknown NIR's): counted like a member's against a stand-in account.
Result<void> count_decoy_letter(Transaction& tx, const Rules& rules, const std::string& stand_in, LimitClock::time_point now);

}  // namespace guichet
