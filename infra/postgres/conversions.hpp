#pragma once
// Values crossing the driver. Timestamps go as seconds since the epoch (SELECT extract(epoch
// FROM …)::float8, to_timestamp($n)): no time-zone or text-format parsing on either side.
// Binary strings (ciphertexts, blind indexes) go as bytea parameters. Nullable parameters go as
// text or a null pointer (this libpqxx takes no std::optional).
#include <chrono>
#include <cstdint>
#include <optional>
#include <pqxx/binarystring>
#include <pqxx/field>
#include <string>

namespace guichet::infra {

inline pqxx::binarystring bytes(const std::string& s) { return pqxx::binarystring(s.data(), s.size()); }

inline double epoch(std::chrono::system_clock::time_point t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

inline std::chrono::system_clock::time_point from_epoch(double seconds) {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(seconds)));
}

inline std::optional<std::chrono::system_clock::time_point> optional_time(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return from_epoch(field.as<double>());
}

inline std::optional<std::string> id_text(const std::optional<std::int64_t>& id) {
    return id ? std::optional(std::to_string(*id)) : std::nullopt;
}

inline const char* or_null(const std::optional<std::string>& text) { return text ? text->c_str() : nullptr; }

}  // namespace guichet::infra
