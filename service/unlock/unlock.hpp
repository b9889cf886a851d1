#pragma once
// Use case: self-service unlock of a NIR identifier (seeds 000, 001; SPEC.md §3.3).
//   start {nir, birth_date}  → 409 account_not_locked when it is not locked (→ forgot password);
//                              otherwise the channels known for the member, masked. A phone that
//                              is not a metropolitan mobile is never offered for SMS.
//                              With one channel it is used at once and the flow says which.
//                              NIR + birth date are counted per NIR before they are compared
//                              (5 a day, SPEC.md §2), and the messages per destination.
//   channel {channel}        → sms: a temporary password (24 h) that waits beside the lock and
//                              the current password: logging in with it proves the phone, lifts the
//                              lock and makes it the password, to personalise (temp_password_sent);
//                              with no channel, the same by letter (30 days);
//                              email: a reset link (1 h, POST /v1/password-resets sets the new
//                              password, unlocks and opens a session; state link_sent).
#include <string>

#include "domain/clock.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"
#include "service/flows/flow_type.hpp"
#include "service/limits/abuse_limits.hpp"

namespace guichet {

enum class UnlockState { choose_channel, temp_password_sent, link_sent };

struct UnlockData {
    AccountId account = 0;
    std::string nir;                     // the NIR body typed, the key of its lock
    std::vector<FlowChannel> channels;   // offered, masked
    std::optional<Channel> sent;         // the channel used
    std::string destination;             // where to, masked
    bool automatic = false;              // the only channel known, used at once (seed 000)
    void fields(FlowFields& f);
};

class Unlock final : public FlowType<UnlockState, UnlockData> {
public:
    static constexpr const char* type = "unlock";

    Unlock(UnitOfWork& uow, Flows& flows, const PasswordHasher& hasher, RandomSource& random, const Clock& clock, const Rules& rules);

    Result<FlowView> start(const std::string& nir, const std::string& birth_date);
    Result<FlowView> choose_channel(const std::string& flow_id, const std::string& channel);

private:
    FlowView show(const Flow& flow) const override;
    Result<FlowView> choose(Flow& flow, const std::string& channel);
    Result<FlowView> send(Flow& flow, Channel channel);
    UnitOfWork& uow_;
    const PasswordHasher& hasher_;
    const Clock& clock_;
    const Rules& rules_;
    IdentityChecks checks_;  // per NIR, before any comparison (SPEC.md §2)
};

}  // namespace guichet
