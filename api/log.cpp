#include "api/log.hpp"

#include <chrono>
#include <ctime>

namespace guichet::api {

namespace {
std::string utc_timestamp() {
    const auto now = std::chrono::system_clock::now();
    const auto t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%.*s.%03dZ", static_cast<int>(n), buf, static_cast<int>(ms));
    return out;
}
}  // namespace

void log_json(spdlog::level::level_enum level, nlohmann::json event) {
    if (!spdlog::should_log(level)) return;
    nlohmann::json line{{"ts", utc_timestamp()}, {"level", std::string(spdlog::level::to_string_view(level).data(),
                                                                       spdlog::level::to_string_view(level).size())}};
    line.update(event);
    spdlog::log(level, "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace guichet::api
