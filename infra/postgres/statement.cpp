#include "infra/postgres/statement.hpp"

#include <vector>

namespace guichet::infra {

namespace {
// A function-local static: built on first use, so registrations from any translation unit's
// static initialisation find it ready, whatever the order of initialisation.
std::vector<Statement>& registry() {
    static std::vector<Statement> statements;
    return statements;
}
}  // namespace

bool register_statement(const Statement& statement) {
    registry().push_back(statement);
    return true;
}

std::span<const Statement> all_statements() { return registry(); }

}  // namespace guichet::infra
