#pragma once
#include <pqxx/binarystring>
#include <pqxx/transaction_base>

#include "domain/limits/limits.hpp"
#include "infra/crypto/data_cipher.hpp"
#include "infra/postgres/limit_memory.hpp"

namespace guichet::infra {

// The Limits port on PostgreSQL: GCRA (rate_limits) or an exact window (limit_windows) in one
// INSERT … ON CONFLICT … RETURNING on the key's row, whose row lock orders the takes of every
// process. Keys are stored as a blind index.
// With a `memory`, refusals (and, outside a transaction, leases) are remembered and answered
// from it (limit_memory.hpp). Leases only outside a transaction: a lease taken in a transaction
// that rolls back would be spent without having been counted.
class PgLimits final : public Limits {
public:
    PgLimits(pqxx::transaction_base& tx, const DataCipher& cipher, LimitMemory* memory, bool autocommit)
        : tx_(tx), cipher_(cipher), memory_(memory), autocommit_(autocommit) {}
    LimitDecision take(const LimitPolicy& policy, const std::string& key, LimitClock::time_point now) override;

private:
    LimitDecision take_window(const LimitPolicy& policy, const std::string& key, const pqxx::binarystring& index,
                              LimitClock::time_point now);
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
    LimitMemory* memory_;
    bool autocommit_;
};

// Where waiting is not allowed (NoWaiting): what the memory can answer, WouldWait otherwise.
class MemoryLimits final : public Limits {
public:
    explicit MemoryLimits(LimitMemory* memory) : memory_(memory) {}
    LimitDecision take(const LimitPolicy& policy, const std::string& key, LimitClock::time_point now) override;

private:
    LimitMemory* memory_;
};

}  // namespace guichet::infra
