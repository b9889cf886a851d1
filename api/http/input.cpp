#include "api/http/input.hpp"

#include <charconv>

#include "api/problem.hpp"

namespace guichet::api {

namespace {

[[noreturn]] void bad(const char* field, const std::string& detail) {
    throw ProblemException(Error{ErrorCode::validation_error, detail, field});
}

std::string checked(const nlohmann::json& value, const char* field, std::size_t max_bytes) {
    if (!value.is_string()) bad(field, std::string("le champ ") + field + " doit être une chaîne");
    auto s = value.get<std::string>();
    if (s.size() > max_bytes) bad(field, std::string("le champ ") + field + " est trop long");
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) bad(field, std::string("le champ ") + field + " contient un caractère de contrôle");
    }
    return s;
}

}  // namespace

std::string required_string(const nlohmann::json& object, const char* field, std::size_t max_bytes) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) bad(field, std::string("le champ ") + field + " est obligatoire");
    return checked(*it, field, max_bytes);
}

std::optional<std::string> optional_string(const nlohmann::json& object, const char* field, std::size_t max_bytes) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) return std::nullopt;
    return checked(*it, field, max_bytes);
}

std::optional<bool> optional_bool(const nlohmann::json& object, const char* field) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) bad(field, std::string("le champ ") + field + " doit être true ou false");
    return it->get<bool>();
}

bool required_bool(const nlohmann::json& object, const char* field) {
    auto value = optional_bool(object, field);
    if (!value) bad(field, std::string("le champ ") + field + " est obligatoire");
    return *value;
}

const nlohmann::json& optional_object(const nlohmann::json& object, const char* field) {
    static const nlohmann::json empty = nlohmann::json::object();
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) return empty;
    if (!it->is_object()) bad(field, std::string("le champ ") + field + " doit être un objet");
    return *it;
}

std::int64_t id_param(const std::map<std::string, std::string>& params, const char* name) {
    const auto& text = params.at(name);
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || p != text.data() + text.size() || id <= 0)
        throw ProblemException(Error{ErrorCode::not_found, "identifiant inconnu"});
    return id;
}

}  // namespace guichet::api
