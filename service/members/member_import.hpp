#pragma once
// Use case: import member records (CSV file or admin API) into the registry.
// All or nothing: every row is validated first; if any is bad, every bad row is reported with its
// position and field and nothing is written. Good rows are then upserted in one transaction, so a
// crash or a database error mid-import leaves the registry as it was.
#include <cstddef>
#include <expected>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/members/member.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet {

struct RowError {
    std::size_t position;
    std::string field;
    ErrorCode code;
    std::string detail;
};

struct ImportCounts {
    std::size_t created = 0, updated = 0, unchanged = 0;
};

class MemberImport {
public:
    MemberImport(UnitOfWork& uow, const Clock& clock) : uow_(uow), clock_(clock) {}
    // `agent` (an agent's id, or who ran the command line) is recorded with the counts (SPEC.md §8).
    std::expected<ImportCounts, std::vector<RowError>> run(const std::string& agent, const std::vector<NumberedRecord>& rows);

private:
    UnitOfWork& uow_;
    const Clock& clock_;
};

}  // namespace guichet
