// Every statement defined with GUICHET_SQL is registered, and prepared by every pooled connection
// when it opens: a statement the pool did not prepare would only fail on its first use.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "infra/postgres/pool.hpp"
#include "infra/postgres/statement.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

// The names given to GUICHET_SQL in infra/postgres, read from the sources, one per definition.
std::multiset<std::string> defined_in_sources() {
    const std::regex definition(R"(^\s*GUICHET_SQL\(\s*(\w+)\s*,)");
    std::multiset<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(GUICHET_SOURCE_DIR) / "infra/postgres")) {
        const auto ext = entry.path().extension();
        if (ext != ".cpp" && ext != ".hpp") continue;
        std::ifstream in(entry.path());
        std::smatch m;
        for (std::string line; std::getline(in, line);)
            if (std::regex_search(line, m, definition)) names.insert(m[1]);
    }
    return names;
}

}  // namespace

TEST_CASE("all_statements holds every GUICHET_SQL definition of infra/postgres, each name once", "[postgres][statements]") {
    const auto defined = defined_in_sources();
    REQUIRE_FALSE(defined.empty());
    std::multiset<std::string> registered;
    for (const auto& s : infra::all_statements()) registered.insert(s.name);
    CHECK(infra::all_statements().size() == defined.size());
    CHECK(registered == defined);
    CHECK(std::set<std::string>(registered.begin(), registered.end()).size() == registered.size());
}

TEST_CASE("a pooled connection has prepared every statement when it opens", "[postgres][statements]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 1);
    auto conn = pool.acquire();
    std::set<std::string> prepared;
    for (const auto& row : pqxx::nontransaction(*conn).exec("SELECT name FROM pg_prepared_statements"))
        prepared.insert(row["name"].as<std::string>());
    REQUIRE_FALSE(infra::all_statements().empty());
    for (const auto& s : infra::all_statements()) {
        INFO("statement " << s.name);
        CHECK(prepared.contains(s.name));
    }
}
