#pragma once
// Retention (issue 15): what the service forgets, and when. Every table that callers can grow is
// purged once its rows are of no use any more, and never before: a live flow, link, code,
// session or pending message, a lock, a limit still inside its window stay. Member records,
// accounts and Connect identities are never purged. The numbers are here, in one place; the
// Purger port (purger.hpp) deletes, the Purge use case (service/retention/purge.hpp) drives it.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace guichet {

// X(kind): each kind of row purged, in the order a purge takes them. Adding one is one line here,
// its cutoff in RetentionRules::cutoffs and its statement in the adapter.
#define GUICHET_PURGE_KINDS(X) \
    X(flows)                   \
    X(links)                   \
    X(codes)                   \
    X(pending_passwords)       \
    X(login_throttle)          \
    X(rate_limits)             \
    X(limit_windows)           \
    X(sent_messages)           \
    X(dead_messages)           \
    X(oidc_requests)           \
    X(oidc_codes)              \
    X(oidc_refresh_tokens)     \
    X(oidc_grants)             \
    X(sessions)                \
    X(security_events)

enum class PurgeKind {
#define GUICHET_PURGE_KIND_ENUM(name) name,
    GUICHET_PURGE_KINDS(GUICHET_PURGE_KIND_ENUM)
#undef GUICHET_PURGE_KIND_ENUM
};

inline constexpr PurgeKind kPurgeKinds[] = {
#define GUICHET_PURGE_KIND_VALUE(name) PurgeKind::name,
    GUICHET_PURGE_KINDS(GUICHET_PURGE_KIND_VALUE)
#undef GUICHET_PURGE_KIND_VALUE
};
inline constexpr std::size_t kPurgeKindCount = std::size(kPurgeKinds);

// The stable name of a kind: a key of the purge's log line and of `guichet purge`'s output.
std::string_view to_string(PurgeKind kind);

// A time before which what ended is due, per kind.
using PurgeCutoffs = std::array<std::chrono::system_clock::time_point, kPurgeKindCount>;

struct RetentionRules {
    // Flows, links and codes are kept a day after they expired or were used, and an expired
    // pending password a day after its expiry: for that day a member who comes back still reads
    // `flow_expired`, `link_expired` or `code_expired` rather than `not_found`, and every
    // cooldown that reads them (a minute between codes, 5 minutes between reset links) is over.
    std::chrono::hours grace{24};
    // Failed logins below the lock are forgotten after 30 days without an attempt on that
    // identifier (known or not alike, so forgetting tells nothing). A lock is never purged: it
    // stays until an unlock, a reset or an agent lifts it (domain/lockout/login_throttle.hpp).
    std::chrono::days throttle_idle{30};
    std::chrono::days sent_messages{30};    // after sending (letters: after printing)
    std::chrono::days dead_messages{90};    // dead or expired, after their last attempt; pending ones never
    std::chrono::days ended_sessions{30};   // after revocation or expiry, with their refresh tokens
    // OpenID Connect: sign-in requests, codes and the sites' refresh tokens a day after they
    // expired (or, codes, were used), like links; a revoked grant after 30 days, like a session
    // (a grant of a purged session goes with it).
    std::chrono::days security_events{400};  // GUICHET_EVENT_RETENTION_DAYS

    // Request rates (GCRA) and exact windows are due the moment they would allow a whole quota
    // again, which is the moment their row tells the same as no row: their cutoff is now.
    PurgeCutoffs cutoffs(std::chrono::system_clock::time_point now) const;
};

// Rows purged, per kind.
struct PurgeCounts {
    std::array<std::uint64_t, kPurgeKindCount> rows{};
    std::uint64_t& operator[](PurgeKind kind) { return rows[static_cast<std::size_t>(kind)]; }
    std::uint64_t operator[](PurgeKind kind) const { return rows[static_cast<std::size_t>(kind)]; }
    std::uint64_t total() const;
};

}  // namespace guichet
