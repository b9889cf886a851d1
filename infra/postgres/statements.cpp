#include <array>

#include "infra/postgres/member_sql.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

std::span<const Statement> all_statements() {
    static constexpr std::array statements{
        member_sql::upsert,
        member_sql::find_by_nir,
    };
    return statements;
}

}  // namespace guichet::infra
