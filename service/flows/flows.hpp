#pragma once
// The flows every procedure shares (SPEC.md §5): the registry of flow types, which the API drives
// without knowing any of them. A caller starts a flow (POST /v1/flows/{path}), reads it
// (GET /v1/flows/{id}: unknown → not_found, past its expiry → flow_expired) and submits the steps
// it lists (POST /v1/flows/{id}/steps/{step}), each found in its type's table (flow_type.hpp).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"
#include "domain/random.hpp"
#include "domain/unit_of_work.hpp"
#include "service/sessions/sessions.hpp"

namespace guichet {

// light: a few database round trips. hashing: the step runs Argon2id (or bcrypt); the API keeps
// those off the threads of cheap requests.
enum class StepCost { light, hashing };

// One string field of a step's body.
struct StepField {
    std::string name;
    std::size_t max_length;
    bool required = true;
};

// What the API needs of a step (or of a flow's start) to call it.
struct StepSpec {
    std::string name;
    std::vector<StepField> fields;
    StepCost cost = StepCost::light;
};

// A request to a step or a start, as the API reads it: the body's string fields, and the bearer
// token for flows that belong to a member's session.
class StepRequest {
public:
    virtual ~StepRequest() = default;
    // The body's field `name`: empty when absent or null; validation_error when it is not a string,
    // is longer than `max_length` bytes or holds a control character.
    virtual Result<std::optional<std::string>> text(std::string_view name, std::size_t max_length) const = 0;
    virtual std::string bearer_token() const = 0;
};

// A step's input once its fields are checked against its StepSpec.
struct StepInput {
    std::map<std::string, std::optional<std::string>, std::less<>> values;
    std::string bearer_token;
    std::optional<AuthenticatedSession> session;  // set by the guard of flows that belong to a session
    // A required field's value (checked present); an optional field's value or "".
    const std::string& text(std::string_view name) const;
    const std::optional<std::string>& optional(std::string_view name) const;
};

// Every step's answer: the flow, and when the step changed what the caller's session may do,
// its new access token.
struct StepAnswer {
    FlowView flow;
    std::optional<AccessToken> access{};
};

// A flow type as the registry sees it; FlowType<State, Data> (flow_type.hpp) implements it.
class FlowProcedure {
public:
    virtual ~FlowProcedure() = default;
    virtual const std::string& type() const = 0;
    // The path segment of its start route (POST /v1/flows/{path}) and the start's body and cost.
    virtual const std::string& path() const = 0;
    virtual const StepSpec& start_spec() const = 0;
    virtual const std::vector<StepSpec>& steps() const = 0;
    virtual Result<StepAnswer> start(const StepInput& input) = 0;
    // A step of a stored flow of this type: its guard, its fields read, then its state checked.
    virtual Result<StepAnswer> submit(const FlowRecord& flow, std::string_view step, const StepRequest& request) = 0;
    virtual Result<FlowView> view(const FlowRecord& flow) const = 0;
};

// Flow ids carry 128 random bits: knowing one is what lets a caller drive the flow.
inline std::string new_flow_id(RandomSource& random) { return random_token(random, 16); }

// Checks a request against a spec's fields (the first field at fault answers).
Result<StepInput> read_step(const StepSpec& spec, const StepRequest& request);

class Flows {
public:
    Flows(UnitOfWork& uow, const Clock& clock, const FlowDataCodec& codec) : uow_(uow), clock_(clock), codec_(codec) {}
    Flows(const Flows&) = delete;
    Flows& operator=(const Flows&) = delete;

    // Called by each FlowType's constructor: the composition root builds a type, and it is served.
    void add(FlowProcedure& procedure);
    const std::vector<FlowProcedure*>& procedures() const { return ordered_; }

    Result<StepAnswer> start(std::string_view path, const StepRequest& request);
    Result<FlowView> view(const std::string& id);
    Result<StepAnswer> submit(const std::string& id, std::string_view step, const StepRequest& request);
    // The cost of a step name: hashing when any type's step of that name hashes (the API picks
    // the pool before the flow, and so its type, is read).
    StepCost step_cost(std::string_view step) const;

    // Loads a flow by id; not_found, or flow_expired past its expiry.
    Result<FlowRecord> load(const std::string& id);

    UnitOfWork& uow() const { return uow_; }
    const Clock& clock() const { return clock_; }
    const FlowDataCodec& codec() const { return codec_; }

private:
    UnitOfWork& uow_;
    const Clock& clock_;
    const FlowDataCodec& codec_;
    std::map<std::string, FlowProcedure*, std::less<>> by_type_;
    std::vector<FlowProcedure*> ordered_;
};

}  // namespace guichet
