#pragma once
// A named SQL statement. Each repository lists its statements in one header; the constant's
// name is the prepared statement's name, and every pooled connection prepares them all when it
// opens, so a bad query stops start-up instead of failing on the first request that uses it.
#include <span>

namespace guichet::infra {

struct Statement {
    const char* name;
    const char* sql;
};

// Every statement of every PostgreSQL repository (infra/postgres/statements.cpp).
std::span<const Statement> all_statements();

}  // namespace guichet::infra
