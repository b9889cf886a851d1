// Contract suite of the member registry port: the same cases run on the in-memory fake (used by
// service tests) and on the PostgreSQL adapter, so the fake cannot drift from the real thing.
#include <catch2/catch.hpp>

#include "infra/crypto/data_cipher.hpp"
#include "infra/postgres/pg_unit_of_work.hpp"
#include "support/fakes.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

Member member(std::string nir = "184027512345674") {
    return *parse_member(sample_record(std::move(nir)), test_clock().today());
}

void member_repository_contract(UnitOfWork& uow) {
    const auto jean = member();
    UpsertOutcome outcome{};
    uow.run([&](Transaction& tx) { outcome = tx.members().upsert(jean); });
    CHECK(outcome == UpsertOutcome::created);

    std::optional<Member> found;
    uow.run([&](Transaction& tx) { found = tx.members().find_by_nir(jean.nir); });
    REQUIRE(found);
    CHECK(*found == jean);  // every field survives the round trip, NIR included

    uow.run([&](Transaction& tx) { outcome = tx.members().upsert(jean); });
    CHECK(outcome == UpsertOutcome::unchanged);

    auto moved = jean;
    moved.address = "1 rue Neuve\n75001 Paris";
    moved.mobile_phone.reset();
    uow.run([&](Transaction& tx) { outcome = tx.members().upsert(moved); });
    CHECK(outcome == UpsertOutcome::updated);
    uow.run([&](Transaction& tx) { found = tx.members().find_by_nir(jean.nir); });
    REQUIRE(found);
    CHECK(*found == moved);

    const auto other = member("269029935004220");
    uow.run([&](Transaction& tx) { found = tx.members().find_by_nir(other.nir); });
    CHECK_FALSE(found);

    // An exception inside the work rolls everything back.
    CHECK_THROWS(uow.run([&](Transaction& tx) {
        tx.members().upsert(other);
        throw std::runtime_error("abandon");
    }));
    uow.run([&](Transaction& tx) { found = tx.members().find_by_nir(other.nir); });
    CHECK_FALSE(found);
}

}  // namespace

TEST_CASE("member repository contract: in-memory fake", "[contract]") {
    FakeUnitOfWork uow;
    member_repository_contract(uow);
}

TEST_CASE("member repository contract: PostgreSQL", "[contract][postgres]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    member_repository_contract(uow);
}

TEST_CASE("the NIR is stored encrypted and found by blind index only", "[postgres][security]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    const auto jean = member();
    uow.run([&](Transaction& tx) { tx.members().upsert(jean); });

    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    const auto dump = tx.exec1("SELECT string_agg(t::text, '|') FROM members t")[0].as<std::string>();
    CHECK(dump.find("184027512345674") == std::string::npos);
    CHECK(dump.find("1840275123456") == std::string::npos);
    // Nor as hex (bytea columns print as \x…).
    std::string hex;
    for (const char ch : std::string("1840275123")) {
        const auto c = static_cast<unsigned char>(ch);
        static const char* digits = "0123456789abcdef";
        hex += digits[c >> 4];
        hex += digits[c & 15];
    }
    CHECK(dump.find(hex) == std::string::npos);

    // Another data key neither finds nor decrypts it.
    infra::DataCipher other_key(test_data_key(9));
    infra::PgUnitOfWork other(pool, other_key);
    std::optional<Member> found;
    other.run([&](Transaction& t) { found = t.members().find_by_nir(jean.nir); });
    CHECK_FALSE(found);
}
