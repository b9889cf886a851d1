#pragma once
// The flows every procedure shares (SPEC.md §5): load one by id (unknown → not_found, past its
// expiry → flow_expired), and show it through the procedure that owns its type, so a client
// drives any flow with the same loop.
#include <map>
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/random.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet {

// A procedure implemented as a flow (registration; unlock and recovery come next).
class FlowProcedure {
public:
    virtual ~FlowProcedure() = default;
    virtual FlowView view(const FlowRecord& flow) const = 0;
};

// Flow ids carry 128 random bits: knowing one is what lets a caller drive the flow.
inline std::string new_flow_id(RandomSource& random) { return random_token(random, 16); }

class Flows {
public:
    Flows(UnitOfWork& uow, const Clock& clock) : uow_(uow), clock_(clock) {}
    void add(std::string type, const FlowProcedure& procedure) { procedures_.emplace(std::move(type), &procedure); }

    Result<FlowRecord> load(const std::string& id);
    Result<FlowView> view(const std::string& id);
    // The flow, when it is of `type` and waits in `state` (a step submitted for it); else
    // not_found, flow_expired or step_not_allowed (skipped or replayed).
    Result<FlowRecord> load_at(const std::string& id, std::string_view type, std::string_view state);

private:
    UnitOfWork& uow_;
    const Clock& clock_;
    std::map<std::string, const FlowProcedure*, std::less<>> procedures_;
};

}  // namespace guichet
