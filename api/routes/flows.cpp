// Flows (SPEC.md §5-6): start one, read it, submit its steps; and the account activation that
// ends registration. Every answer about a flow has the same shape, so a client drives any flow
// with one loop: read next_steps, send one, repeat.
#include "api/http/input.hpp"
#include "api/http/time_format.hpp"
#include "api/problem.hpp"
#include "api/routes/routes.hpp"
#include "domain/texts/catalogue.hpp"

namespace guichet::api {

namespace {

nlohmann::json flow_json(const FlowView& flow) {
    auto steps = nlohmann::json::array();
    for (const auto& s : flow.next_steps) steps.push_back({{"name", s.name}, {"fields", s.fields}});
    auto messages = nlohmann::json::array();
    for (const auto& m : flow.messages) messages.push_back({{"code", m.code}, {"text", m.text}});
    nlohmann::json out{{"id", flow.id},
                       {"type", flow.type},
                       {"state", flow.state},
                       {"expires_at", iso8601(flow.expires_at)},
                       {"next_steps", steps},
                       {"messages", messages}};
    if (!flow.channels.empty()) {
        auto channels = nlohmann::json::array();
        for (const auto& c : flow.channels) channels.push_back({{"channel", c.channel}, {"destination", c.destination}});
        out["channels"] = channels;
    }
    if (flow.question) out["question"] = {{"kind", flow.question->kind}, {"label", flow.question->label}};
    if (flow.proposed_email) out["proposed_email"] = *flow.proposed_email;
    return out;
}

HttpResponse flow_response(int status, const StepAnswer& answer) {
    auto body = flow_json(answer.flow);
    if (answer.access) body.update(access_json(*answer.access));  // the session's required actions changed
    auto response = json_response(status, body);
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

// A start's or a step's request as the flow engine reads it (service/flows/flows.hpp).
class JsonStepRequest final : public StepRequest {
public:
    explicit JsonStepRequest(const HttpRequest& request) : request_(request) {}
    Result<std::optional<std::string>> text(std::string_view name, std::size_t max_length) const override {
        if (!request_.json.is_object()) return std::optional<std::string>();
        return string_field(request_.json, name, max_length);
    }
    std::string bearer_token() const override { return api::bearer_token(request_); }

private:
    const HttpRequest& request_;
};

Cost route_cost(StepCost cost) { return cost == StepCost::hashing ? Cost::hashing : Cost::light; }

}  // namespace

void add_flow_routes(Router& router, Services& services) {
    // One start route per flow type, from its declaration: a new type needs no code here.
    for (const auto* procedure : services.flows.procedures()) {
        const auto& spec = procedure->start_spec();
        const auto path = procedure->path();
        router.add("POST", "/v1/flows/" + path, spec.fields.empty() ? Body::none : Body::json_object, Access::public_,
                   [&services, path](const HttpRequest& request) {
                       return flow_response(201, value_or_problem(services.flows.start(path, JsonStepRequest(request))));
                   },
                   route_cost(spec.cost)).rate = AddressRate::flows;
    }

    router.add("GET", "/v1/flows/{id}", Body::none, Access::public_, [&services](const HttpRequest& request) {
        return flow_response(200, StepAnswer{value_or_problem(services.flows.view(request.params.at("id")))});
    });

    // Every step of every type; only the steps that hash go to the hashing pool.
    router.add("POST", "/v1/flows/{id}/steps/{step}", Body::json_object, Access::public_,
               [&services](const HttpRequest& request) {
                   return flow_response(200, value_or_problem(services.flows.submit(request.params.at("id"), request.params.at("step"),
                                                                                    JsonStepRequest(request))));
               },
               [&services](const std::map<std::string, std::string>& params) {
                   return route_cost(services.flows.step_cost(params.at("step")));
               }).rate = AddressRate::flows;
    router.add("POST", "/v1/activations", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        const auto activated = value_or_problem(services.registration.activate(required_string(request.json, "token", 256)));
        return json_response(200, {{"account_id", activated.account_id},
                                   {"status", "active"},
                                   {"message", text(Text::account_activated)}});
    });

    router.add("POST", "/v1/email-validations", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        const auto tokens = value_or_problem(services.identifier_switch.validate_email(required_string(request.json, "token", 256)));
        auto body = tokens_json(tokens);
        body["message"] = text(Text::identifier_validated);
        auto response = json_response(200, body);
        response.headers.emplace_back("Cache-Control", "no-store");
        return response;
    });

    router.add("POST", "/v1/activations/resend", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        check_or_problem(services.registration.resend_activation(required_string(request.json, "email", 254)));
        return json_response(202, {{"message", text(Text::activation_resend_accepted)}});
    });
}

}  // namespace guichet::api
