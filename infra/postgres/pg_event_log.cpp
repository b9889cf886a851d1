#include "infra/postgres/pg_event_log.hpp"

#include <pqxx/result>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

GUICHET_SQL(event_record, R"sql(
INSERT INTO security_events (account_id, kind, detail, agent_id) VALUES ($1, $2, $3, $4)
)sql");

// The recorded events and, as logins, the account's sessions (see the port).
GUICHET_SQL(event_list, R"sql(
SELECT kind, detail, agent_id, at FROM (
    SELECT kind, detail, agent_id, extract(epoch FROM created_at)::float8 AS at, id AS seq
    FROM security_events WHERE account_id = $1
    UNION ALL
    SELECT 'login_succeeded', opened_by, NULL, extract(epoch FROM created_at)::float8, 0
    FROM sessions WHERE account_id = $1
) e ORDER BY at DESC, seq DESC LIMIT $2
)sql");

}  // namespace

void PgSecurityEventLog::record(const SecurityEvent& e) {
    const auto account = id_text(e.account_id);
    tx_.exec_prepared(event_record.name, or_null(account), std::string(to_string(e.kind)), e.detail, or_null(e.agent_id));
    writes_.events.push_back(e.kind);
}

std::vector<RecordedSecurityEvent> PgSecurityEventLog::list(AccountId account, std::size_t limit) {
    std::vector<RecordedSecurityEvent> out;
    for (const auto& row : tx_.exec_prepared(event_list.name, account, static_cast<long long>(limit))) {
        const auto kind = security_event_kind_from(row["kind"].as<std::string>());
        if (!kind) continue;  // written by a newer version: not ours to show
        SecurityEvent e{account, *kind, row["detail"].as<std::string>()};
        if (!row["agent_id"].is_null()) e.agent_id = row["agent_id"].as<std::string>();
        out.push_back(RecordedSecurityEvent{std::move(e), from_epoch(row["at"].as<double>())});
    }
    return out;
}

}  // namespace guichet::infra
