#include "infra/postgres/pool.hpp"

#include <pqxx/except>

#include "domain/unit_of_work.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

ConnectionPool::ConnectionPool(std::string url, std::size_t size, std::chrono::milliseconds acquire_timeout)
    : url_(std::move(url)), size_(size == 0 ? 1 : size), acquire_timeout_(acquire_timeout) {}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::~Lease() {
    if (pool_ != nullptr) pool_->give_back(std::move(conn_));
}

std::unique_ptr<pqxx::connection> ConnectionPool::open() {
    try {
        auto conn = std::make_unique<pqxx::connection>(url_);
        for (const auto& s : all_statements()) {
            conn->prepare(s.name, s.sql);
            conn->prepare_now(s.name);
        }
        return conn;
    } catch (const pqxx::broken_connection& e) {
        throw Unavailable(std::string("database unreachable: ") + e.what());
    }
}

ConnectionPool::Lease ConnectionPool::acquire() {
    std::unique_lock lock(mutex_);
    if (idle_.empty() && open_count_ >= size_) {
        const auto started = std::chrono::steady_clock::now();
        const bool freed = freed_.wait_for(lock, acquire_timeout_, [this] { return !idle_.empty() || open_count_ < size_; });
        ++waits_;
        wait_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (!freed) throw Unavailable("no database connection free");
    }
    if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(conn));
    }
    ++open_count_;  // reserve the slot, then connect without holding the lock
    lock.unlock();
    try {
        return Lease(*this, open());
    } catch (...) {
        lock.lock();
        --open_count_;
        freed_.notify_one();
        throw;
    }
}

void ConnectionPool::warm_up() { (void)acquire(); }

ConnectionPool::Stats ConnectionPool::stats() {
    std::lock_guard lock(mutex_);
    return Stats{size_, open_count_, open_count_ - idle_.size(), waits_, wait_seconds_};
}

void ConnectionPool::discard_idle() {
    std::vector<std::unique_ptr<pqxx::connection>> closing;
    {
        std::lock_guard lock(mutex_);
        closing.swap(idle_);
        open_count_ -= closing.size();
    }
    freed_.notify_all();
}  // closed here, outside the lock

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> conn) {
    {
        std::lock_guard lock(mutex_);
        if (conn && conn->is_open())
            idle_.push_back(std::move(conn));
        else
            --open_count_;
    }
    freed_.notify_one();
}

}  // namespace guichet::infra
