#pragma once
// Reading fields of a JSON body with clear errors: a missing field, a wrong type or a string with
// control characters (NUL included) answers 400 validation_error naming the field.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace guichet::api {

std::string required_string(const nlohmann::json& object, const char* field, std::size_t max_bytes = 1024);
std::optional<std::string> optional_string(const nlohmann::json& object, const char* field,
                                           std::size_t max_bytes = 1024);
bool required_bool(const nlohmann::json& object, const char* field);
std::optional<bool> optional_bool(const nlohmann::json& object, const char* field);
// The positive integer of path parameter `name` ("/…/{id}"): anything else is not_found.
std::int64_t id_param(const std::map<std::string, std::string>& params, const char* name = "id");
// A nested object, or an empty object when absent or null.
const nlohmann::json& optional_object(const nlohmann::json& object, const char* field);

}  // namespace guichet::api
