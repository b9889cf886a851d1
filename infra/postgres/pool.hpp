#pragma once
// A bounded pool of PostgreSQL connections (libpqxx has none, and a pqxx::connection must not be
// shared between threads): one connection per unit of work. Connections open lazily up to `size`
// and prepare every statement (all_statements(), statement.hpp) as they open. A connection that broke
// is discarded, so the next unit of work opens a fresh one: the pool recovers by itself when the
// server restarts.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/connection>

namespace guichet::infra {

class ConnectionPool {
public:
    ConnectionPool(std::string url, std::size_t size,
                   std::chrono::milliseconds acquire_timeout = std::chrono::seconds(5));
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    class Lease {
    public:
        Lease(ConnectionPool& pool, std::unique_ptr<pqxx::connection> conn)
            : pool_(&pool), conn_(std::move(conn)) {}
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        pqxx::connection& operator*() { return *conn_; }
        pqxx::connection* operator->() { return conn_.get(); }
        // The connection is unusable (broken, or in an unknown state): close it, do not reuse it.
        void discard() { conn_.reset(); }

    private:
        ConnectionPool* pool_;
        std::unique_ptr<pqxx::connection> conn_;
    };

    // Throws guichet::Unavailable when no connection frees up in time or the server is down.
    Lease acquire();
    // Opens and prepares one connection now: start-up fails early on a bad URL or bad SQL.
    void warm_up();
    // A connection was found broken: the server probably restarted, so the idle ones are broken
    // too. Closing them now spares the next units of work from finding out one by one.
    void discard_idle();

    struct Stats {
        std::size_t size, open, in_use;
        std::uint64_t waits;        // acquisitions that found every connection leased
        double wait_seconds;        // their total wait
    };
    Stats stats();

private:
    friend class Lease;
    void give_back(std::unique_ptr<pqxx::connection> conn);
    std::unique_ptr<pqxx::connection> open();

    std::string url_;
    std::size_t size_;
    std::chrono::milliseconds acquire_timeout_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<pqxx::connection>> idle_;
    std::size_t open_count_ = 0;  // idle + leased
    std::uint64_t waits_ = 0;
    double wait_seconds_ = 0;
};

}  // namespace guichet::infra
