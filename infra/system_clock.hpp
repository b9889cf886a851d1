#pragma once
#include "domain/clock.hpp"

namespace guichet::infra {

class SystemClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace guichet::infra
