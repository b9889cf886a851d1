#include "infra/postgres/pg_readiness_probe.hpp"

#include <pqxx/except>
#include <pqxx/nontransaction>

namespace guichet::infra {

bool PgReadinessProbe::ready() {
    // Like a unit of work, a connection found broken (the server restarted) is replaced once.
    for (int attempt = 1; attempt <= 2; ++attempt) {
        try {
            auto conn = pool_.acquire();
            try {
                pqxx::nontransaction tx(*conn);
                tx.exec("SELECT 1");
                return true;
            } catch (const pqxx::broken_connection&) {
                conn.discard();
                pool_.discard_idle();
            }
        } catch (const std::exception&) {
            return false;
        }
    }
    return false;
}

}  // namespace guichet::infra
