#include "infra/postgres/event_log.hpp"

#include <pqxx/result>

#include "infra/postgres/conversions.hpp"

namespace guichet::infra {

void PgSecurityEventLog::record(const SecurityEvent& e) {
    tx_.exec_prepared(event_sql::record.name, e.account_id, std::string(to_string(e.kind)), e.detail,
                      e.agent_id ? e.agent_id->c_str() : nullptr);
}

std::vector<RecordedSecurityEvent> PgSecurityEventLog::list(AccountId account, std::size_t limit) {
    std::vector<RecordedSecurityEvent> out;
    for (const auto& row : tx_.exec_prepared(event_sql::list.name, account, static_cast<long long>(limit))) {
        const auto kind = security_event_kind_from(row[0].as<std::string>());
        if (!kind) continue;  // written by a newer version: not ours to show
        SecurityEvent e{account, *kind, row[1].as<std::string>()};
        if (!row[2].is_null()) e.agent_id = row[2].as<std::string>();
        out.push_back(RecordedSecurityEvent{std::move(e), from_epoch(row[3].as<double>())});
    }
    return out;
}

}  // namespace guichet::infra
