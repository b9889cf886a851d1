// Service: legacy accounts come over with their hash, or get a temporary password sent with them
// (SPEC.md §4, issue 4 point 2); temporary passwords satisfy the policy (SPEC.md §2).
#include <catch2/catch.hpp>

#include <set>

#include "domain/password/policy.hpp"
#include "domain/password/strength.hpp"
#include "domain/password/temporary_password.hpp"
#include "service/accounts/account_import.hpp"
#include "service/members/member_import.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

struct Fixture {
    FakeUnitOfWork uow;
    FixedClock clock = test_clock();
    SequenceRandom random;
    PlainHasher hasher;
    AccountImport import{uow, hasher, random, clock};
    Fixture() {
        MemberImport members(uow, clock);
        auto no_contacts = sample_record("269029935004220");
        no_contacts.email = no_contacts.mobile_phone = no_contacts.address = "";
        REQUIRE(members.run(kAgent, {{2, sample_record()}, {3, no_contacts}}));
    }
};

constexpr const char* kBcrypt = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";

}  // namespace

TEST_CASE("a legacy account with the old system's hash keeps it", "[service][accounts]") {
    Fixture f;
    auto r = f.import.run(kAgent, {"184027512345674", kBcrypt, true, false, std::nullopt});
    REQUIRE(r);
    CHECK_FALSE(r->temporary_password_sent_by);
    const auto& row = f.uow.accounts().at("184027512345674");
    CHECK(row.account.nir_password_hash == kBcrypt);
    CHECK_FALSE(row.account.password_is_temporary);
    CHECK(row.account.has_logged_in);
    CHECK(f.uow.outbox().empty());
}

TEST_CASE("without a hash, a temporary password goes by letter, valid 30 days", "[service][accounts]") {
    Fixture f;
    auto r = f.import.run(kAgent, {"184027512345674", std::nullopt, false, false, std::nullopt});
    REQUIRE(r);
    CHECK(r->temporary_password_sent_by == Channel::letter);
    REQUIRE(f.uow.outbox().size() == 1);
    const auto& letter = f.uow.outbox()[0];
    CHECK(letter.channel == Channel::letter);
    CHECK(letter.kind == MessageKind::temporary_password);
    CHECK(letter.recipient == "Jean Martin\n12 rue de la Paix, 75002 Paris");
    CHECK(letter.params.at("valid_for") == "30 jours");
    const auto& row = f.uow.accounts().at("184027512345674");
    CHECK(row.account.password_is_temporary);
    CHECK(row.account.nir_password_hash == "plain$" + letter.params.at("password"));  // stored hashed, never in clear
    CHECK(row.account.temporary_password_expires_at == f.clock.now() + std::chrono::hours(24 * 30));
}

TEST_CASE("the temporary password can go by SMS or email instead, valid 24 hours", "[service][accounts]") {
    Fixture f;
    auto sms = f.import.run(kAgent, {"184027512345674", std::nullopt, false, false, "sms"});
    REQUIRE(sms);
    CHECK(f.uow.outbox().back().recipient == "+33612345678");
    CHECK(f.uow.outbox().back().params.at("valid_for") == "24 heures");

    // A member with no mobile, email or address: each channel is refused, nothing is created.
    auto none = f.import.run(kAgent, {"269029935004220", std::nullopt, false, false, "sms"});
    REQUIRE_FALSE(none);
    CHECK(none.error().code == ErrorCode::sms_not_available);
    CHECK_FALSE(f.import.run(kAgent, {"269029935004220", std::nullopt, false, false, "email"}));
    CHECK_FALSE(f.import.run(kAgent, {"269029935004220", std::nullopt, false, false, std::nullopt}));  // no postal address
    CHECK_FALSE(f.uow.accounts().contains("269029935004220"));
}

TEST_CASE("one account per member, unknown members and bad input are refused", "[service][accounts]") {
    Fixture f;
    REQUIRE(f.import.run(kAgent, {"184027512345674", kBcrypt, true, false, std::nullopt}));
    auto again = f.import.run(kAgent, {"184027512345674", kBcrypt, true, false, std::nullopt});
    REQUIRE_FALSE(again);
    CHECK(again.error().code == ErrorCode::account_already_exists);

    auto unknown = f.import.run(kAgent, {"175057505612393", kBcrypt, true, false, std::nullopt});
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == ErrorCode::not_found);

    CHECK(f.import.run(kAgent, {"1840275123456", kBcrypt, true, false, std::nullopt}).error().code == ErrorCode::invalid_nir);
    for (const char* bad : {"md5$abc", "$argon2i$v=19$m=1,t=1,p=1$x$y", "$2b$10$has space", ""})
        CHECK(f.import.run(kAgent, {"184027512345674", std::string(bad), true, false, std::nullopt}).error().field == "password_hash");
    CHECK(f.import.run(kAgent, {"184027512345674", kBcrypt, true, false, "sms"}).error().field == "send_temporary_password_by");
    CHECK(f.import.run(kAgent, {"184027512345674", std::nullopt, true, false, "pigeon"}).error().field == "send_temporary_password_by");
}

TEST_CASE("an account imported locked counts as locked for its NIR", "[service][accounts][lockout]") {
    Fixture f;
    REQUIRE(f.import.run(kAgent, {"184027512345674", kBcrypt, true, true, std::nullopt}));
    CHECK(f.uow.failures().at("1840275123456") == LockoutPolicy{}.max_failures);
}

TEST_CASE("an imported account and an imported identity are recorded with their agent (SPEC.md §8)", "[service][accounts]") {
    Fixture f;
    const auto before = f.uow.events().size();  // the members' import
    const auto account = f.import.run("agent.dupont", {"184027512345674", kBcrypt, true, true, std::nullopt});
    REQUIRE(account);
    CHECK_FALSE(f.import.run("agent.dupont", {"184027512345674", kBcrypt, true, true, std::nullopt}));  // refused: not recorded
    REQUIRE(f.import.import_identity("agent.leroy", {"jean.martin@exemple.fr", kBcrypt, true}));
    REQUIRE(f.uow.events().size() == before + 2);
    const auto& imported = f.uow.events()[before].event;
    CHECK(imported.kind == SecurityEventKind::account_imported);
    CHECK(imported.account_id == account->id);
    CHECK(imported.agent_id == "agent.dupont");
    CHECK(imported.detail == "password hash, locked");
    const auto& identity = f.uow.events()[before + 1].event;
    CHECK(identity.kind == SecurityEventKind::identity_imported);
    CHECK_FALSE(identity.account_id);
    CHECK(identity.agent_id == "agent.leroy");
    CHECK(identity.detail.find("jean.martin") == std::string::npos);
    CHECK(identity.detail.ends_with(", validated"));
}

TEST_CASE("temporary passwords satisfy the policy and the gauge, and differ", "[domain][password]") {
    SequenceRandom random;
    const PasswordPolicy policy;
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const auto password = generate_temporary_password(random);
        INFO(password);
        CHECK(password.size() == 12);
        CHECK(policy.check(password));
        CHECK(password.find_first_of("0O1lI") == std::string::npos);
        seen.insert(password);
    }
    CHECK(seen.size() == 200);
}

TEST_CASE("lockout policy: the first 3 counted attempts reach the hash, the rest do not", "[domain][lockout]") {
    const LockoutPolicy policy;
    CHECK(policy.allows_check(1));
    CHECK(policy.allows_check(3));
    CHECK_FALSE(policy.allows_check(4));
}
