#pragma once
// PostgreSQL adapter of the security event log (migrations/0009).
#include <pqxx/transaction_base>

#include "domain/events/security_events.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace event_sql {

inline constexpr Statement record{"event_record", R"sql(
INSERT INTO security_events (account_id, kind, detail, agent_id) VALUES ($1, $2, $3, $4)
)sql"};

// The recorded events and, as logins, the account's sessions (see the port).
inline constexpr Statement list{"event_list", R"sql(
SELECT kind, detail, agent_id, at FROM (
    SELECT kind, detail, agent_id, extract(epoch FROM created_at)::float8 AS at, id AS seq
    FROM security_events WHERE account_id = $1
    UNION ALL
    SELECT 'login_succeeded', opened_by, NULL, extract(epoch FROM created_at)::float8, 0
    FROM sessions WHERE account_id = $1
) e ORDER BY at DESC, seq DESC LIMIT $2
)sql"};

}  // namespace event_sql

class PgSecurityEventLog final : public SecurityEventLog {
public:
    explicit PgSecurityEventLog(pqxx::transaction_base& tx) : tx_(tx) {}
    void record(const SecurityEvent& event) override;
    std::vector<RecordedSecurityEvent> list(AccountId account, std::size_t limit) override;

private:
    pqxx::transaction_base& tx_;
};

}  // namespace guichet::infra
