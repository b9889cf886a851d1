#pragma once
// PostgreSQL adapter of the security event log (migrations/0009, 0014).
#include <pqxx/transaction_base>

#include "domain/events/security_events.hpp"
#include "infra/postgres/session_cache.hpp"

namespace guichet::infra {

class PgSecurityEventLog final : public SecurityEventLog {
public:
    PgSecurityEventLog(pqxx::transaction_base& tx, CacheWrites& writes) : tx_(tx), writes_(writes) {}
    void record(const SecurityEvent& event) override;
    std::vector<RecordedSecurityEvent> list(AccountId account, std::size_t limit) override;

private:
    pqxx::transaction_base& tx_;
    CacheWrites& writes_;
};

}  // namespace guichet::infra
