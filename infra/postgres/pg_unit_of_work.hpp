#pragma once
// The PostgreSQL adapter of the UnitOfWork port: one pooled connection and one transaction per
// call; the repositories handed to the work all write through that transaction.
#include "domain/unit_of_work.hpp"
#include "infra/crypto/data_cipher.hpp"
#include "infra/postgres/limit_memory.hpp"
#include "infra/postgres/pool.hpp"
#include "infra/postgres/session_cache.hpp"

namespace guichet::infra {

class PgUnitOfWork final : public UnitOfWork {
public:
    // With a `cache`, autocommit reads of live sessions may be served from it, and every unit of
    // work that commits evicts the accounts it changed (infra/postgres/session_cache.hpp).
    // With `limits`, this process remembers the limits it took (limit_memory.hpp); with
    // `counters`, it counts the security events of the units of work that commit (/metrics).
    PgUnitOfWork(ConnectionPool& pool, const DataCipher& cipher, LockoutPolicy lockout = {}, SessionCache* cache = nullptr,
                 LimitMemory* limits = nullptr, SecurityEventCounters* counters = nullptr)
        : pool_(pool), cipher_(cipher), lockout_(lockout), cache_(cache), limits_(limits), counters_(counters) {}
    // Translates driver failures at the port: a lost connection or a commit in doubt becomes
    // guichet::Unavailable (503). When the connection broke before commit, the transaction
    // cannot have taken effect, so the work runs once more on a fresh connection: this is what
    // makes the first request after a database restart succeed. `work` must therefore only
    // change state through the transaction (or reset what it captured).
    void run(const std::function<void(Transaction&)>& work) override;
    void autocommit(const std::function<void(Transaction&)>& work) override;

private:
    ConnectionPool& pool_;
    const DataCipher& cipher_;
    LockoutPolicy lockout_;
    SessionCache* cache_;
    LimitMemory* limits_;
    SecurityEventCounters* counters_;
};

}  // namespace guichet::infra
