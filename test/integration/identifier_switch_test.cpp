// The identifier switch's storage (seed 002): an account switched to an identity, the actions a
// switch completes in every session, a flow that lives as long as its link, a link naming its
// flow. One contract run on the in-memory fakes and on PostgreSQL, and the races only the
// database can show: many accounts for one identity, many members for one new email.
#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <thread>

#include "infra/postgres/pg_unit_of_work.hpp"
#include "support/fakes.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

// Members born in February 1984 whose NIRs differ by their order number (keys computed).
std::string nir_number(int i) {
    const std::string body = "18402751234" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    const auto key = 97 - std::stoll(body) % 97;
    return body + (key < 10 ? "0" : "") + std::to_string(key);
}

AccountId legacy_account(UnitOfWork& uow, int i, bool temporary = false) {
    const auto member = *parse_member(sample_record(nir_number(i)), test_clock().today());
    std::optional<AccountId> id;
    uow.run([&](Transaction& tx) {
        tx.members().upsert(member);
        id = tx.accounts().create_legacy(LegacyAccount{member.nir, std::string("$argon2id$nir"), temporary,
                                                       temporary ? std::optional(test_clock().now() + std::chrono::hours(24)) : std::nullopt,
                                                       true});
    });
    REQUIRE(id);
    return *id;
}

void switch_contract(UnitOfWork& uow) {
    const auto now = test_clock().now();
    const auto jean = legacy_account(uow, 1, true), claire = legacy_account(uow, 2);

    // An identity created for a switch carries its proven email.
    std::optional<IdentityId> identity;
    uow.run([&](Transaction& tx) {
        identity = tx.identities().create(NewIdentity{*Email::parse("jean@exemple.fr"), "$argon2id$id", "birth_city", "$argon2id$a", true});
    });
    REQUIRE(identity);
    std::optional<ConnectIdentity> found;
    uow.run([&](Transaction& tx) { found = tx.identities().find(*identity); });
    CHECK(found->validated);

    bool first = false, again = true, other = true;
    uow.run([&](Transaction& tx) { first = tx.accounts().switch_to_identity(jean, *identity); });
    uow.run([&](Transaction& tx) { again = tx.accounts().switch_to_identity(jean, *identity); });
    uow.run([&](Transaction& tx) { other = tx.accounts().switch_to_identity(claire, *identity); });
    CHECK(first);
    CHECK_FALSE(again);  // already switched
    CHECK_FALSE(other);  // the identity identifies Jean's account
    std::optional<LegacyLogin> login;
    std::optional<AccountCredentials> credentials;
    uow.run([&](Transaction& tx) {
        login = tx.accounts().find_legacy_login(Nir::parse(nir_number(1))->body());
        credentials = tx.accounts().credentials(jean);
        found = tx.identities().find(*identity);
    });
    REQUIRE(login);
    CHECK(login->migrated);
    CHECK(login->nir_password_hash == "$argon2id$nir");  // kept: a NIR login is told identifier_migrated
    CHECK(login->identity_password_hash == "$argon2id$id");
    CHECK_FALSE(login->password_is_temporary);  // the identity's password is the account's now
    CHECK(credentials->password_hash == "$argon2id$id");
    CHECK(found->account_id == jean);

    // The actions a switch completes leave every live session of the account, and only those.
    const auto session = [&](const char* id, AccountId account, std::vector<RequiredAction> actions) {
        uow.run([&](Transaction& tx) { tx.sessions().create(SessionInfo{id, account, std::move(actions), now, now, now + std::chrono::hours(1)}, std::string("refresh-") + id); });
    };
    session("s-1", jean, {RequiredAction::change_password, RequiredAction::confirm_contacts, RequiredAction::switch_identifier});
    session("s-2", jean, {RequiredAction::switch_identifier});
    session("s-3", claire, {RequiredAction::switch_identifier});
    uow.run([&](Transaction& tx) { tx.sessions().drop_required_actions(jean, {RequiredAction::switch_identifier, RequiredAction::change_password}); });
    std::optional<SessionInfo> s1, s2, s3;
    uow.run([&](Transaction& tx) {
        s1 = tx.sessions().find_active("s-1", now);
        s2 = tx.sessions().find_active("s-2", now);
        s3 = tx.sessions().find_active("s-3", now);
    });
    CHECK(s1->required_actions == std::vector{RequiredAction::confirm_contacts});
    CHECK(s2->required_actions.empty());
    CHECK(s3->required_actions == std::vector{RequiredAction::switch_identifier});

    // A flow that waits for a link lives as long as the link, and the link names it.
    FlowRecord flow{"flow-switch-1", "identifier_switch", "validation_sent", 0, "{}", now + std::chrono::hours(1)};
    uow.run([&](Transaction& tx) {
        tx.flows().create(flow);
        tx.flows().extend(flow.id, now + std::chrono::hours(24));
        tx.links().issue(LinkPurpose::email_validation, "token-v", LinkSubject{claire, std::nullopt, flow.id}, now + std::chrono::hours(24));
    });
    std::optional<FlowRecord> loaded;
    LinkUse peeked{LinkState::unknown, {}}, used{LinkState::unknown, {}};
    uow.run([&](Transaction& tx) {
        loaded = tx.flows().find(flow.id);
        peeked = tx.links().peek(LinkPurpose::email_validation, "token-v", now);
        used = tx.links().consume(LinkPurpose::email_validation, "token-v", now);
    });
    CHECK(std::chrono::abs(loaded->expires_at - (now + std::chrono::hours(24))) < std::chrono::milliseconds(1));
    CHECK(peeked.subject == LinkSubject{claire, std::nullopt, flow.id});
    CHECK(used.state == LinkState::valid);
    CHECK(used.subject.flow == flow.id);
}

}  // namespace

TEST_CASE("identifier switch contract: in-memory fake", "[contract]") {
    FakeUnitOfWork uow;
    switch_contract(uow);
}

TEST_CASE("identifier switch contract: PostgreSQL", "[contract][postgres]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 2);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    switch_contract(uow);
}

TEST_CASE("16 accounts racing for one identity, 16 for one new email: exactly one gets each, no error", "[postgres][identifier_switch]") {
    TestDatabase db;
    infra::ConnectionPool pool(db.url(), 16);
    infra::DataCipher cipher(test_data_key());
    infra::PgUnitOfWork uow(pool, cipher);
    std::vector<AccountId> accounts;
    for (int i = 0; i < 32; ++i) accounts.push_back(legacy_account(uow, 10 + i));
    std::optional<IdentityId> existing;
    uow.run([&](Transaction& tx) {
        existing = tx.identities().create(NewIdentity{*Email::parse("forum@exemple.fr"), "$argon2id$f", "", "", true});
    });

    std::atomic<int> linked{0}, created{0}, errors{0};
    std::latch ready(static_cast<std::ptrdiff_t>(accounts.size()));
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < accounts.size(); ++i)
        threads.emplace_back([&, i] {
            ready.arrive_and_wait();
            try {
                uow.run([&](Transaction& tx) {
                    bool won = false;
                    if (i % 2 == 0) {  // the proven Connect identity of another site
                        won = tx.accounts().switch_to_identity(accounts[i], *existing);
                        if (won) ++linked;
                    } else {  // new credentials under one address, as the switch does once the email is proven
                        const auto id = tx.identities().create(NewIdentity{*Email::parse("maison@exemple.fr"), "$argon2id$m", "", "", true});
                        won = id && tx.accounts().switch_to_identity(accounts[i], *id);
                        if (won) ++created;
                    }
                    // The winner holds its transaction open a while, so the others surely meet it.
                    if (won) std::this_thread::sleep_for(std::chrono::milliseconds(200));
                });
            } catch (const std::exception&) {
                ++errors;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(errors == 0);
    CHECK(linked == 1);
    CHECK(created == 1);
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    CHECK(tx.exec1("SELECT count(*) FROM accounts WHERE migrated_at IS NOT NULL")[0].as<int>() == 2);
    CHECK(tx.exec1("SELECT count(*) FROM connect_identities")[0].as<int>() == 2);
}
