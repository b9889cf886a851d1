#include "domain/retention/retention.hpp"

#include <numeric>

namespace guichet {

std::string_view to_string(PurgeKind kind) {
    switch (kind) {
#define GUICHET_PURGE_KIND_NAME(name) \
    case PurgeKind::name: return #name;
        GUICHET_PURGE_KINDS(GUICHET_PURGE_KIND_NAME)
#undef GUICHET_PURGE_KIND_NAME
    }
    return "unknown";
}

PurgeCutoffs RetentionRules::cutoffs(std::chrono::system_clock::time_point now) const {
    PurgeCutoffs due{};
    const auto at = [&](PurgeKind kind) -> std::chrono::system_clock::time_point& { return due[static_cast<std::size_t>(kind)]; };
    at(PurgeKind::flows) = now - grace;
    at(PurgeKind::links) = now - grace;
    at(PurgeKind::codes) = now - grace;
    at(PurgeKind::pending_passwords) = now - grace;
    at(PurgeKind::login_throttle) = now - throttle_idle;
    at(PurgeKind::rate_limits) = now;
    at(PurgeKind::limit_windows) = now;
    at(PurgeKind::sent_messages) = now - sent_messages;
    at(PurgeKind::dead_messages) = now - dead_messages;
    at(PurgeKind::oidc_requests) = now - grace;
    at(PurgeKind::oidc_codes) = now - grace;
    at(PurgeKind::oidc_refresh_tokens) = now - grace;
    at(PurgeKind::oidc_grants) = now - ended_sessions;
    at(PurgeKind::sessions) = now - ended_sessions;
    at(PurgeKind::security_events) = now - security_events;
    return due;
}

std::uint64_t PurgeCounts::total() const { return std::accumulate(rows.begin(), rows.end(), std::uint64_t{0}); }

}  // namespace guichet
