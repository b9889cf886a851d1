#pragma once
// PostgreSQL adapter of the security event log (migrations/0009, 0014).
#include <pqxx/transaction_base>

#include "domain/events/security_events.hpp"

namespace guichet::infra {

class PgSecurityEventLog final : public SecurityEventLog {
public:
    explicit PgSecurityEventLog(pqxx::transaction_base& tx) : tx_(tx) {}
    void record(const SecurityEvent& event) override;
    std::vector<RecordedSecurityEvent> list(AccountId account, std::size_t limit) override;

private:
    pqxx::transaction_base& tx_;
};

}  // namespace guichet::infra
