// Service: the dispatcher sends each due message once, retries temporary failures with backoff,
// and gives up on permanent failures and after the last attempt (issue 3).
#include <catch2/catch.hpp>

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
    Dispatcher dispatcher{queue, {{Channel::email, &email}, {Channel::sms, &sms}}, settings, counters};
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

TEST_CASE("the last attempt's failure makes the message dead", "[service][delivery]") {
    Fixture f;
    f.email.script = {{SendOutcome::retry, "connexion refusée"}};
    const auto id = f.queue.add(code_by(Channel::email, "jean@exemple.fr"), f.settings.retry.max_attempts - 1);
    f.dispatcher.run_once();
    CHECK(f.queue.row(id).state == "dead");
    CHECK(f.queue.row(id).error == "connexion refusée");
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
    Dispatcher email_only(f.queue, {{Channel::email, &f.email}}, f.settings, f.counters);
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
    Dispatcher d(f.queue, {{Channel::email, &throwing}, {Channel::sms, &f.sms}}, f.settings, f.counters);
    const auto id = f.queue.add(code_by(Channel::email, "jean@exemple.fr"));
    d.run_once();
    CHECK(f.queue.row(id).state == "retry");
}

TEST_CASE("default retry policy: 10 attempts spread over about a day, jittered", "[domain][delivery]") {
    const RetryPolicy policy;
    std::chrono::milliseconds total{0};
    for (int attempt = 1; attempt < policy.max_attempts; ++attempt) total += policy.delay_after(attempt, 0.5);
    CHECK(total >= std::chrono::hours(20));
    CHECK(total <= std::chrono::hours(30));
    CHECK(policy.delay_after(1, 0.5) == policy.base);
    CHECK(policy.delay_after(2, 0.5) == 2 * policy.base);
    CHECK(policy.delay_after(1, 0.0) < policy.base);
    CHECK(policy.delay_after(1, 0.999) > policy.base);
    CHECK(policy.delay_after(40, 0.5) == policy.cap);
    CHECK_FALSE(policy.exhausted(9));
    CHECK(policy.exhausted(10));
}

TEST_CASE("recipients are masked for listings", "[domain][delivery]") {
    CHECK(mask_recipient(Channel::email, "jean.martin@exemple.fr") == "j•••@exemple.fr");
    CHECK(mask_recipient(Channel::sms, "+33612345678").find("78") != std::string::npos);
    CHECK(mask_recipient(Channel::sms, "+33612345678").find("612345") == std::string::npos);
    CHECK(mask_recipient(Channel::letter, "12 rue de la Paix\n75002 Paris") == "courrier (75•••)");
    CHECK(mask_recipient(Channel::email, "not an email") == "•••");
}
