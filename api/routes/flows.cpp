// Flows (SPEC.md §5-6): start one, read it, submit its steps; and the account activation that
// ends registration. Every answer about a flow has the same shape, so a client drives any flow
// with one loop: read next_steps, send one, repeat.
#include "api/http/input.hpp"
#include "api/http/time_format.hpp"
#include "api/problem.hpp"
#include "api/routes/routes.hpp"

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

HttpResponse flow_response(int status, const FlowView& flow) {
    auto response = json_response(status, flow_json(flow));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

IdentityStep identity_step(const nlohmann::json& body) {
    return IdentityStep{required_string(body, "mode", 16),
                        required_string(body, "email", 254),
                        required_string(body, "password", 1024),
                        optional_string(body, "password_confirmation", 1024),
                        optional_string(body, "secret_question_id", 64),
                        optional_string(body, "secret_answer", 200)};
}

// An identifier-switch step: the flow and, once the switch is made, the session's new access token.
HttpResponse switch_response(const SwitchStep& step) {
    auto body = flow_json(step.flow);
    if (step.access) body.update(access_json(*step.access));
    auto response = json_response(200, body);
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

HttpResponse identifier_switch_step(const HttpRequest& request, Services& services, const std::string& id, const std::string& step) {
    // The flow is the account's: every step needs the session that may make the switch.
    const auto session = authenticated(request, services.sessions, Sessions::Scope::required_actions);
    auto& procedure = services.identifier_switch;
    const auto& body = request.json;
    if (step == "email") return switch_response(value_or_problem(procedure.choose_email(session, id, required_string(body, "email", 254))));
    if (step == "credentials")
        return switch_response(value_or_problem(procedure.submit_credentials(
            session, id,
            CredentialsInput{required_string(body, "password", 1024), optional_string(body, "password_confirmation", 1024),
                             optional_string(body, "secret_question_id", 64), optional_string(body, "secret_answer", 200)})));
    if (step == "connect_password")
        return switch_response(value_or_problem(procedure.prove_connect_password(session, id, required_string(body, "password", 1024))));
    throw ProblemException(Error(ErrorCode::not_found, "étape inconnue pour une démarche « identifier_switch »", "step"));
}

PersonalInfoStep personal_info_step(const nlohmann::json& body) {
    return PersonalInfoStep{required_string(body, "nir_key", 8),         required_string(body, "last_name", 200),
                            required_string(body, "birth_date", 32),     optional_string(body, "mobile_phone", 32),
                            optional_string(body, "landline_phone", 32)};
}

}  // namespace

void add_flow_routes(Router& router, Services& services) {
    router.add("POST", "/v1/flows/registration", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        return flow_response(201, value_or_problem(services.registration.start(required_string(request.json, "nir", 32))));
    });

    router.add("POST", "/v1/flows/unlock", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        return flow_response(201, value_or_problem(services.unlock.start(required_string(request.json, "nir", 32),
                                                                         required_string(request.json, "birth_date", 32))));
    }, Cost::hashing);  // a single known channel sends a temporary password at once (hashed)

    router.add("POST", "/v1/flows/recovery", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        return flow_response(201, value_or_problem(services.recovery.start(required_string(request.json, "identifier", 254),
                                                                           optional_string(request.json, "birth_date", 32))));
    });

    router.add("POST", "/v1/flows/identifier-switch", Body::none, Access::public_, [&services](const HttpRequest& request) {
        const auto session = authenticated(request, services.sessions, Sessions::Scope::required_actions);
        return flow_response(201, value_or_problem(services.identifier_switch.start(session)));
    });

    router.add("GET", "/v1/flows/{id}", Body::none, Access::public_, [&services](const HttpRequest& request) {
        return flow_response(200, value_or_problem(services.flows.view(request.params.at("id"))));
    });

    router.add("POST", "/v1/flows/{id}/steps/{step}", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        const auto& id = request.params.at("id");
        const auto& step = request.params.at("step");
        const auto flow = value_or_problem(services.flows.load(id));
        if (flow.type == IdentifierSwitch::type) return identifier_switch_step(request, services, id, step);
        if (flow.type == Registration::type && step == "identity")
            return flow_response(200, value_or_problem(services.registration.submit_identity(id, identity_step(request.json))));
        if (flow.type == Unlock::type && step == "channel")
            return flow_response(200, value_or_problem(services.unlock.choose_channel(id, required_string(request.json, "channel", 16))));
        if (flow.type == Recovery::type && step == "channel")
            return flow_response(200, value_or_problem(services.recovery.choose_channel(id, required_string(request.json, "channel", 16))));
        if (flow.type == Recovery::type && step == "code")
            return flow_response(200, value_or_problem(services.recovery.submit_code(id, required_string(request.json, "code", 16))));
        if (flow.type == Recovery::type && step == "resend") return flow_response(200, value_or_problem(services.recovery.resend_code(id)));
        if (flow.type == Recovery::type && step == "security_answer")
            return flow_response(200, value_or_problem(services.recovery.answer_question(id, required_string(request.json, "answer", 200))));
        if (flow.type == Registration::type && step == "personal_info")
            return flow_response(200, value_or_problem(services.registration.submit_personal_info(id, personal_info_step(request.json))));
        throw ProblemException(Error(ErrorCode::not_found, "étape inconnue pour une démarche « " + flow.type + " »", "step"));
    }, Cost::hashing);  // the identity step hashes or verifies a password

    router.add("POST", "/v1/activations", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        const auto activated = value_or_problem(services.registration.activate(required_string(request.json, "token", 256)));
        return json_response(200, {{"account_id", activated.account_id},
                                   {"status", "active"},
                                   {"message", "Votre espace personnel est activé. Connectez-vous avec votre adresse email et "
                                               "son mot de passe, sur nos sites et applications."}});
    });

    router.add("POST", "/v1/email-validations", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        const auto tokens = value_or_problem(services.identifier_switch.validate_email(required_string(request.json, "token", 256)));
        auto body = tokens_json(tokens);
        body["message"] = "Votre nouvel identifiant est validé. Connectez-vous désormais avec cette adresse email et son mot de passe.";
        auto response = json_response(200, body);
        response.headers.emplace_back("Cache-Control", "no-store");
        return response;
    });

    router.add("POST", "/v1/activations/resend", Body::json_object, Access::public_, [&services](const HttpRequest& request) {
        check_or_problem(services.registration.resend_activation(required_string(request.json, "email", 254)));
        return json_response(202, {{"message", "Si cette adresse identifie un espace personnel en attente d'activation, un "
                                               "nouveau message d'activation vient de lui être envoyé."}});
    });
}

}  // namespace guichet::api
