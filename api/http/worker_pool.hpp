#pragma once
// A fixed set of threads with a bounded queue. Pistache runs handlers on its event-loop threads,
// where one blocking call (Argon2id, a database round trip) stalls every connection of that
// loop; so the server only parses there and hands each request to one of two such pools: one
// for the requests that hash a password, one for everything else (api/http/server.cpp).
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
    // nice > 0 lowers the scheduling priority of the pool's threads (Linux: per thread), so other
    // threads of the process win the CPU when both want it; 0 leaves them as they are.
    WorkerPool(unsigned threads, std::size_t max_queued, int nice = 0);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // False when the queue is full: the caller answers 503 at once rather than queue unbounded work.
    bool try_submit(std::function<void()> task);
    void stop();  // finishes queued tasks, then joins
    std::size_t queued();  // tasks waiting for a thread (/metrics)

private:
    void loop();
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> queue_;
    std::size_t max_queued_;
    int nice_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

// General pool (every request that does not hash a password): these requests spend most of their
// time waiting on PostgreSQL, not on a core, so the pool is larger than the machine: cores × 2 + 4
// (8 on 2 cores, as many as the default PostgreSQL pool). On 2 cores 4, 8 or 16 threads gave the
// same GET /v1/me throughput (the CPU is the limit there, see docs/PERFORMANCE.md). It has no
// Argon2id to run, so a GET /v1/me never waits behind a login.
unsigned default_worker_threads();

// Hashing pool (routes marked Cost::hashing: login, account import, registration steps, password
// reset and change): Argon2id (m=19 MiB, t=2) is CPU- and memory-bound, but a login also waits
// on PostgreSQL (two round trips), so cores + 2 threads keep every core hashing while two of them
// wait (GUICHET_HASHING_THREADS sets another size: a distant database makes the waits longer).
// At most one hash per core runs whatever the size (Argon2idHasher), so hashing memory is capped
// at cores × 19 MiB. At nice 19 (ServerOptions::hashing_nice) so cheap requests win the cores
// when both want them; the bounded queue (256 by default) answers the excess of a login storm
// 503 + Retry-After.
unsigned default_hashing_threads();

}  // namespace guichet::api
