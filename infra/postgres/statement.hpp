#pragma once
// A named SQL statement. Each adapter defines its statements in its own .cpp with GUICHET_SQL,
// which writes the name once: the constant's name is the prepared statement's name. Every
// statement so defined is registered when the program starts, and every pooled connection
// prepares them all when it opens (pool.cpp), so a bad query stops start-up instead of failing
// on the first request that uses it.
#include <span>

namespace guichet::infra {

struct Statement {
    const char* name;
    const char* sql;
};

// Adds `statement` to the process-wide list; returns true. Called by GUICHET_SQL during static
// initialisation, never afterwards.
bool register_statement(const Statement& statement);

// Every statement defined with GUICHET_SQL in the program, in registration order.
std::span<const Statement> all_statements();

}  // namespace guichet::infra

// GUICHET_SQL(name, "sql"): a constexpr Statement `name` prepared as "name", registered for every
// pooled connection. Use it at namespace scope in an adapter's .cpp only (inside its unnamed
// namespace): a header would register it once per translation unit, and a .cpp that nothing in
// the program references could be left out by the linker, its statements with it.
#define GUICHET_SQL(name, sql)                                \
    constexpr ::guichet::infra::Statement name{#name, sql}; \
    [[maybe_unused]] const bool name##_registered = ::guichet::infra::register_statement(name)
