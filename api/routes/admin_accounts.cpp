// Back-office: bring over a portal account of the previous system (SPEC.md §4), and the Connect
// identities other sites of the insurer created before Guichet; and the agents' actions on an
// account (SPEC.md §3.8). Each names its agent in X-Agent-Id, recorded with it (SPEC.md §8).
#include <algorithm>

#include "api/http/input.hpp"
#include "api/http/time_format.hpp"
#include "api/problem.hpp"
#include "api/routes/routes.hpp"
#include "domain/texts/catalogue.hpp"

namespace guichet::api {

// Kept plain: it is stored with every event and shown to agents.
std::string agent_of(const HttpRequest& request) {
    const auto agent = request.header("x-agent-id").value_or("");
    const bool plain = std::all_of(agent.begin(), agent.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
    });
    if (agent.empty() || agent.size() > 64 || !plain)
        throw ProblemException(Error{ErrorCode::validation_error, "en-tête X-Agent-Id : l'identifiant de l'agent (1 à 64 caractères "
                                                                  "parmi lettres, chiffres, . _ - @)", "X-Agent-Id"});
    return agent;
}

namespace {

nlohmann::json summary_json(const AccountSummary& s) {
    auto channels = nlohmann::json::array();
    for (const auto& c : s.channels) channels.push_back({{"channel", c.channel}, {"destination", c.destination}});
    return {{"id", s.id},         {"identifier_kind", s.identifier_kind}, {"nir", s.masked_nir},
            {"first_name", s.first_name}, {"last_name", s.last_name}, {"member_type", s.member_type},
            {"status", s.status}, {"locked", s.locked}, {"has_logged_in", s.has_logged_in}, {"channels", channels}};
}

std::optional<std::string> query_of(const HttpRequest& request, const char* name) {
    const auto it = request.query.find(name);
    return it == request.query.end() ? std::nullopt : std::optional(it->second);
}

}  // namespace

void add_admin_account_routes(Router& router, Services& services) {
    router.add("POST", "/v1/admin/accounts", Body::json_object, Access::admin, [&services](const HttpRequest& request) {
        const auto agent = agent_of(request);
        const auto& body = request.json;
        ImportAccountCommand command{required_string(body, "nir", 32), optional_string(body, "password_hash", 512),
                                     required_bool(body, "has_logged_in"), optional_bool(body, "locked").value_or(false),
                                     optional_string(body, "send_temporary_password_by", 16),
                                     optional_bool(body, "password_never_created").value_or(false)};
        auto result = services.account_import.run(agent, command);
        if (!result) throw ProblemException(result.error());
        return json_response(201, {{"id", result->id},
                                   {"identifier", "nir"},
                                   {"status", "active"},
                                   {"temporary_password_sent_by", result->temporary_password_sent_by
                                                                      ? nlohmann::json(to_string(*result->temporary_password_sent_by))
                                                                      : nlohmann::json(nullptr)}});
    }, Cost::hashing);

    router.add("POST", "/v1/admin/identities", Body::json_object, Access::admin, [&services](const HttpRequest& request) {
        const auto agent = agent_of(request);
        const auto& body = request.json;
        ImportIdentityCommand command{required_string(body, "email", 254), required_string(body, "password_hash", 512),
                                      optional_bool(body, "validated").value_or(false)};
        const auto id = value_or_problem(services.account_import.import_identity(agent, command));
        return json_response(201, {{"id", id}, {"validated", command.validated}});
    });

    router.add("GET", "/v1/admin/accounts", Body::none, Access::admin, [&services](const HttpRequest& request) {
        const auto agent = agent_of(request);
        return json_response(200, summary_json(value_or_problem(
                                      services.agent_actions.lookup(agent, query_of(request, "nir"), query_of(request, "email")))));
    });

    router.add("POST", "/v1/admin/accounts/{id}/password-reset", Body::json_object, Access::admin, [&services](const HttpRequest& request) {
        const auto agent = agent_of(request);
        const auto done = value_or_problem(
            services.agent_actions.reset_password(agent, id_param(request.params), required_string(request.json, "channel", 16)));
        return json_response(200, {{"channel", done.channel},
                                   {"destination", done.destination},
                                   {"valid_until", iso8601(done.valid_until)},
                                   {"message", text(Text::agent_reset_done)}});
    }, Cost::hashing);

    router.add("POST", "/v1/admin/accounts/{id}/unlock", Body::none, Access::admin, [&services](const HttpRequest& request) {
        const auto agent = agent_of(request);
        return json_response(200, summary_json(value_or_problem(services.agent_actions.unlock(agent, id_param(request.params)))));
    });

    router.add("GET", "/v1/admin/accounts/{id}/events", Body::none, Access::admin, [&services](const HttpRequest& request) {
        const auto agent = agent_of(request);
        std::size_t limit = 50;
        if (const auto text = query_of(request, "limit")) {
            const auto n = std::atoi(text->c_str());
            if (n < 1 || n > 200 || std::to_string(n) != *text)
                throw ProblemException(Error{ErrorCode::validation_error, "limit : de 1 à 200", "limit"});
            limit = static_cast<std::size_t>(n);
        }
        auto events = nlohmann::json::array();
        for (const auto& e : value_or_problem(services.agent_actions.events(agent, id_param(request.params), limit)))
            events.push_back({{"kind", to_string(e.event.kind)},
                              {"detail", e.event.detail},
                              {"agent_id", e.event.agent_id ? nlohmann::json(*e.event.agent_id) : nlohmann::json(nullptr)},
                              {"at", iso8601(e.at)}});
        return json_response(200, events);
    });
}

}  // namespace guichet::api
