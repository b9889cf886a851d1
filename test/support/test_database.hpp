#pragma once
// A fresh, migrated database per test on the PostgreSQL started by scripts/test
// (GUICHET_TEST_PG_ADMIN_URL), dropped afterwards.
#include <array>
#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>
#include <string>

#include "infra/postgres/migrations.hpp"

namespace guichet::testing {

inline std::string admin_url() {
    const char* url = std::getenv("GUICHET_TEST_PG_ADMIN_URL");
    if (url == nullptr) throw std::runtime_error("GUICHET_TEST_PG_ADMIN_URL is not set: run ./scripts/test");
    return url;
}

// postgresql://user@/postgres?host=… → same server, database `name`.
inline std::string url_for_database(const std::string& admin, const std::string& name) {
    const auto slash = admin.find('/', admin.find("//") + 2);
    const auto query = admin.find('?', slash);
    return admin.substr(0, slash + 1) + name + (query == std::string::npos ? "" : admin.substr(query));
}

// A fixed GUICHET_DATA_KEY for tests; another `fill` gives another key.
inline std::array<unsigned char, 32> test_data_key(unsigned char fill = 7) {
    std::array<unsigned char, 32> key{};
    key.fill(fill);
    return key;
}

class TestDatabase {
public:
    explicit TestDatabase(bool migrated = true) {
        static std::atomic<int> counter{0};
        name_ = "t_" + std::to_string(std::random_device{}() % 1000000) + "_" + std::to_string(counter++);
        pqxx::connection admin(admin_url());
        pqxx::nontransaction(admin).exec("CREATE DATABASE " + name_);
        url_ = url_for_database(admin_url(), name_);
        if (migrated) infra::migrate(url_, infra::embedded_migrations());
    }
    ~TestDatabase() {
        try {
            pqxx::connection admin(admin_url());
            pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (...) {
        }
    }
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;
    const std::string& url() const { return url_; }
    const std::string& name() const { return name_; }

    // Ends every session on this database from the server side, as a server restart would.
    void kill_connections() const {
        pqxx::connection admin(admin_url());
        pqxx::nontransaction(admin).exec(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name_ +
            "' AND pid <> pg_backend_pid()");
    }

private:
    std::string name_, url_;
};

}  // namespace guichet::testing
