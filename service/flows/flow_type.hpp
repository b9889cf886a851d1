#pragma once
// A flow type, declared once (SPEC.md §5):
//   - its states, an enum of its own, named once (the names callers see);
//   - its private data, a struct that lists its fields (`void fields(FlowFields&)`), stored by
//     the FlowDataCodec adapter;
//   - its start and its steps, a table {state, step} → handler, each with its body and its cost;
//   - one way to move on: move(), from the state the flow was loaded in, in one transaction with
//     the step's effects, resetting the step's attempts; a refusal is a Result, and rolls back.
// A parallel or replayed submission finds the flow moved and is refused (step_not_allowed).
#include <algorithm>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "service/flows/flows.hpp"

namespace guichet {

template <class State, class Data>
class FlowType : public FlowProcedure {
public:
    // A flow of this type, as a handler gets it.
    struct Flow {
        FlowRecord record;  // id, attempts, expiry; record.state and record.data are what is stored
        State state;
        Data data;
    };
    using Handler = std::function<Result<StepAnswer>(Flow&, const StepInput&)>;
    using Starter = std::function<Result<StepAnswer>(const StepInput&)>;
    using Effects = std::function<Result<void>(Transaction&)>;
    using Guard = std::function<Result<void>(const Flow&, StepInput&)>;

    const std::string& type() const final { return type_; }
    const std::string& path() const final { return path_; }
    const StepSpec& start_spec() const final { return start_spec_; }

    const std::vector<StepSpec>& steps() const final { return specs_; }

    Result<StepAnswer> start(const StepInput& input) final { return starter_(input); }

    Result<StepAnswer> submit(const FlowRecord& record, std::string_view step, const StepRequest& request) final {
        auto flow = decode(record);
        StepInput input;
        input.bearer_token = request.bearer_token();
        if (guard_)
            if (auto ok = guard_(flow, input); !ok) return std::unexpected(ok.error());
        const auto named = [&](const Step& s) { return s.spec.name == step; };
        const auto found = std::find_if(steps_.begin(), steps_.end(), named);
        if (found == steps_.end()) return fail(ErrorCode::not_found, "étape inconnue pour une démarche « " + type_ + " »", "step");
        auto fields = read_step(found->spec, request);
        if (!fields) return std::unexpected(fields.error());
        input.values = std::move(fields->values);
        for (const auto& s : steps_)
            if (named(s) && s.from == flow.state) return s.handler(flow, input);
        return fail(ErrorCode::step_not_allowed, "la démarche attend l'étape « " + record.state + " »");
    }

    Result<FlowView> view(const FlowRecord& record) const final { return show(decode(record)); }

protected:
    FlowType(Flows& flows, RandomSource& random, std::string type, std::string path,
             std::vector<std::pair<State, std::string>> states)
        : flows_(flows), random_(random), type_(std::move(type)), path_(std::move(path)), states_(std::move(states)) {
        flows_.add(*this);
    }

    // What a flow of this type shows to its caller (GET /v1/flows/{id} and each step's answer).
    virtual FlowView show(const Flow& flow) const = 0;

    void starts_with(StepSpec spec, Starter starter) {
        start_spec_ = std::move(spec);
        starter_ = std::move(starter);
    }
    // Checked before any step, whatever the flow's state (e.g. the caller's session owns the flow).
    void guarded_by(Guard guard) { guard_ = std::move(guard); }
    // A step that may be submitted while the flow is in `from`.
    void step(State from, StepSpec spec, Handler handler) {
        specs_.push_back(spec);
        steps_.push_back({from, std::move(spec), std::move(handler)});
    }

    // A new flow in `state`, stored.
    Flow open(State state, Data data, std::chrono::system_clock::duration lifetime) {
        Flow flow{FlowRecord{new_flow_id(random_), type_, name(state), 0, encode(data), flows_.clock().now() + lifetime},
                  state, std::move(data)};
        flows_.uow().run([&](Transaction& tx) { tx.flows().create(flow.record); });
        return flow;
    }

    // The flow `id` when it is of this type and waits in `state` (for the typed entry points the
    // table's handlers share with tests): not_found, flow_expired or step_not_allowed otherwise.
    Result<Flow> load(const std::string& id, State state) {
        auto record = flows_.load(id);
        if (!record) return std::unexpected(record.error());
        if (record->type != type_) return fail(ErrorCode::not_found, "aucune démarche « " + type_ + " » avec cet identifiant");
        if (record->state != name(state)) return fail(ErrorCode::step_not_allowed, "la démarche attend l'étape « " + record->state + " »");
        return decode(*record);
    }

    // Moves `flow` from the state it was loaded in to `to`, with its data as it is now, and runs
    // `effects` in the same transaction. The move comes first: it locks the flow, so a parallel
    // submission of the same step waits, then finds the flow moved and is refused.
    Result<void> move(Flow& flow, State to, const Effects& effects = {}) {
        Flow moved = flow;
        auto done = flows_.uow().attempt([&](Transaction& tx) -> Result<void> {
            if (!advance_in(tx, moved, to)) return fail(ErrorCode::step_not_allowed, "cette étape a déjà été faite");
            return effects ? effects(tx) : Result<void>{};
        });
        if (done) flow = std::move(moved);
        return done;
    }

    // The same move inside a transaction the caller holds (a link followed: the link is used up
    // and the flow moved together); false when the flow is no longer where it was loaded.
    bool advance_in(Transaction& tx, Flow& flow, State to) {
        const auto data = encode(flow.data);
        if (!tx.flows().advance(flow.record.id, flow.record.state, flow.record.version, name(to), data)) return false;
        flow.state = to;
        flow.record.state = name(to);
        ++flow.record.version;
        flow.record.data = data;
        flow.record.attempts = 0;
        return true;
    }

    // Counts one try on the flow's current step, committed before the try is judged; the new count.
    int count_attempt(Flow& flow) {
        flows_.uow().autocommit([&](Transaction& tx) { flow.record.attempts = tx.flows().count_attempt(flow.record.id); });
        return flow.record.attempts;
    }

    // The view every state starts from: id, type, state, expiry, and as next steps the table's
    // steps from this state (a show() may take them away, e.g. when no try is left).
    FlowView base_view(const Flow& flow) const {
        FlowView v{flow.record.id, type_, flow.record.state, flow.record.expires_at, {}, {}};
        for (const auto& s : steps_) {
            if (s.from != flow.state) continue;
            FlowStep next{s.spec.name, {}};
            for (const auto& field : s.spec.fields) next.fields.push_back(field.name);
            v.next_steps.push_back(std::move(next));
        }
        return v;
    }

    // A step's answer that only shows the flow.
    static Result<StepAnswer> answer(Result<FlowView> view) {
        if (!view) return std::unexpected(view.error());
        return StepAnswer{std::move(*view)};
    }

    const std::string& name(State state) const {
        for (const auto& [s, n] : states_)
            if (s == state) return n;
        throw std::logic_error(type_ + ": a state without a name");
    }

    // A stored flow of this type, its state and data read.
    Flow decode(const FlowRecord& record) const {
        Flow flow{record, state_of(record.state), Data{}};
        flows_.codec().read(record.data, [&](FlowFields& fields) { flow.data.fields(fields); });
        return flow;
    }

    Flows& flows_;
    RandomSource& random_;

private:
    struct Step {
        State from;
        StepSpec spec;
        Handler handler;
    };

    std::string encode(const Data& data) const {
        Data copy = data;
        return flows_.codec().write([&](FlowFields& fields) { copy.fields(fields); });
    }

    State state_of(const std::string& text) const {
        for (const auto& [s, n] : states_)
            if (n == text) return s;
        throw std::runtime_error(type_ + ": stored flow in an unknown state");
    }

    std::string type_;
    std::string path_;
    std::vector<std::pair<State, std::string>> states_;
    StepSpec start_spec_;
    Starter starter_;
    std::vector<Step> steps_;
    std::vector<StepSpec> specs_;  // the steps' specs, for the registry (read on every step request)
    Guard guard_;
};

}  // namespace guichet
