// The PostgreSQL outbox: written with the change that needs it, claimed once, reclaimed after a
// crash, parameters encrypted and erased after delivery (issue 3, SPEC.md §7).
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "domain/trace.hpp"
#include "infra/postgres/pg_outbox.hpp"
#include "infra/postgres/pg_unit_of_work.hpp"
#include "service/delivery/dispatcher.hpp"
#include "support/fakes.hpp"
#include "support/test_database.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

OutgoingMessage code_mail(std::string to = "jean.martin@exemple.fr", std::string code = "482913") {
    return OutgoingMessage{Channel::email, std::move(to), MessageKind::security_code, {{"code", std::move(code)}}};
}

struct Db {
    TestDatabase db;
    infra::ConnectionPool pool{db.url(), 4};
    infra::DataCipher cipher{test_data_key()};
    infra::PgUnitOfWork uow{pool, cipher};
    infra::PgOutbox outbox{pool, cipher};

    // An agent's retry or the print provider's acknowledgement, in a transaction of its own.
    bool change(bool (OutboxChanges::*what)(MessageId), MessageId id) {
        bool done = false;
        uow.run([&](Transaction& tx) { done = (tx.outbox().*what)(id); });
        return done;
    }

    std::string scalar(const std::string& sql) {
        pqxx::connection c(db.url());
        pqxx::work tx(c);
        const auto r = tx.exec1(sql);
        return r[0].is_null() ? "" : r[0].as<std::string>();
    }
    void exec(const std::string& sql) {
        pqxx::connection c(db.url());
        pqxx::work tx(c);
        tx.exec0(sql);
        tx.commit();
    }
};

// Notifier contract: what is enqueued in a committed transaction is there; after a rollback, not.
template <typename Count>
void notifier_contract(UnitOfWork& uow, Count count) {
    uow.run([](Transaction& tx) { tx.notifier().enqueue(code_mail()); });
    CHECK(count() == 1);
    CHECK_THROWS(uow.run([](Transaction& tx) {
        tx.notifier().enqueue(code_mail("autre@exemple.fr"));
        throw std::runtime_error("the change failed");
    }));
    CHECK(count() == 1);
}

}  // namespace

TEST_CASE("notifier contract: in-memory fake", "[contract]") {
    FakeUnitOfWork uow;
    notifier_contract(uow, [&] { return uow.outbox().size(); });
}

TEST_CASE("notifier contract: PostgreSQL", "[contract][postgres][outbox]") {
    Db d;
    notifier_contract(d.uow, [&] { return std::stoul(d.scalar("SELECT count(*) FROM outbox")); });
}

TEST_CASE("a rolled-back message is never sent", "[postgres][outbox]") {
    Db d;
    CHECK_THROWS(d.uow.run([](Transaction& tx) {
        tx.notifier().enqueue(code_mail());
        throw std::runtime_error("rollback");
    }));
    ScriptedSender email, sms;
    DeliveryCounters counters;
    const Rules rules;
    Dispatcher dispatcher(d.outbox, {{Channel::email, &email}, {Channel::sms, &sms}}, DispatcherSettings{}, counters, rules);
    CHECK(dispatcher.run_once().empty());
    CHECK(email.received.empty());
}

TEST_CASE("parameters are stored encrypted and erased once sent", "[postgres][outbox][security]") {
    Db d;
    d.uow.run([](Transaction& tx) { tx.notifier().enqueue(code_mail("jean.martin@exemple.fr", "482913")); });
    CHECK(d.scalar("SELECT count(*) FROM outbox t WHERE t::text LIKE '%482913%'") == "0");

    ScriptedSender email, sms;
    DeliveryCounters counters;
    const Rules rules;
    Dispatcher dispatcher(d.outbox, {{Channel::email, &email}, {Channel::sms, &sms}}, DispatcherSettings{}, counters, rules);
    REQUIRE(dispatcher.run_once().size() == 1);
    REQUIRE(email.received.size() == 1);
    CHECK(email.received[0].content.text.find("482913") != std::string::npos);
    CHECK(d.scalar("SELECT status FROM outbox") == "sent");
    CHECK(d.scalar("SELECT params_cipher IS NULL FROM outbox") == "t");
    CHECK(d.scalar("SELECT sent_at IS NOT NULL FROM outbox") == "t");

    // Listings show no parameter and a masked recipient.
    const auto sent = d.outbox.list(MessageStatus::sent, 10);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].recipient_masked == "j•••@exemple.fr");
}

TEST_CASE("two dispatchers claiming at once never get the same message", "[postgres][outbox]") {
    Db d;
    d.uow.run([](Transaction& tx) {
        for (int i = 0; i < 200; ++i) tx.notifier().enqueue(code_mail("m" + std::to_string(i) + "@exemple.fr"));
    });
    std::vector<MessageId> a, b;
    auto claim_all = [&](std::vector<MessageId>& into) {
        for (;;) {
            auto batch = d.outbox.claim_due(7, std::chrono::seconds(60));
            if (batch.empty()) return;
            for (const auto& c : batch) into.push_back(c.id);
        }
    };
    std::thread t1(claim_all, std::ref(a)), t2(claim_all, std::ref(b));
    t1.join();
    t2.join();
    std::set<MessageId> all(a.begin(), a.end());
    all.insert(b.begin(), b.end());
    CHECK(a.size() + b.size() == 200);
    CHECK(all.size() == 200);
}

TEST_CASE("a message claimed by a dispatcher that died is claimed again after its lease", "[postgres][outbox]") {
    Db d;
    d.uow.run([](Transaction& tx) { tx.notifier().enqueue(code_mail()); });
    auto first = d.outbox.claim_due(10, std::chrono::seconds(1));
    REQUIRE(first.size() == 1);
    CHECK(first[0].attempts == 1);
    CHECK(d.outbox.claim_due(10, std::chrono::seconds(1)).empty());  // leased
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    auto again = d.outbox.claim_due(10, std::chrono::seconds(1));
    REQUIRE(again.size() == 1);
    CHECK(again[0].id == first[0].id);
    CHECK(again[0].attempts == 2);
    REQUIRE(again[0].message);
    CHECK(again[0].message->params.at("code") == "482913");
}

TEST_CASE("retry, dead, and an agent's retry of a dead message", "[postgres][outbox]") {
    Db d;
    d.uow.run([](Transaction& tx) {
        tx.notifier().enqueue(code_mail());
        tx.notifier().enqueue(OutgoingMessage{Channel::sms, "+33612345678", MessageKind::security_code, {{"code", "111111"}}});
    });
    auto claimed = d.outbox.claim_due(10, std::chrono::seconds(60));
    REQUIRE(claimed.size() == 2);
    d.outbox.schedule_retry(claimed[0].id, std::chrono::hours(1), "421 try later");
    d.outbox.mark_dead(claimed[1].id, "HTTP 400");
    CHECK(d.outbox.claim_due(10, std::chrono::seconds(60)).empty());  // the retry is not due yet

    auto pending = d.outbox.list(MessageStatus::pending, 10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].last_error == "421 try later");
    REQUIRE(pending[0].next_attempt_at);
    auto dead = d.outbox.list(MessageStatus::dead, 10);
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].attempts == 1);
    CHECK(dead[0].last_error == "HTTP 400");
    CHECK(dead[0].recipient_masked.find("612345") == std::string::npos);

    const auto stats = d.outbox.stats();
    CHECK(stats.pending == 1);

    CHECK_FALSE(d.change(&OutboxChanges::retry, claimed[0].id));  // not dead
    CHECK_THROWS(d.uow.run([&](Transaction& tx) {                   // rolled back with its transaction
        CHECK(tx.outbox().retry(claimed[1].id));
        throw std::runtime_error("the event could not be recorded");
    }));
    CHECK(d.outbox.list(MessageStatus::dead, 10).size() == 1);
    CHECK(d.change(&OutboxChanges::retry, claimed[1].id));
    auto again = d.outbox.claim_due(10, std::chrono::seconds(60));
    REQUIRE(again.size() == 1);
    CHECK(again[0].id == claimed[1].id);
    CHECK(again[0].attempts == 1);
}

TEST_CASE("a message past its life is expired with its parameters erased, and a released claim is due again uncounted", "[postgres][outbox]") {
    Db d;
    d.uow.run([](Transaction& tx) {
        tx.notifier().enqueue(code_mail("jean@exemple.fr", "482913"));
        tx.notifier().enqueue(code_mail("anne@exemple.fr", "111111"));
    });
    // The first was queued 31 minutes ago by the database's clock: its code is dead.
    d.exec("UPDATE outbox SET created_at = created_at - interval '31 minutes' WHERE recipient = 'jean@exemple.fr'");
    ScriptedSender email, sms;
    DeliveryCounters counters;
    const Rules rules;
    Dispatcher dispatcher(d.outbox, {{Channel::email, &email}, {Channel::sms, &sms}}, DispatcherSettings{}, counters, rules);
    REQUIRE(dispatcher.run_once().size() == 2);
    REQUIRE(email.received.size() == 1);
    CHECK(email.received[0].recipient == "anne@exemple.fr");
    CHECK(d.scalar("SELECT status FROM outbox WHERE recipient = 'jean@exemple.fr'") == "expired");
    CHECK(d.scalar("SELECT params_cipher IS NULL FROM outbox WHERE recipient = 'jean@exemple.fr'") == "t");
    const auto expired = d.outbox.list(MessageStatus::expired, 10);
    REQUIRE(expired.size() == 1);
    CHECK_FALSE(expired[0].next_attempt_at);
    CHECK_FALSE(d.change(&OutboxChanges::retry, expired[0].id));  // what it carried no longer works

    d.uow.run([](Transaction& tx) { tx.notifier().enqueue(code_mail("paul@exemple.fr")); });
    auto claimed = d.outbox.claim_due(10, std::chrono::seconds(60));
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].age < std::chrono::seconds(5));
    d.outbox.release(claimed[0].id);
    auto again = d.outbox.claim_due(10, std::chrono::seconds(60));  // at once, not after the lease
    REQUIRE(again.size() == 1);
    CHECK(again[0].attempts == 1);
}

TEST_CASE("letters wait in the print queue, rendered, until printed", "[postgres][outbox]") {
    Db d;
    d.uow.run([](Transaction& tx) {
        tx.notifier().enqueue(OutgoingMessage{Channel::letter, "Jean Martin\n12 rue de la Paix\n75002 Paris",
                                              MessageKind::temporary_password,
                                              {{"password", "Tmp-9xQ!w2"}, {"valid_for", "30 jours"}}});
    });
    CHECK(d.outbox.claim_due(10, std::chrono::seconds(60)).empty());  // never dispatched
    const BrandSettings brand{"MGEN", "https://espace.exemple.fr"};
    auto pending = d.outbox.letters(MessageStatus::pending, 10, brand);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].postal_address == "Jean Martin\n12 rue de la Paix\n75002 Paris");
    CHECK(pending[0].content.text.find("Tmp-9xQ!w2") != std::string::npos);
    CHECK_FALSE(d.change(&OutboxChanges::mark_printed, pending[0].id + 1));
    CHECK_THROWS(d.uow.run([&](Transaction& tx) {  // rolled back with its transaction
        CHECK(tx.outbox().mark_printed(pending[0].id));
        throw std::runtime_error("the event could not be recorded");
    }));
    CHECK(d.outbox.letters(MessageStatus::pending, 10, brand).size() == 1);
    CHECK(d.change(&OutboxChanges::mark_printed, pending[0].id));
    CHECK_FALSE(d.change(&OutboxChanges::mark_printed, pending[0].id));  // once
    CHECK(d.outbox.letters(MessageStatus::pending, 10, brand).empty());
    auto printed = d.outbox.letters(MessageStatus::sent, 10, brand);
    REQUIRE(printed.size() == 1);
    CHECK(printed[0].printed_at);
    CHECK(printed[0].content.text.empty());  // the password is gone once printed
    CHECK(d.scalar("SELECT params_cipher IS NULL FROM outbox") == "t");
}

TEST_CASE("a message keeps the trace id of the request that queued it", "[postgres][outbox]") {
    Db d;
    {
        const TraceScope trace("4bf92f3577b34da6a3ce929d0e0e4736");
        d.uow.run([](Transaction& tx) { tx.notifier().enqueue(code_mail()); });
    }
    d.uow.run([](Transaction& tx) { tx.notifier().enqueue(code_mail("anne@exemple.fr")); });  // outside a request
    const auto claimed = d.outbox.claim_due(10, std::chrono::seconds(60));
    REQUIRE(claimed.size() == 2);
    std::set<std::string> traces{claimed[0].trace_id, claimed[1].trace_id};
    CHECK(traces == std::set<std::string>{"4bf92f3577b34da6a3ce929d0e0e4736", ""});
    CHECK(current_trace_id().empty());  // the scope put back what was there
}
