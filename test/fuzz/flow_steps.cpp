// Flow step bodies (POST /v1/flows/{id}/steps/{step}, service/flows/) through the app, from the
// states the flows reach with real members. The input's first byte picks a flow and the state it
// was brought to; the rest is steps separated by "===" lines, each its name on the first line
// and its JSON body after. $-placeholders (app_world.hpp) work, e.g. {"code":"$code"}.
#include <array>

#include "app_world.hpp"

using namespace guichet;

namespace {

constexpr const char* kJson = "content-type: application/json\n";
constexpr const char* kBearer = "content-type: application/json\nauthorization: Bearer $access\n";

struct Scenario {
    const char* name;
    std::vector<std::string> prelude;  // requests, in the format of app_world.hpp; each answers 2xx…
    int failures = 0;                  // …after this many wrong logins of 184027512345674 (3 lock it)
    bool bearer = false;               // the steps carry the session's token
};

const std::vector<Scenario>& scenarios() {
    const std::string registration = std::string("POST /v1/flows/registration\n") + kJson + "\n{\"nir\":\"2690299350042\"}";
    const std::string identity = std::string("POST /v1/flows/$id/steps/identity\n") + kJson +
                                 "\n{\"mode\":\"new\",\"email\":\"claire.durand@exemple.fr\",\"password\":\"Vacances-Ete2026!\","
                                 "\"password_confirmation\":\"Vacances-Ete2026!\",\"secret_question_id\":\"birth_city\",\"secret_answer\":\"Quimper\"}";
    const auto recovery = [](const char* nir) {
        return std::string("POST /v1/flows/recovery\n") + kJson + "\n{\"identifier\":\"" + nir + "\",\"birth_date\":\"29/02/1984\"}";
    };
    const std::string sms = std::string("POST /v1/flows/$id/steps/channel\n") + kJson + "\n{\"channel\":\"sms\"}";
    const std::string code = std::string("POST /v1/flows/$id/steps/code\n") + kJson + "\n{\"code\":\"$code\"}";
    const std::string login = std::string("POST /v1/sessions\n") + kJson + "\n{\"identifier\":\"184027512345674\",\"password\":\"" +
                              fuzz::kPassword + "\"}";
    const std::string switch_start = std::string("POST /v1/flows/identifier-switch\n") + kBearer + "\n";
    const std::string new_email = std::string("POST /v1/flows/$id/steps/email\n") + kBearer + "\n{\"email\":\"jean.nouveau@exemple.fr\"}";
    static const std::vector<Scenario> all{
        {"registration: identity", {registration}},
        {"registration: personal_info", {registration, identity}},
        {"recovery: channel", {recovery("184027512345674")}},
        {"recovery: code", {recovery("184027512345674"), sms}},
        {"recovery: security_answer (never logged in)", {recovery("175057505612393"), sms, code}},
        {"unlock: channel", {std::string("POST /v1/flows/unlock\n") + kJson + "\n{\"nir\":\"184027512345674\",\"birth_date\":\"29/02/1984\"}"}, 3},
        {"identifier switch: email", {login, switch_start}, 0, true},
        {"identifier switch: credentials", {login, switch_start, new_email}, 0, true},
    };
    return all;
}

void check_flow(const nlohmann::json& flow, const std::string& id) {
    FUZZ_CHECK(flow.is_object() && flow.value("id", "") == id);
    FUZZ_CHECK(flow["type"].is_string() && flow["state"].is_string() && flow["expires_at"].is_string());
    FUZZ_CHECK(flow["next_steps"].is_array() && flow["messages"].is_array());
    for (const auto& step : flow["next_steps"]) FUZZ_CHECK(step["name"].is_string() && step["fields"].is_array());
    for (const auto& message : flow["messages"]) FUZZ_CHECK(message["code"].is_string() && message["text"].is_string());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto input = fuzz::text_of(data, size);
    if (input.empty()) return 0;
    const auto& scenario = scenarios()[static_cast<unsigned char>(input[0]) % scenarios().size()];
    input.remove_prefix(1);

    fuzz::AppWorld world;
    for (int i = 0; i < scenario.failures; ++i)
        world.call(world.request_of(std::string("POST /v1/sessions\n") + kJson + "\n{\"identifier\":\"184027512345674\",\"password\":\"faux\"}"));
    for (const auto& text : scenario.prelude) {
        const auto response = world.call(world.request_of(text));
        if (response.status >= 300) {  // the scenario no longer reaches its state: a harness to fix
            std::fprintf(stderr, "%s: %s answered %d %s\n", scenario.name, text.c_str(), response.status, response.body.c_str());
            std::abort();
        }
    }
    const auto flow_id = world.last["id"];
    for (const auto step : fuzz::requests_of(input)) {
        const auto newline = std::min(step.find('\n'), step.size());
        world.last["id"] = flow_id;
        auto request = world.request_of(std::string("POST /v1/flows/$id/steps/") + std::string(step.substr(0, newline)) + "\n" +
                                        (scenario.bearer ? kBearer : kJson) + "\n" +
                                        std::string(step.substr(std::min(newline + 1, step.size()))));
        const auto response = world.call(request);
        if (response.status == 200) check_flow(nlohmann::json::parse(response.body), flow_id);
        world.last["id"] = flow_id;  // an answer's "id" may be another thing's
    }
    return 0;
}
