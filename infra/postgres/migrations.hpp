#pragma once
// Numbered SQL migrations (migrations/NNNN_name.sql, embedded at build time) and the migrator.
#include <string>
#include <vector>

namespace guichet::infra {

struct Migration {
    int version;
    std::string name;
    std::string sql;
};

const std::vector<Migration>& embedded_migrations();

struct MigrationReport {
    std::vector<std::string> applied;  // names applied by this call, in order
    int current_version = 0;
};

// Applies every pending migration in one transaction under a PostgreSQL advisory lock, recording
// each in schema_migrations: two processes migrating at once apply each migration exactly once
// (the second waits, then finds nothing to do). Throws on a failing migration; nothing is applied.
MigrationReport migrate(const std::string& database_url, const std::vector<Migration>& migrations);

}  // namespace guichet::infra
