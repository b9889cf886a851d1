// Service: the dispatcher sends each due message once, retries temporary failures within
// seconds, gives up on permanent failures, and never delivers a message after its life
// (issues 3 and 15).
#include <catch2/catch.hpp>

#include "domain/password/temporary_password.hpp"
#include "service/delivery/dispatcher.hpp"
#include "support/fakes.hpp"

using namespace guichet;
using namespace guichet::testing;

namespace {

OutgoingMessage code_by(Channel channel, std::string recipient) {
    return OutgoingMessage{channel, std::move(recipient), MessageKind::security_code, {{"code", "123456"}}};
}

struct Fixture {
    FakeOutboxQueue queue;
    ScriptedSender email, sms;
    DeliveryCounters counters;
    DispatcherSettings settings = [] {
        DispatcherSettings s;
        s.brand = BrandSettings{"MGEN", "https://espace.exemple.fr"};
        s.message_id_domain = "exemple.fr";
        return s;
    }();
    Rules rules;
    Dispatcher dispatcher{queue, {{Channel::email, &email}, {Channel::sms, &sms}}, settings, counters, rules};
};

}  // namespace

TEST_CASE("each due message goes to the sender of its channel, rendered, with a stable Message-ID", "[service][delivery]") {
    Fixture f;
    const auto mail = f.queue.add(code_by(Channel::email, "jean@exemple.fr"));
    const auto sms = f.queue.add(code_by(Channel::sms, "+33612345678"));
    const auto events = f.dispatcher.run_once();
    REQUIRE(events.size() == 2);
    REQUIRE(f.email.received.size() == 1);
    REQUIRE(f.sms.received.size() == 1);
    CHECK(f.email.received[0].recipient == "jean@exemple.fr");
    CHECK(f.email.received[0].message_id == "<" + std::to_string(mail) + ".outbox@exemple.fr>");
    CHECK(f.email.received[0].content.text.find("123456") != std::string::npos);
    CHECK(f.sms.received[0].recipient == "+33612345678");
    CHECK(f.queue.row(mail).state == "sent");
    CHECK(f.queue.row(sms).state == "sent");
    CHECK(f.counters.sent == 2);
    CHECK(f.dispatcher.run_once().empty());  // nothing sent twice
}

TEST_CASE("a temporary failure is retried later with backoff, a permanent one is dead at once", "[service][delivery]") {
    Fixture f;
    f.sms.script = {{SendOutcome::retry, "HTTP 500"}, {SendOutcome::permanent, "HTTP 400"}};
    const auto first = f.queue.add(code_by(Channel::sms, "+33612345678"));
    const auto second = f.queue.add(code_by(Channel::sms, "+33698765432"));
    f.dispatcher.run_once();
    CHECK(f.queue.row(first).state == "retry");
    CHECK(f.queue.row(first).error == "HTTP 500");
    const auto base = f.settings.retry.base.count();
    CHECK(f.queue.row(first).retry_delay.count() >= base * 8 / 10);
    CHECK(f.queue.row(first).retry_delay.count() <= base * 12 / 10);
    CHECK(f.queue.row(second).state == "dead");
    CHECK(f.queue.row(second).error == "HTTP 400");
    CHECK(f.counters.failed == 2);
    CHECK(f.counters.dead == 1);
}

TEST_CASE("a message past its life is expired, not sent", "[service][delivery]") {
    Fixture f;
    using std::chrono::minutes;
    const auto late_code = f.queue.add(code_by(Channel::email, "jean@exemple.fr"), 3, minutes(30));
    const auto live_code = f.queue.add(code_by(Channel::email, "anne@exemple.fr"), 3, minutes(29));
    const auto notice = f.queue.add(OutgoingMessage{Channel::sms, "+33612345678", MessageKind::password_changed, {}}, 3, minutes(29));
    f.dispatcher.run_once();
    CHECK(f.queue.row(late_code).state == "expired");
    CHECK(f.queue.row(live_code).state == "sent");
    CHECK(f.queue.row(notice).state == "sent");  // a notice lives a day
    REQUIRE(f.email.received.size() == 1);
    CHECK(f.email.received[0].recipient == "anne@exemple.fr");
    CHECK(f.counters.expired == 1);
}

TEST_CASE("a failure whose next attempt would come after the message's life expires it at once", "[service][delivery]") {
    Fixture f;
    f.email.script = {{SendOutcome::retry, "connexion refusée"}, {SendOutcome::retry, "connexion refusée"}};
    using std::chrono::seconds;
    const auto last_chance = f.queue.add(code_by(Channel::email, "jean@exemple.fr"), 20, std::chrono::minutes(30) - seconds(1));
    const auto in_time = f.queue.add(code_by(Channel::email, "anne@exemple.fr"), 20, std::chrono::minutes(20));
    f.dispatcher.run_once();
    CHECK(f.queue.row(last_chance).state == "expired");
    CHECK(f.queue.row(last_chance).error.find("connexion refusée") != std::string::npos);
    CHECK(f.queue.row(in_time).state == "retry");  // 20 attempts are not a limit: its life is
}

TEST_CASE("every kind of message has a life, from the rule of what it carries", "[domain][delivery]") {
    const Rules rules;
    for (const auto kind : every_message_kind) CHECK(rules.message_lifetime(kind) > std::chrono::seconds(0));
    CHECK(rules.message_lifetime(MessageKind::security_code) == rules.recovery_codes.lifetime);
    CHECK(rules.message_lifetime(MessageKind::reset_link) == rules.reset_link_lifetime);
    CHECK(rules.message_lifetime(MessageKind::activation_link) == rules.registration.activation_link_lifetime);
    CHECK(rules.message_lifetime(MessageKind::temporary_password) == temporary_password_lifetime(Channel::sms));
    CHECK(rules.message_lifetime(MessageKind::password_changed) == std::chrono::hours(24));
}

TEST_CASE("a dispatcher told to stop finishes its send and gives the rest of its batch back", "[service][delivery]") {
    Fixture f;
    std::atomic<bool> stop{false};
    struct StoppingSender final : MessageSender {
        std::atomic<bool>& stop;
        int sent = 0;
        explicit StoppingSender(std::atomic<bool>& s) : stop(s) {}
        SendResult send(const Envelope&) override {
            ++sent;
            stop = true;  // SIGTERM arrives during the first send
            return {SendOutcome::sent, {}};
        }
    } sender(stop);
    Dispatcher d(f.queue, {{Channel::email, &sender}}, f.settings, f.counters, f.rules);
    const auto first = f.queue.add(code_by(Channel::email, "jean@exemple.fr"));
    const auto second = f.queue.add(code_by(Channel::email, "anne@exemple.fr"));
    const auto events = d.run_once(&stop);
    CHECK(events.size() == 1);
    CHECK(sender.sent == 1);
    CHECK(f.queue.row(first).state == "sent");
    CHECK(f.queue.row(second).state == "pending");
    CHECK(f.queue.row(second).claimed.attempts == 0);  // its claim did not count as an attempt
}

TEST_CASE("the sent messages of a batch are recorded together, after it", "[service][delivery]") {
    Fixture f;
    f.email.script = {{SendOutcome::sent, {}}, {SendOutcome::retry, "421"}, {SendOutcome::sent, {}}};
    const auto first = f.queue.add(code_by(Channel::email, "jean@exemple.fr"));
    const auto second = f.queue.add(code_by(Channel::email, "anne@exemple.fr"));
    const auto third = f.queue.add(code_by(Channel::email, "paul@exemple.fr"));
    f.dispatcher.run_once();
    CHECK(f.queue.sent_records == 1);
    CHECK(f.queue.row(first).state == "sent");
    CHECK(f.queue.row(second).state == "retry");
    CHECK(f.queue.row(third).state == "sent");
    CHECK(f.counters.sent == 2);
}

TEST_CASE("a batch never outlives half its lease: the rest goes back before another dispatcher could take it", "[service][delivery]") {
    Fixture f;
    f.settings.lease = std::chrono::seconds(0);  // any send takes longer than half of it
    Dispatcher d(f.queue, {{Channel::email, &f.email}}, f.settings, f.counters, f.rules);
    const auto first = f.queue.add(code_by(Channel::email, "jean@exemple.fr"));
    const auto second = f.queue.add(code_by(Channel::email, "anne@exemple.fr"));
    CHECK(d.run_once().size() == 1);  // the first message of a batch is always tried
    CHECK(f.queue.row(first).state == "sent");
    CHECK(f.queue.row(second).state == "pending");
    CHECK(f.queue.row(second).claimed.attempts == 0);
}

TEST_CASE("when the database fails mid-batch, what was sent is still recorded", "[service][delivery]") {
    struct FailingRetries final : FakeOutboxQueue {
        void schedule_retry(MessageId, std::chrono::milliseconds, const std::string&) override {
            throw std::runtime_error("database connection lost");
        }
    };
    FailingRetries queue;
    ScriptedSender email;
    email.script = {{SendOutcome::sent, {}}, {SendOutcome::retry, "421"}, {SendOutcome::sent, {}}};
    DeliveryCounters counters;
    const Rules rules;
    Dispatcher d(queue, {{Channel::email, &email}}, DispatcherSettings{}, counters, rules);
    const auto first = queue.add(code_by(Channel::email, "jean@exemple.fr"));
    queue.add(code_by(Channel::email, "anne@exemple.fr"));
    const auto third = queue.add(code_by(Channel::email, "paul@exemple.fr"));
    CHECK_THROWS_WITH(d.run_once(), "database connection lost");
    CHECK(queue.row(first).state == "sent");
    CHECK(queue.row(third).state == "sending");  // not tried: its lease gives it back
    CHECK(email.received.size() == 2);
}

TEST_CASE("unreadable, unrenderable and letter messages are dead without a send", "[service][delivery]") {
    Fixture f;
    f.queue.rows.emplace_back();
    f.queue.rows.back().claimed = ClaimedMessage{1, 0, std::nullopt};
    f.queue.add(OutgoingMessage{Channel::email, "jean@exemple.fr", MessageKind::security_code, {}});  // no code
    f.queue.add(OutgoingMessage{Channel::letter, "1 rue X\n75001 Paris", MessageKind::temporary_password, {{"password", "x"}}});
    f.dispatcher.run_once();
    CHECK(f.queue.row(1).state == "dead");
    CHECK(f.queue.row(2).state == "dead");
    CHECK(f.queue.row(2).error.find("code") != std::string::npos);
    CHECK(f.queue.row(3).state == "dead");
    CHECK(f.email.received.empty());
}

TEST_CASE("a channel without a sender is a permanent failure, never sent on another channel", "[service][delivery]") {
    Fixture f;
    Dispatcher email_only(f.queue, {{Channel::email, &f.email}}, f.settings, f.counters, f.rules);
    const auto id = f.queue.add(code_by(Channel::sms, "+33612345678"));
    email_only.run_once();
    CHECK(f.queue.row(id).state == "dead");
    CHECK(f.queue.row(id).error.find("sms") != std::string::npos);
    CHECK(f.email.received.empty());
    CHECK(f.sms.received.empty());
}

TEST_CASE("a sender that throws counts as a temporary failure", "[service][delivery]") {
    struct Throwing final : MessageSender {
        SendResult send(const Envelope&) override { throw std::runtime_error("boom"); }
    } throwing;
    Fixture f;
    Dispatcher d(f.queue, {{Channel::email, &throwing}, {Channel::sms, &f.sms}}, f.settings, f.counters, f.rules);
    const auto id = f.queue.add(code_by(Channel::email, "jean@exemple.fr"));
    d.run_once();
    CHECK(f.queue.row(id).state == "retry");
}

TEST_CASE("default retry policy: 2 s doubled up to 10 s, jittered, growing with the message's age", "[domain][delivery]") {
    using namespace std::chrono;
    const RetryPolicy policy;
    CHECK(policy.delay_after(1, {}, 0.5) == seconds(2));
    CHECK(policy.delay_after(2, {}, 0.5) == seconds(4));
    CHECK(policy.delay_after(1, {}, 0.0) < seconds(2));
    CHECK(policy.delay_after(1, {}, 0.999) > seconds(2));
    CHECK(policy.delay_after(40, minutes(1), 0.5) == seconds(10));
    CHECK(policy.delay_after(40, hours(1), 0.5) == minutes(6));  // a tenth of its age

    // An outage of 60 s: whatever the jitter, the first attempt after its end comes within 12 s.
    for (const double r : {0.0, 0.5, 0.999}) {
        milliseconds at{0};
        int attempts = 1;
        while (at <= seconds(60)) at += policy.delay_after(attempts++, at, r);
        CHECK(at <= seconds(72));
    }
    // Over the 15 days of an activation link, attempts grow with the logarithm of its age.
    milliseconds age{0};
    int attempts = 1;
    while (age < hours(24 * 15)) age += policy.delay_after(attempts++, age, 0.5);
    CHECK(attempts < 150);
}

TEST_CASE("recipients are masked for listings", "[domain][delivery]") {
    CHECK(mask_recipient(Channel::email, "jean.martin@exemple.fr") == "j•••@exemple.fr");
    CHECK(mask_recipient(Channel::sms, "+33612345678").find("78") != std::string::npos);
    CHECK(mask_recipient(Channel::sms, "+33612345678").find("612345") == std::string::npos);
    CHECK(mask_recipient(Channel::letter, "12 rue de la Paix\n75002 Paris") == "courrier (75•••)");
    CHECK(mask_recipient(Channel::email, "not an email") == "•••");
}
