#pragma once
// Use case: self-service unlock of a NIR identifier (seeds 000, 001; SPEC.md §3.3).
//   start {nir, birth_date}  → 409 account_not_locked when it is not locked (→ forgot password);
//                              otherwise the channels known for the member, masked. A phone that
//                              is not a metropolitan mobile is never offered for SMS.
//                              With one channel it is used at once and the flow says which.
//   channel {channel}        → sms: a temporary password (24 h), the lock is lifted, and the
//                              member logs in with it and personalises it (state temp_password_sent);
//                              email: a reset link (1 h, POST /v1/password-resets sets the new
//                              password, unlocks and opens a session; state link_sent).
#include <string>

#include "domain/clock.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/unit_of_work.hpp"
#include "service/flows/flows.hpp"

namespace guichet {

class Unlock final : public FlowProcedure {
public:
    static constexpr const char* type = "unlock";

    Unlock(UnitOfWork& uow, Flows& flows, const PasswordHasher& hasher, RandomSource& random, const Clock& clock)
        : uow_(uow), flows_(flows), hasher_(hasher), random_(random), clock_(clock) {}

    Result<FlowView> start(const std::string& nir, const std::string& birth_date);
    Result<FlowView> choose_channel(const std::string& flow_id, const std::string& channel);
    FlowView view(const FlowRecord& flow) const override;

private:
    Result<FlowView> send(FlowRecord flow, Channel channel, bool from_start);
    UnitOfWork& uow_;
    Flows& flows_;
    const PasswordHasher& hasher_;
    RandomSource& random_;
    const Clock& clock_;
};

}  // namespace guichet
