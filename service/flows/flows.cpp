#include "service/flows/flows.hpp"

namespace guichet {

Result<FlowRecord> Flows::load(const std::string& id) {
    std::optional<FlowRecord> flow;
    if (id.size() <= 64) uow_.autocommit([&](Transaction& tx) { flow = tx.flows().find(id); });
    if (!flow) return fail(ErrorCode::not_found, "aucune démarche avec cet identifiant");
    if (flow->expires_at <= clock_.now()) return fail(ErrorCode::flow_expired);
    return std::move(*flow);
}

Result<FlowRecord> Flows::load_at(const std::string& id, std::string_view type, std::string_view state) {
    auto flow = load(id);
    if (!flow) return flow;
    if (flow->type != type) return fail(ErrorCode::not_found, "aucune démarche « " + std::string(type) + " » avec cet identifiant");
    if (flow->state != state) return fail(ErrorCode::step_not_allowed, "la démarche attend l'étape « " + flow->state + " »");
    return flow;
}

Result<FlowView> Flows::view(const std::string& id) {
    auto flow = load(id);
    if (!flow) return std::unexpected(flow.error());
    const auto procedure = procedures_.find(flow->type);
    if (procedure == procedures_.end()) return fail(ErrorCode::not_found, "type de démarche inconnu");
    return procedure->second->view(*flow);
}

}  // namespace guichet
