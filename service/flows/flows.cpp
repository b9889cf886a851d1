#include "service/flows/flows.hpp"

#include <stdexcept>

namespace guichet {

const std::string& StepInput::text(std::string_view name) const {
    static const std::string empty;
    const auto it = values.find(name);
    return it == values.end() || !it->second ? empty : *it->second;
}

const std::optional<std::string>& StepInput::optional(std::string_view name) const {
    static const std::optional<std::string> none;
    const auto it = values.find(name);
    return it == values.end() ? none : it->second;
}

Result<StepInput> read_step(const StepSpec& spec, const StepRequest& request) {
    StepInput input;
    for (const auto& field : spec.fields) {
        auto value = request.text(field.name, field.max_length);
        if (!value) return std::unexpected(value.error());
        if (field.required && !*value)
            return fail(ErrorCode::validation_error, "le champ " + field.name + " est obligatoire", field.name);
        input.values.emplace(field.name, std::move(*value));
    }
    input.bearer_token = request.bearer_token();
    return input;
}

void Flows::add(FlowProcedure& procedure) {
    if (!by_type_.emplace(procedure.type(), &procedure).second)
        throw std::logic_error("flow type added twice: " + procedure.type());
    for (const auto* other : ordered_)
        if (other->path() == procedure.path()) throw std::logic_error("flow path added twice: " + procedure.path());
    ordered_.push_back(&procedure);
}

Result<FlowRecord> Flows::load(const std::string& id) {
    std::optional<FlowRecord> flow;
    if (id.size() <= 64) uow_.autocommit([&](Transaction& tx) { flow = tx.flows().find(id); });
    if (!flow) return fail(ErrorCode::not_found, "aucune démarche avec cet identifiant");
    if (flow->expires_at <= clock_.now()) return fail(ErrorCode::flow_expired);
    return std::move(*flow);
}

Result<StepAnswer> Flows::start(std::string_view path, const StepRequest& request) {
    for (auto* procedure : ordered_) {
        if (procedure->path() != path) continue;
        auto input = read_step(procedure->start_spec(), request);
        if (!input) return std::unexpected(input.error());
        return procedure->start(*input);
    }
    return fail(ErrorCode::not_found, "type de démarche inconnu");
}

Result<FlowView> Flows::view(const std::string& id) {
    auto flow = load(id);
    if (!flow) return std::unexpected(flow.error());
    const auto procedure = by_type_.find(flow->type);
    if (procedure == by_type_.end()) return fail(ErrorCode::not_found, "type de démarche inconnu");
    return procedure->second->view(*flow);
}

Result<StepAnswer> Flows::submit(const std::string& id, std::string_view step, const StepRequest& request) {
    auto flow = load(id);
    if (!flow) return std::unexpected(flow.error());
    const auto procedure = by_type_.find(flow->type);
    if (procedure == by_type_.end()) return fail(ErrorCode::not_found, "type de démarche inconnu");
    return procedure->second->submit(*flow, step, request);
}

StepCost Flows::step_cost(std::string_view step) const {
    for (const auto* procedure : ordered_)
        for (const auto& spec : procedure->steps())
            if (spec.name == step && spec.cost == StepCost::hashing) return StepCost::hashing;
    return StepCost::light;
}

}  // namespace guichet
