#pragma once
// Use case: forget what is due (domain/retention/retention.hpp). `guichet purge` runs it once;
// every `guichet serve` runs it every GUICHET_PURGE_INTERVAL_SECONDS in a PurgeLoop. Batches of
// `batch_size` rows, kind after kind, each batch one short transaction, while this process is
// the only one purging the database.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "domain/clock.hpp"
#include "domain/retention/purger.hpp"

namespace guichet {

class Purge {
public:
    Purge(Purger& purger, const Clock& clock, const RetentionRules& rules, std::size_t batch_size = 1000);
    // Everything due now. `go_on` is asked before every batch after the first; false stops the
    // purge there (what was purged stays purged). nullopt: another process is purging.
    std::optional<PurgeCounts> run(const std::function<bool()>& go_on = {});

private:
    Purger& purger_;
    const Clock& clock_;
    const RetentionRules& rules_;
    std::size_t batch_size_;
};

// What a purge did, for the log line.
struct PurgeReport {
    PurgeCounts counts;
    std::chrono::milliseconds took{0};
};

// A thread that purges every `interval`, the first time one interval after it starts, and waits
// `pause` between two batches, so that a long purge leaves PostgreSQL to the requests for a
// while after each batch. stop() wakes it and returns once it has stopped (within one batch).
class PurgeLoop {
public:
    using Observer = std::function<void(const PurgeReport&)>;
    using ErrorObserver = std::function<void(const std::string&)>;
    PurgeLoop(Purge& purge, std::chrono::milliseconds interval, std::chrono::milliseconds pause, Observer on_purged,
              ErrorObserver on_error);
    ~PurgeLoop();
    PurgeLoop(const PurgeLoop&) = delete;
    PurgeLoop& operator=(const PurgeLoop&) = delete;
    void stop();

private:
    void run();
    // Waits `d` unless stopped meanwhile; false when stopping.
    bool wait(std::chrono::milliseconds d);
    Purge& purge_;
    std::chrono::milliseconds interval_;
    std::chrono::milliseconds pause_;
    Observer on_purged_;
    ErrorObserver on_error_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace guichet
