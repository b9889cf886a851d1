#pragma once
// The PostgreSQL adapter of the readiness probe: a pooled connection that answers SELECT 1.
#include "domain/health.hpp"
#include "infra/postgres/pool.hpp"

namespace guichet::infra {

class PgReadinessProbe final : public ReadinessProbe {
public:
    explicit PgReadinessProbe(ConnectionPool& pool) : pool_(pool) {}
    bool ready() override;

private:
    ConnectionPool& pool_;
};

}  // namespace guichet::infra
