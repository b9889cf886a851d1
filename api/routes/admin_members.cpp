// Back-office import of member records (SPEC.md §4): the CSV fields as a JSON array, recorded
// with the agent of X-Agent-Id (SPEC.md §8).
#include "api/http/input.hpp"
#include "api/problem.hpp"
#include "api/routes/routes.hpp"

namespace guichet::api {

namespace {

constexpr std::size_t kMaxRecordsPerRequest = 1000;

// A JSON record to the raw CSV-shaped record; absent or null fields are empty.
MemberRecord to_record(const nlohmann::json& item) {
    MemberRecord r;
    std::string* targets[] = {&r.nir,     &r.last_name,      &r.first_name, &r.birth_date,
                              &r.member_type, &r.email,      &r.mobile_phone, &r.landline_phone,
                              &r.address, &r.carte_vitale_serial, &r.recent_amounts};
    static_assert(std::size(targets) == std::size(kMemberFields));
    for (std::size_t i = 0; i < std::size(kMemberFields); ++i) {
        const std::string field(kMemberFields[i]);
        if (field == "address") {  // addresses may span lines on a letter
            auto it = item.find(field);
            if (it != item.end() && !it->is_null()) {
                if (!it->is_string()) throw ProblemException(Error{ErrorCode::validation_error, "chaîne attendue", field});
                *targets[i] = it->get<std::string>();
            }
        } else {
            *targets[i] = optional_string(item, field.c_str(), 1024).value_or("");
        }
    }
    return r;
}

}  // namespace

void add_admin_member_routes(Router& router, Services& services) {
    router.add("POST", "/v1/admin/members", Body::json_array, Access::admin, [&services](const HttpRequest& request) {
        const auto agent = agent_of(request);
        const auto& items = request.json;
        if (items.size() > kMaxRecordsPerRequest)
            throw ProblemException(Error{ErrorCode::payload_too_large,
                                         "au plus " + std::to_string(kMaxRecordsPerRequest) + " membres par requête"});
        std::vector<NumberedRecord> rows;
        rows.reserve(items.size());
        auto errors = nlohmann::json::array();
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (!items[i].is_object()) {
                errors.push_back({{"index", i}, {"field", ""}, {"code", "validation_error"}, {"detail", "objet attendu"}});
                continue;
            }
            try {
                rows.push_back({i, to_record(items[i])});
            } catch (const ProblemException& e) {
                errors.push_back({{"index", i}, {"field", e.error.field}, {"code", "validation_error"}, {"detail", e.error.detail}});
            }
        }
        if (errors.empty()) {
            auto result = services.member_import.run(agent, rows);
            if (result)
                return json_response(200, {{"created", result->created}, {"updated", result->updated}, {"unchanged", result->unchanged}});
            for (const auto& e : result.error())
                errors.push_back({{"index", e.position}, {"field", e.field}, {"code", to_string(e.code)}, {"detail", e.detail}});
        }
        auto response = problem_response(Error{ErrorCode::validation_error, "des membres sont invalides ; aucun n'a été importé"}, request.path);
        auto body = nlohmann::json::parse(response.body);
        body["errors"] = errors;
        response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return response;
    });
}

}  // namespace guichet::api
