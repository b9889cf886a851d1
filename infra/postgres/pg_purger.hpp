#pragma once
// The Purger port on PostgreSQL (domain/retention/purger.hpp): one pooled connection for a whole
// purge, holding a session-level advisory lock that only one connection of the database can
// hold, and one statement per batch, which is its own transaction (autocommit). Every batch
// reads its rows through an index on what makes them due (migrations/0018), oldest first, and
// skips the rows another transaction holds (FOR UPDATE SKIP LOCKED), except rate_limits, which
// has no index but its key (an index on tat_us would forbid the HOT updates that keep it small
// under a flood, migrations/0012): it is swept in ranges of blocks (a TID range scan).
#include "domain/lockout/login_throttle.hpp"
#include "domain/retention/purger.hpp"
#include "infra/postgres/pool.hpp"

namespace guichet::infra {

class PgPurger final : public Purger {
public:
    PgPurger(ConnectionPool& pool, LockoutPolicy lockout) : pool_(pool), lockout_(lockout) {}
    bool exclusively(const std::function<void(PurgeBatches&)>& work) override;
    // The table a kind is purged from (pending passwords: erased from accounts), for `guichet purge`.
    static std::string_view table_of(PurgeKind kind);

private:
    ConnectionPool& pool_;
    LockoutPolicy lockout_;
};

}  // namespace guichet::infra
