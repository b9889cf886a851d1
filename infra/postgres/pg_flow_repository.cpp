#include "infra/postgres/pg_flow_repository.hpp"

#include <pqxx/binarystring>
#include <pqxx/result>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

GUICHET_SQL(flow_create, R"sql(
INSERT INTO flows (id, type, state, sealed, expires_at) VALUES ($1, $2, $3, $4, to_timestamp($5))
)sql");

GUICHET_SQL(flow_find, R"sql(
SELECT id, type, state, attempts, sealed, extract(epoch FROM expires_at)::float8 AS expires_at, version FROM flows WHERE id = $1
)sql");

GUICHET_SQL(flow_advance, R"sql(
UPDATE flows SET state = $3, sealed = $4, attempts = 0, version = version + 1, updated_at = now()
WHERE id = $1 AND state = $2 AND version = $5
RETURNING id
)sql");

GUICHET_SQL(flow_count_attempt, R"sql(
UPDATE flows SET attempts = attempts + 1, updated_at = now() WHERE id = $1 RETURNING attempts
)sql");

GUICHET_SQL(flow_extend, R"sql(
UPDATE flows SET expires_at = to_timestamp($2), updated_at = now() WHERE id = $1
)sql");

}  // namespace

void PgFlowRepository::create(const FlowRecord& f) {
    tx_.exec_prepared(flow_create.name, f.id, f.type, f.state, bytes(cipher_.encrypt(f.data, "flow:" + f.id)),
                      epoch(f.expires_at));
}

std::optional<FlowRecord> PgFlowRepository::find(const std::string& id) {
    const auto r = tx_.exec_prepared(flow_find.name, id);
    if (r.empty()) return std::nullopt;
    const auto row = r[0];
    const pqxx::binarystring sealed(row["sealed"]);
    auto data = cipher_.decrypt(sealed.str(), "flow:" + id);
    if (!data) throw std::runtime_error("flow data does not decrypt");
    return FlowRecord{row["id"].as<std::string>(), row["type"].as<std::string>(), row["state"].as<std::string>(),
                      row["attempts"].as<int>(), std::move(*data), from_epoch(row["expires_at"].as<double>()),
                      row["version"].as<int>()};
}

bool PgFlowRepository::advance(const std::string& id, const std::string& from, int version, const std::string& to,
                               const std::string& data) {
    return !tx_.exec_prepared(flow_advance.name, id, from, to, bytes(cipher_.encrypt(data, "flow:" + id)), version).empty();
}

void PgFlowRepository::extend(const std::string& id, std::chrono::system_clock::time_point expires_at) {
    tx_.exec_prepared(flow_extend.name, id, epoch(expires_at));
}

int PgFlowRepository::count_attempt(const std::string& id) {
    const auto r = tx_.exec_prepared(flow_count_attempt.name, id);
    return r.empty() ? 0 : r[0]["attempts"].as<int>();
}

}  // namespace guichet::infra
