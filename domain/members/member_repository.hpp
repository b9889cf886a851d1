#pragma once
// Port: the member registry. Implemented by infra/postgres/pg_member_repository (NIR encrypted,
// looked up by blind index) and by an in-memory fake for service tests.
#include <optional>

#include "domain/members/member.hpp"

namespace guichet {

enum class UpsertOutcome { created, updated, unchanged };

class MemberRepository {
public:
    virtual ~MemberRepository() = default;
    // Inserts the member or replaces its record (keyed by NIR); `unchanged` when identical.
    virtual UpsertOutcome upsert(const Member& member) = 0;
    virtual std::optional<Member> find_by_nir(const Nir& nir) = 0;
};

}  // namespace guichet
