#include "api/http/input.hpp"

#include <charconv>

#include "api/problem.hpp"

namespace guichet::api {

namespace {

[[noreturn]] void bad(const char* field, const std::string& detail) {
    throw ProblemException(Error{ErrorCode::validation_error, detail, field});
}

}  // namespace

Result<std::optional<std::string>> string_field(const nlohmann::json& object, std::string_view field, std::size_t max_bytes) {
    const std::string name(field);
    const auto invalid = [&](const char* what) { return fail(ErrorCode::validation_error, "le champ " + name + what, name); };
    auto it = object.find(name);
    if (it == object.end() || it->is_null()) return std::optional<std::string>();
    if (!it->is_string()) return invalid(" doit être une chaîne");
    auto s = it->get<std::string>();
    if (s.size() > max_bytes) return invalid(" est trop long");
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return invalid(" contient un caractère de contrôle");
    }
    return std::optional<std::string>(std::move(s));
}

std::string required_string(const nlohmann::json& object, const char* field, std::size_t max_bytes) {
    auto value = optional_string(object, field, max_bytes);
    if (!value) bad(field, std::string("le champ ") + field + " est obligatoire");
    return std::move(*value);
}

std::optional<std::string> optional_string(const nlohmann::json& object, const char* field, std::size_t max_bytes) {
    auto value = string_field(object, field, max_bytes);
    if (!value) throw ProblemException(value.error());
    return std::move(*value);
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
