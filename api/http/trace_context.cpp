#include "api/http/trace_context.hpp"

#include <algorithm>

namespace guichet::api {

namespace {
bool is_hex(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
bool all_zeros(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }
}  // namespace

std::optional<std::string> trace_id_of(std::string_view t) {
    if (t.size() < 55 || t[2] != '-' || t[35] != '-' || t[52] != '-') return std::nullopt;
    const auto version = t.substr(0, 2), trace = t.substr(3, 32), parent = t.substr(36, 16), flags = t.substr(53, 2);
    if (!is_hex(version) || version == "ff" || !is_hex(trace) || !is_hex(parent) || !is_hex(flags)) return std::nullopt;
    if (version == "00" ? t.size() != 55 : (t.size() > 55 && t[55] != '-')) return std::nullopt;
    if (all_zeros(trace) || all_zeros(parent)) return std::nullopt;
    return std::string(trace);
}

}  // namespace guichet::api
