#pragma once
// Port: the current time. Rules that depend on "today" (birth date not in the future, expiries)
// take it from here so tests can fix it.
#include <chrono>

#include "domain/birth_date.hpp"

namespace guichet {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::chrono::system_clock::time_point now() const = 0;
    // The civil date in UTC; a birth date typed in Paris near midnight is at most one day off.
    CalendarDate today() const {
        const auto days = std::chrono::floor<std::chrono::days>(now());
        const std::chrono::year_month_day ymd{days};
        return CalendarDate{static_cast<int>(ymd.year()), static_cast<int>(unsigned(ymd.month())),
                            static_cast<int>(unsigned(ymd.day()))};
    }
};

}  // namespace guichet
