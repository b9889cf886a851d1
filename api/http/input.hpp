#pragma once
// Reading fields of a JSON body with clear errors: a missing field, a wrong type or a string with
// control characters (NUL included) answers 400 validation_error naming the field.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/error.hpp"

namespace guichet::api {

// The string field `field`: empty when absent or null; validation_error when it is not a string,
// is longer than `max_bytes` or holds a control character. The throwing readers below use it.
Result<std::optional<std::string>> string_field(const nlohmann::json& object, std::string_view field, std::size_t max_bytes);

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
