#pragma once
// Times in JSON answers: RFC 3339, UTC, whole seconds ("2026-11-25T03:20:00Z").
#include <chrono>
#include <string>

namespace guichet::api {

std::string iso8601(std::chrono::system_clock::time_point t);

}  // namespace guichet::api
