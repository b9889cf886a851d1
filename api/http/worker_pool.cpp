#include "api/http/worker_pool.hpp"

#include <sched.h>

#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace guichet::api {

namespace {

// The cores this process may use (its affinity mask, as Argon2idHasher counts them: a container
// may give fewer than the machine has).
unsigned cores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return static_cast<unsigned>(CPU_COUNT(&set));
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 2 : n;
}

void lower_priority_of_this_thread(int nice) {
#if defined(__linux__)
    // Linux schedules threads, not processes: PRIO_PROCESS with a thread id sets that thread only.
    // Raising one's own nice value needs no privilege; a failure only leaves the priority as is.
    if (nice > 0) (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice);
#else
    (void)nice;
#endif
}

}  // namespace

WorkerPool::WorkerPool(unsigned threads, std::size_t max_queued, int nice) : max_queued_(max_queued), nice_(nice) {
    if (threads == 0) threads = 1;
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
}

WorkerPool::~WorkerPool() { stop(); }

std::size_t WorkerPool::queued() {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

bool WorkerPool::try_submit(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= max_queued_) return false;
        queue_.push_back(std::move(task));
    }
    ready_.notify_one();
    return true;
}

void WorkerPool::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

void WorkerPool::loop() {
    lower_priority_of_this_thread(nice_);
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and drained
            task = std::move(queue_.front());
            queue_.pop_front();
        }
        task();  // tasks catch their own exceptions (HttpApp::handle is noexcept)
    }
}

unsigned default_worker_threads() { return cores() * 2 + 4; }

unsigned default_hashing_threads() { return cores() + 2; }

}  // namespace guichet::api
