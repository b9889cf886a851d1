#include "service/retention/purge.hpp"

#include <exception>

namespace guichet {

Purge::Purge(Purger& purger, const Clock& clock, const RetentionRules& rules, std::size_t batch_size)
    : purger_(purger), clock_(clock), rules_(rules), batch_size_(batch_size) {}

std::optional<PurgeCounts> Purge::run(const std::function<bool()>& go_on) {
    PurgeCounts counts;
    bool first = true;
    const bool ran = purger_.exclusively([&](PurgeBatches& batches) {
        for (const auto kind : kPurgeKinds) {
            for (;;) {
                if (!first && go_on && !go_on()) return;
                first = false;
                // Each batch reads the clock: a long purge takes what became due meanwhile too.
                const auto batch = batches.purge_batch(kind, rules_.cutoffs(clock_.now()), batch_size_);
                counts[kind] += batch.purged;
                if (!batch.more) break;
            }
        }
    });
    if (!ran) return std::nullopt;
    return counts;
}

PurgeLoop::PurgeLoop(Purge& purge, std::chrono::milliseconds interval, std::chrono::milliseconds pause, Observer on_purged,
                     ErrorObserver on_error)
    : purge_(purge), interval_(interval), pause_(pause), on_purged_(std::move(on_purged)), on_error_(std::move(on_error)) {
    thread_ = std::thread([this] { run(); });
}

PurgeLoop::~PurgeLoop() { stop(); }

void PurgeLoop::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool PurgeLoop::wait(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, d, [this] { return stopping_; });
}

void PurgeLoop::run() {
    while (wait(interval_)) {
        try {
            const auto started = std::chrono::steady_clock::now();
            const auto counts = purge_.run([this] { return wait(pause_); });
            const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
            if (counts && counts->total() > 0) on_purged_(PurgeReport{*counts, took});
        } catch (const std::exception& e) {
            on_error_(e.what());  // database unavailable: try again at the next interval
        }
    }
}

}  // namespace guichet
