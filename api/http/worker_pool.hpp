#pragma once
// A fixed set of threads with a bounded queue. Pistache runs handlers on its event-loop threads,
// where one blocking call (Argon2id, a database round trip) stalls every connection of that
// loop; so the server only parses there and hands each request to this pool.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace guichet::api {

class WorkerPool {
public:
    WorkerPool(unsigned threads, std::size_t max_queued);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // False when the queue is full: the caller answers 503 at once rather than queue unbounded work.
    bool try_submit(std::function<void()> task);
    void stop();  // finishes queued tasks, then joins

private:
    void loop();
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> queue_;
    std::size_t max_queued_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

// Pool size: Argon2id (m=19 MiB, t=2) is CPU- and memory-bound, so more hashing threads than cores
// only queue in the kernel; the rest of a request mostly waits on PostgreSQL. Cores + 2 keeps every
// core busy hashing while two threads wait on the database, and caps hashing memory at
// (cores + 2) × 19 MiB.
unsigned default_worker_threads();

}  // namespace guichet::api
