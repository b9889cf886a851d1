#pragma once
// Ports of the purge (retention.hpp): the store deletes what is due in small batches, each one
// short transaction of its own, and only one process purges a database at a time.
#include <cstddef>
#include <cstdint>
#include <functional>

#include "domain/retention/retention.hpp"

namespace guichet {

struct PurgeBatch {
    std::uint64_t purged = 0;
    bool more = false;  // there may be more due rows of this kind: ask again
};

// What a purge holds while it runs: batches, one transaction each, so that none holds locks
// for long or stalls the requests that use the same tables.
class PurgeBatches {
public:
    virtual ~PurgeBatches() = default;
    // Deletes (pending passwords: erases) at most about `limit` rows of `kind` that are due by
    // `due` (RetentionRules::cutoffs), skipping any row that another transaction holds.
    virtual PurgeBatch purge_batch(PurgeKind kind, const PurgeCutoffs& due, std::size_t limit) = 0;
};

class Purger {
public:
    virtual ~Purger() = default;
    // Runs `work` while this process is the one purging the database; returns false at once,
    // without running it, while another process (or thread) is purging.
    virtual bool exclusively(const std::function<void(PurgeBatches&)>& work) = 0;
};

}  // namespace guichet
