#include "service/members/member_import.hpp"

#include <map>

namespace guichet {

std::expected<ImportCounts, std::vector<RowError>> MemberImport::run(const std::string& agent, const std::vector<NumberedRecord>& rows) {
    const auto today = clock_.today();
    std::vector<Member> members;
    std::vector<RowError> errors;
    std::map<std::string, std::size_t> first_position_of_nir;  // one NIR twice in a batch is a mistake
    members.reserve(rows.size());
    for (const auto& row : rows) {
        auto member = parse_member(row.record, today);
        if (!member) {
            errors.push_back({row.position, member.error().field, member.error().code, member.error().detail});
            continue;
        }
        auto [it, inserted] = first_position_of_nir.emplace(member->nir.value(), row.position);
        if (!inserted) {
            errors.push_back({row.position, "nir", ErrorCode::validation_error,
                              "NIR déjà présent à la position " + std::to_string(it->second)});
            continue;
        }
        members.push_back(std::move(*member));
    }
    if (!errors.empty()) return std::unexpected(std::move(errors));

    ImportCounts counts;
    uow_.run([&](Transaction& tx) {
        counts = {};
        for (const auto& m : members) {
            switch (tx.members().upsert(m)) {
                case UpsertOutcome::created: ++counts.created; break;
                case UpsertOutcome::updated: ++counts.updated; break;
                case UpsertOutcome::unchanged: ++counts.unchanged; break;
            }
        }
        tx.events().record(SecurityEvent{std::nullopt, SecurityEventKind::members_imported,
                                         "created " + std::to_string(counts.created) + ", updated " + std::to_string(counts.updated) +
                                             ", unchanged " + std::to_string(counts.unchanged),
                                         agent});
    });
    return counts;
}

}  // namespace guichet
