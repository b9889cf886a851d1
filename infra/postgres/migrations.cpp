#include "infra/postgres/migrations.hpp"

#include <pqxx/pqxx>
#include <set>

namespace guichet::infra {

namespace {
// Any constant shared by every guichet process; "guic" in ASCII.
constexpr long long kMigrationLockKey = 0x67756963;
}  // namespace

MigrationReport migrate(const std::string& database_url, const std::vector<Migration>& migrations) {
    pqxx::connection conn{database_url};
    pqxx::work tx{conn, "migrate"};
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY,"
        " name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    std::set<int> applied;
    for (const auto& row : tx.exec("SELECT version FROM schema_migrations")) applied.insert(row["version"].as<int>());

    MigrationReport report;
    for (const auto& m : migrations) {
        if (applied.contains(m.version)) continue;
        tx.exec(m.sql, "migration " + m.name);
        tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name);
        report.applied.push_back(m.name);
        applied.insert(m.version);
    }
    tx.commit();
    report.current_version = applied.empty() ? 0 : *applied.rbegin();
    return report;
}

}  // namespace guichet::infra
