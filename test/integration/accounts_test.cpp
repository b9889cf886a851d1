// PostgreSQL: accounts (one per member) and the login failure counter, exact under parallel
// attempts (issue 4 point 5: of 100 parallel wrong attempts, exactly 3 reach the hash).
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "infra/postgres/pg_unit_of_work.hpp"
#include "support/fakes.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

void account_contract(UnitOfWork& uow) {
    const auto member = *parse_member(sample_record(), test_clock().today());
    uow.run([&](Transaction& tx) { tx.members().upsert(member); });
    LegacyAccount account{member.nir, std::string("$2b$10$abc"), false, std::nullopt, true};
    std::optional<AccountId> first, second, stranger;
    uow.run([&](Transaction& tx) { first = tx.accounts().create_legacy(account); });
    uow.run([&](Transaction& tx) { second = tx.accounts().create_legacy(account); });
    auto other = account;
    other.nir = *Nir::parse("269029935004220");
    uow.run([&](Transaction& tx) { stranger = tx.accounts().create_legacy(other); });
    CHECK(first);
    CHECK_FALSE(second);    // one account per member
    CHECK_FALSE(stranger);  // not in the registry

    // The throttle: counted, capped, cleared unless locked, set by agents.
    const IdentifierKey nir{"1840275123456"};
    int counted = 0;
    for (int i = 0; i < 7; ++i) uow.run([&](Transaction& tx) { counted = tx.throttle().count_attempt(nir); });
    CHECK(counted == LockoutPolicy{}.count_cap());  // capped
    bool locked = false;
    uow.run([&](Transaction& tx) { locked = tx.throttle().is_locked(nir); });
    CHECK(locked);
    uow.run([&](Transaction& tx) {
        tx.throttle().set_locked(nir, false);
        locked = tx.throttle().is_locked(nir);
        counted = tx.throttle().count_attempt(nir);
        tx.throttle().clear_after_success(nir);
    });
    CHECK_FALSE(locked);
    CHECK(counted == 1);
    uow.run([&](Transaction& tx) { counted = tx.throttle().count_attempt(nir); });
    CHECK(counted == 1);  // the success cleared it

    // A login's two steps (Transaction::count_attempt_and_find and create_session): what the
    // separate calls do, whether the adapter makes them one statement each or not.
    const IdentifierKey key{"jean.martin@exemple.fr"};  // a key not counted above
    CountedLogin attempt;
    uow.autocommit([&](Transaction& tx) { attempt = tx.count_attempt_and_find(key, member.nir.body()); });
    CHECK(attempt.counted == 1);
    REQUIRE(attempt.account);
    CHECK(attempt.account->id == *first);
    CHECK(attempt.account->nir_password_hash == std::optional<std::string>("$2b$10$abc"));
    CHECK(attempt.account->has_logged_in);
    CHECK_FALSE(attempt.account->migrated);
    uow.autocommit([&](Transaction& tx) { attempt = tx.count_attempt_and_find(key, other.nir.body()); });
    CHECK(attempt.counted == 2);  // counted all the same
    CHECK_FALSE(attempt.account);  // no account has that NIR
    const auto now = test_clock().now();
    const SessionInfo session{"contract-session-1", *first, {RequiredAction::switch_identifier}, now, now, now + std::chrono::hours(1), "nir"};
    uow.autocommit([&](Transaction& tx) { tx.create_session(session, "contract-refresh-1", key); });
    std::optional<SessionInfo> found;
    uow.autocommit([&](Transaction& tx) { found = tx.sessions().find_active(session.id, now); });
    REQUIRE(found);
    CHECK(found->account_id == *first);
    CHECK(found->required_actions == session.required_actions);
    uow.autocommit([&](Transaction& tx) { attempt = tx.count_attempt_and_find(key, member.nir.body()); });
    CHECK(attempt.counted == 1);  // the session's write cleared the count
    auto second_session = session;
    second_session.id = "contract-session-2";
    uow.autocommit([&](Transaction& tx) { tx.create_session(second_session, "contract-refresh-2", std::nullopt); });
    uow.autocommit([&](Transaction& tx) { attempt = tx.count_attempt_and_find(key, member.nir.body()); });
    CHECK(attempt.counted == 2);  // no key: nothing cleared
    uow.autocommit([&](Transaction& tx) { found = tx.sessions().find_active(second_session.id, now); });
    CHECK(found);

    // A pending temporary password: read with the login, ended by a login with the current
    // password or by a password set, promoted (temporary, with its expiry) when used.
    const auto until = now + std::chrono::hours(24 * 30);
    const auto pending = [&] {
        std::optional<LegacyLogin> login;
        uow.autocommit([&](Transaction& tx) { login = tx.accounts().find_legacy_login(member.nir.body()); });
        REQUIRE(login);
        return *login;
    };
    uow.run([&](Transaction& tx) { tx.accounts().set_pending_password(*first, "$2b$10$letter", until); });
    CHECK(pending().pending_password_hash == std::optional<std::string>("$2b$10$letter"));
    CHECK(pending().pending_password_usable(now));
    CHECK_FALSE(pending().pending_password_usable(until));
    uow.autocommit([&](Transaction& tx) { attempt = tx.count_attempt_and_find(key, member.nir.body()); });
    CHECK(attempt.account->pending_password_hash == std::optional<std::string>("$2b$10$letter"));
    CHECK(attempt.account->nir_password_hash == std::optional<std::string>("$2b$10$abc"));  // the current one stays
    uow.run([&](Transaction& tx) { tx.accounts().record_login(*first, std::nullopt); });
    CHECK_FALSE(pending().pending_password_hash);
    uow.run([&](Transaction& tx) { tx.accounts().set_pending_password(*first, "$2b$10$letter2", until); });
    uow.run([&](Transaction& tx) { tx.accounts().promote_pending_password(*first); });
    const auto promoted = pending();
    CHECK(promoted.nir_password_hash == std::optional<std::string>("$2b$10$letter2"));
    CHECK(promoted.password_is_temporary);
    REQUIRE(promoted.temporary_password_expires_at);
    CHECK(std::chrono::abs(*promoted.temporary_password_expires_at - until) < std::chrono::seconds(1));
    CHECK_FALSE(promoted.pending_password_hash);
    uow.run([&](Transaction& tx) { tx.accounts().set_pending_password(*first, "$2b$10$letter3", until); });
    uow.run([&](Transaction& tx) { tx.accounts().set_password(*first, "$2b$10$chosen", std::nullopt); });
    CHECK_FALSE(pending().pending_password_hash);
    CHECK_FALSE(pending().password_is_temporary);
}

}  // namespace

TEST_CASE("account and throttle contract: in-memory fake", "[contract]") {
    FakeUnitOfWork uow;
    account_contract(uow);
}

TEST_CASE("account and throttle contract: PostgreSQL", "[contract][postgres]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    account_contract(uow);
}

TEST_CASE("100 parallel attempts on one identifier: exactly 3 are allowed to check the password", "[postgres][lockout]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 8);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    const LockoutPolicy policy;
    std::atomic<int> allowed{0}, refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 10; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10; ++i) {
                int counted = 0;
                uow.run([&](Transaction& tx) { counted = tx.throttle().count_attempt(IdentifierKey{"unknown@exemple.fr"}); });
                (policy.allows_check(counted) ? allowed : refused)++;
            }
        });
    for (auto& th : threads) th.join();
    CHECK(allowed == 3);
    CHECK(refused == 97);
}

TEST_CASE("100 parallel login first steps on one NIR: exactly 3 are allowed, each reads the account", "[postgres][lockout]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 8);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    const auto member = *parse_member(sample_record(), test_clock().today());
    uow.run([&](Transaction& tx) {
        tx.members().upsert(member);
        tx.accounts().create_legacy(LegacyAccount{member.nir, std::string("$2b$10$abc"), false, std::nullopt, true});
    });
    const LockoutPolicy policy;
    const IdentifierKey key{member.nir.body().value()};
    std::atomic<int> allowed{0}, refused{0}, with_account{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 10; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10; ++i) {
                CountedLogin attempt;
                uow.autocommit([&](Transaction& tx) { attempt = tx.count_attempt_and_find(key, member.nir.body()); });
                (policy.allows_check(attempt.counted) ? allowed : refused)++;
                if (attempt.account) with_account++;
            }
        });
    for (auto& th : threads) th.join();
    CHECK(allowed == 3);
    CHECK(refused == 97);
    CHECK(with_account == 100);
}

TEST_CASE("identifiers are stored as a keyed index, never in clear", "[postgres][security]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    uow.run([&](Transaction& tx) { tx.throttle().count_attempt(IdentifierKey{"jean.martin@exemple.fr"}); });
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    CHECK(tx.exec1("SELECT count(*) FROM login_throttle t WHERE t::text LIKE '%jean%'")[0].as<int>() == 0);
    CHECK(tx.exec1("SELECT count(*) FROM login_throttle")[0].as<int>() == 1);
}
