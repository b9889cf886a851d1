// Service: member import is all or nothing, idempotent, and names the row and field at fault.
#include <catch2/catch.hpp>

#include "service/members/member_import.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;

TEST_CASE("import creates, then leaves identical records unchanged, then updates", "[service][import]") {
    FakeUnitOfWork uow;
    auto clock = test_clock();
    MemberImport import(uow, clock);
    std::vector<NumberedRecord> rows{{2, sample_record("184027512345674")}, {3, sample_record("269029935004220")}};

    auto first = import.run(kAgent, rows);
    REQUIRE(first);
    CHECK(first->created == 2);
    CHECK(first->updated == 0);

    auto again = import.run(kAgent, rows);  // SPEC §4: importing the same file twice changes nothing
    REQUIRE(again);
    CHECK(again->created == 0);
    CHECK(again->updated == 0);
    CHECK(again->unchanged == 2);

    rows[1].record.last_name = "Lefèvre-Martin";
    auto changed = import.run(kAgent, rows);
    REQUIRE(changed);
    CHECK(changed->updated == 1);
    CHECK(changed->unchanged == 1);
    CHECK(uow.member_count() == 2);
}

TEST_CASE("one bad row: every bad row reported with position and field, nothing written", "[service][import]") {
    FakeUnitOfWork uow;
    auto clock = test_clock();
    MemberImport import(uow, clock);
    auto bad_nir = sample_record("184027512345675");  // wrong key
    auto bad_date = sample_record("269029935004220");
    bad_date.birth_date = "1969-02-30";
    auto bad_type = sample_record("175057505612393");
    bad_type.member_type = "retraité";
    std::vector<NumberedRecord> rows{{2, sample_record()}, {3, bad_nir}, {4, bad_date}, {5, bad_type}};

    auto result = import.run(kAgent, rows);
    REQUIRE_FALSE(result);
    REQUIRE(result.error().size() == 3);
    CHECK(result.error()[0].position == 3);
    CHECK(result.error()[0].field == "nir");
    CHECK(result.error()[0].code == ErrorCode::invalid_nir);
    CHECK(result.error()[1].position == 4);
    CHECK(result.error()[1].field == "birth_date");
    CHECK(result.error()[2].position == 5);
    CHECK(result.error()[2].field == "member_type");
    CHECK(uow.member_count() == 0);
    CHECK(uow.commits == 0);
    CHECK(uow.events().empty());
}

TEST_CASE("an import is recorded with its agent and its counts, under no account (SPEC.md §8)", "[service][import]") {
    FakeUnitOfWork uow;
    auto clock = test_clock();
    MemberImport import(uow, clock);
    REQUIRE(import.run("agent.dupont", {{2, sample_record()}}));
    REQUIRE(import.run("command-line", {{2, sample_record()}, {3, sample_record("269029935004220")}}));
    REQUIRE(uow.events().size() == 2);
    const auto& first = uow.events()[0].event;
    CHECK(first.kind == SecurityEventKind::members_imported);
    CHECK(first.agent_id == "agent.dupont");
    CHECK_FALSE(first.account_id);
    CHECK(first.detail == "created 1, updated 0, unchanged 0");
    CHECK(uow.events()[1].event.agent_id == "command-line");
    CHECK(uow.events()[1].event.detail == "created 1, updated 0, unchanged 1");
}

TEST_CASE("the same NIR twice in one import is refused", "[service][import]") {
    FakeUnitOfWork uow;
    auto clock = test_clock();
    MemberImport import(uow, clock);
    auto result = import.run(kAgent, {{2, sample_record()}, {7, sample_record()}});
    REQUIRE_FALSE(result);
    REQUIRE(result.error().size() == 1);
    CHECK(result.error()[0].position == 7);
    CHECK(result.error()[0].field == "nir");
}

TEST_CASE("optional contact fields may be empty, malformed ones are named", "[service][import]") {
    FakeUnitOfWork uow;
    auto clock = test_clock();
    MemberImport import(uow, clock);
    auto sparse = sample_record();
    sparse.email = sparse.mobile_phone = sparse.landline_phone = sparse.carte_vitale_serial = sparse.recent_amounts = "";
    CHECK(import.run(kAgent, {{2, sparse}}));

    auto bad_phone = sample_record("269029935004220");
    bad_phone.mobile_phone = "06123";
    auto r1 = import.run(kAgent, {{2, bad_phone}});
    REQUIRE_FALSE(r1);
    CHECK(r1.error()[0].field == "mobile_phone");

    auto bad_amounts = sample_record("269029935004220");
    bad_amounts.recent_amounts = "2026-10-03:abc";
    auto r2 = import.run(kAgent, {{9, bad_amounts}});
    REQUIRE_FALSE(r2);
    CHECK(r2.error()[0].field == "recent_amounts");
    CHECK(r2.error()[0].position == 9);

    auto future_birth = sample_record("269029935004220");
    future_birth.birth_date = "2030-01-01";
    auto r3 = import.run(kAgent, {{3, future_birth}});
    REQUIRE_FALSE(r3);
    CHECK(r3.error()[0].field == "birth_date");
}

TEST_CASE("recent amounts round-trip through their text form", "[domain][members]") {
    auto parsed = parse_recent_amounts(" 2026-10-03:23.5 ; 2026-08-14:112,07;2026-01-01:0 ");
    REQUIRE(parsed);
    REQUIRE(parsed->size() == 3);
    CHECK((*parsed)[0].cents == 2350);
    CHECK((*parsed)[1].cents == 11207);
    CHECK((*parsed)[2].cents == 0);
    CHECK(format_recent_amounts(*parsed) == "2026-10-03:23.50;2026-08-14:112.07;2026-01-01:0.00");
    for (const char* bad : {"2026-10-03", "2026-13-03:1", "2026-10-03:-1", "2026-10-03:1.234", "x:1", "2026-10-03:1."})
        CHECK_FALSE(parse_recent_amounts(bad));
}
