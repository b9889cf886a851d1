#pragma once
// JSON log lines (one object per line, spdlog pattern "%v"). Callers pass only what is safe to
// log: route patterns rather than paths with values, masked identifiers, never a body.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace guichet::api {

void log_json(spdlog::level::level_enum level, nlohmann::json event);

}  // namespace guichet::api
