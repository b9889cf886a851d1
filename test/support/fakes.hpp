#pragma once
// In-memory fakes of the ports, for unit tests of services. The contract suite in
// test/integration/member_repository_contract_test.cpp runs the same cases on these and on the
// PostgreSQL adapters, so a fake cannot drift from the real thing.
#include <deque>
#include <map>
#include <mutex>
#include <vector>

#include "domain/clock.hpp"
#include "domain/health.hpp"
#include "domain/notifications/outbox.hpp"
#include "domain/notifications/sender.hpp"
#include "domain/password/hasher.hpp"
#include "domain/random.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet::testing {

class FakeMemberRepository final : public MemberRepository {
public:
    explicit FakeMemberRepository(std::map<std::string, Member>& rows) : rows_(rows) {}
    UpsertOutcome upsert(const Member& m) override {
        auto it = rows_.find(m.nir.value());
        if (it == rows_.end()) {
            rows_.emplace(m.nir.value(), m);
            return UpsertOutcome::created;
        }
        if (it->second == m) return UpsertOutcome::unchanged;
        it->second = m;
        return UpsertOutcome::updated;
    }
    std::optional<Member> find_by_nir(const Nir& nir) override {
        auto it = rows_.find(nir.value());
        return it == rows_.end() ? std::nullopt : std::optional<Member>(it->second);
    }

private:
    std::map<std::string, Member>& rows_;
};

class FakeNotifier final : public Notifier {
public:
    explicit FakeNotifier(std::vector<OutgoingMessage>& messages) : messages_(messages) {}
    MessageId enqueue(const OutgoingMessage& m) override {
        messages_.push_back(m);
        return static_cast<MessageId>(messages_.size());
    }

private:
    std::vector<OutgoingMessage>& messages_;
};

struct FakeAccountRow {
    AccountId id;
    LegacyAccount account;
};

class FakeAccountRepository final : public AccountRepository {
public:
    FakeAccountRepository(std::map<std::string, FakeAccountRow>& rows, const std::map<std::string, Member>& members)
        : rows_(rows), members_(members) {}
    std::optional<AccountId> create_legacy(const LegacyAccount& a) override {
        if (!members_.contains(a.nir.value()) || rows_.contains(a.nir.value())) return std::nullopt;
        const auto id = static_cast<AccountId>(rows_.size() + 1);
        rows_.emplace(a.nir.value(), FakeAccountRow{id, a});
        return id;
    }
    std::optional<LegacyLogin> find_legacy_login(const NirBody& nir) override {
        for (auto& [key, row] : rows_)
            if (row.account.nir.body() == nir)
                return LegacyLogin{row.id, row.account.nir_password_hash, row.account.password_is_temporary,
                                   row.account.temporary_password_expires_at, false};
        return std::nullopt;
    }
    void record_login(AccountId id, const std::optional<std::string>& rehashed) override {
        for (auto& [key, row] : rows_)
            if (row.id == id) {
                row.account.has_logged_in = true;
                if (rehashed) row.account.nir_password_hash = rehashed;
            }
    }
    std::optional<AccountOverview> overview(AccountId id) override {
        for (auto& [key, row] : rows_)
            if (row.id == id) return AccountOverview{id, row.account.nir, false, row.account.has_logged_in, "active"};
        return std::nullopt;
    }

private:
    std::map<std::string, FakeAccountRow>& rows_;
    const std::map<std::string, Member>& members_;
};

class FakeLoginThrottle final : public LoginThrottle {
public:
    FakeLoginThrottle(std::map<std::string, int>& failures, LockoutPolicy policy) : failures_(failures), policy_(policy) {}
    int count_attempt(const IdentifierKey& k) override {
        auto& f = failures_[k.normalised];
        f = std::min(f + 1, policy_.max_failures + 1);
        return f;
    }
    void clear_after_success(const IdentifierKey& k) override { failures_[k.normalised] = 0; }
    void set_locked(const IdentifierKey& k, bool locked) override { failures_[k.normalised] = locked ? policy_.max_failures : 0; }
    bool is_locked(const IdentifierKey& k) override {
        auto it = failures_.find(k.normalised);
        return it != failures_.end() && it->second >= policy_.max_failures;
    }

private:
    std::map<std::string, int>& failures_;
    LockoutPolicy policy_;
};

struct FakeSessionRow {
    SessionInfo info;
    bool revoked = false;
};

class FakeSessionRepository final : public SessionRepository {
public:
    FakeSessionRepository(std::map<std::string, FakeSessionRow>& sessions, std::map<std::string, std::pair<std::string, bool>>& refresh)
        : sessions_(sessions), refresh_(refresh) {}
    void create(const SessionInfo& s, const std::string& token) override {
        sessions_[s.id] = {s, false};
        refresh_[token] = {s.id, false};
    }
    Rotation rotate(const std::string& presented, const std::string& replacement, std::chrono::system_clock::time_point now) override {
        auto it = refresh_.find(presented);
        if (it == refresh_.end()) return {RotationOutcome::unknown, std::nullopt};
        if (it->second.second) {
            sessions_[it->second.first].revoked = true;
            return {RotationOutcome::reused, std::nullopt};
        }
        it->second.second = true;
        auto session = find_active(it->second.first, now);
        if (!session) return {RotationOutcome::unknown, std::nullopt};
        refresh_[replacement] = {session->id, false};
        return {RotationOutcome::rotated, session};
    }
    std::optional<SessionInfo> find_active(const std::string& id, std::chrono::system_clock::time_point now) override {
        auto it = sessions_.find(id);
        if (it == sessions_.end() || it->second.revoked || it->second.info.expires_at <= now) return std::nullopt;
        return it->second.info;
    }
    std::vector<SessionInfo> list_active(AccountId account, std::chrono::system_clock::time_point now) override {
        std::vector<SessionInfo> out;
        for (const auto& [id, row] : sessions_)
            if (row.info.account_id == account && !row.revoked && row.info.expires_at > now) out.push_back(row.info);
        return out;
    }
    bool revoke(const std::string& id, AccountId account) override {
        auto it = sessions_.find(id);
        if (it == sessions_.end() || it->second.revoked || it->second.info.account_id != account) return false;
        it->second.revoked = true;
        return true;
    }

private:
    std::map<std::string, FakeSessionRow>& sessions_;
    std::map<std::string, std::pair<std::string, bool>>& refresh_;
};

// Transactions work on a copy that replaces the state only when the work returns normally.
class FakeUnitOfWork final : public UnitOfWork {
public:
    void run(const std::function<void(Transaction&)>& work) override {
        std::lock_guard lock(mutex_);
        if (fail_next_with_unavailable) {
            fail_next_with_unavailable = false;
            throw Unavailable("fake: database down");
        }
        auto members = members_;
        auto outbox = outbox_;
        auto accounts = accounts_;
        auto failures = failures_;
        auto sessions = sessions_;
        auto refresh = refresh_;
        Tx tx(members, outbox, accounts, failures, sessions, refresh);
        work(tx);
        members_ = std::move(members);
        outbox_ = std::move(outbox);
        accounts_ = std::move(accounts);
        failures_ = std::move(failures);
        sessions_ = std::move(sessions);
        refresh_ = std::move(refresh);
        ++commits;
    }
    std::size_t member_count() const { return members_.size(); }
    const std::vector<OutgoingMessage>& outbox() const { return outbox_; }
    const std::map<std::string, FakeAccountRow>& accounts() const { return accounts_; }
    const std::map<std::string, int>& failures() const { return failures_; }
    bool fail_next_with_unavailable = false;
    int commits = 0;

private:
    struct Tx final : Transaction {
        Tx(std::map<std::string, Member>& rows, std::vector<OutgoingMessage>& messages,
           std::map<std::string, FakeAccountRow>& accounts, std::map<std::string, int>& failures,
           std::map<std::string, FakeSessionRow>& sessions, std::map<std::string, std::pair<std::string, bool>>& refresh)
            : repo(rows), notifier_(messages), accounts_(accounts, rows), throttle_(failures, LockoutPolicy{}),
              sessions_(sessions, refresh) {}
        MemberRepository& members() override { return repo; }
        Notifier& notifier() override { return notifier_; }
        AccountRepository& accounts() override { return accounts_; }
        LoginThrottle& throttle() override { return throttle_; }
        SessionRepository& sessions() override { return sessions_; }
        FakeMemberRepository repo;
        FakeNotifier notifier_;
        FakeAccountRepository accounts_;
        FakeLoginThrottle throttle_;
        FakeSessionRepository sessions_;
    };
    std::mutex mutex_;
    std::map<std::string, Member> members_;
    std::vector<OutgoingMessage> outbox_;
    std::map<std::string, FakeAccountRow> accounts_;
    std::map<std::string, int> failures_;
    std::map<std::string, FakeSessionRow> sessions_;
    std::map<std::string, std::pair<std::string, bool>> refresh_;
};

// The dispatcher's view of the outbox, in memory: records what the dispatcher decided.
class FakeOutboxQueue final : public OutboxQueue {
public:
    struct Row {
        ClaimedMessage claimed{0, 0, std::nullopt};
        std::string state = "pending";
        std::chrono::milliseconds retry_delay{0};
        std::string error;
    };
    MessageId add(OutgoingMessage m, int previous_attempts = 0) {
        Row row;
        row.claimed = ClaimedMessage{static_cast<MessageId>(rows.size() + 1), previous_attempts, std::move(m)};
        rows.push_back(std::move(row));
        return rows.back().claimed.id;
    }
    std::vector<ClaimedMessage> claim_due(std::size_t max, std::chrono::seconds) override {
        std::vector<ClaimedMessage> out;
        for (auto& r : rows)
            if (r.state == "pending" && out.size() < max) {
                r.state = "sending";
                ++r.claimed.attempts;
                out.push_back(r.claimed);
            }
        return out;
    }
    void mark_sent(MessageId id) override { row(id).state = "sent"; }
    void schedule_retry(MessageId id, std::chrono::milliseconds delay, const std::string& error) override {
        auto& r = row(id);
        r.state = "retry";  // not due again in this fake until a test says so
        r.retry_delay = delay;
        r.error = error;
    }
    void mark_dead(MessageId id, const std::string& error) override {
        row(id).state = "dead";
        row(id).error = error;
    }
    Row& row(MessageId id) { return rows.at(static_cast<std::size_t>(id - 1)); }
    std::vector<Row> rows;
};

// The agents' view of the outbox, in memory: tests put messages and letters in it directly.
class FakeOutboxAdmin final : public OutboxAdmin {
public:
    std::vector<MessageSummary> messages;
    std::vector<Letter> letters_;
    std::vector<MessageSummary> list(MessageStatus status, std::size_t limit) override {
        std::vector<MessageSummary> out;
        for (const auto& m : messages)
            if (m.status == status && out.size() < limit) out.push_back(m);
        return out;
    }
    bool retry(MessageId id) override {
        for (auto& m : messages)
            if (m.id == id && m.status == MessageStatus::dead) {
                m.status = MessageStatus::pending;
                m.attempts = 0;
                return true;
            }
        return false;
    }
    std::vector<Letter> letters(MessageStatus status, std::size_t limit, const BrandSettings&) override {
        std::vector<Letter> out;
        for (const auto& l : letters_)
            if ((status == MessageStatus::sent) == l.printed_at.has_value() && out.size() < limit) out.push_back(l);
        return out;
    }
    bool mark_printed(MessageId id) override {
        for (auto& l : letters_)
            if (l.id == id && !l.printed_at) {
                l.printed_at = std::chrono::system_clock::now();
                l.content = {};
                return true;
            }
        return false;
    }
    OutboxStats stats() override {
        OutboxStats s;
        for (const auto& m : messages) s.pending += m.status == MessageStatus::pending ? 1 : 0;
        return s;
    }
};

// A sender that answers from a script and records what it was given.
class ScriptedSender final : public MessageSender {
public:
    std::deque<SendResult> script;  // then `sent` forever
    std::vector<Envelope> received;
    SendResult send(const Envelope& e) override {
        received.push_back(e);
        if (script.empty()) return {SendOutcome::sent, {}};
        auto r = script.front();
        script.pop_front();
        return r;
    }
};

// Deterministic "random" numbers for tests: a counter walked through a fixed sequence.
class SequenceRandom final : public RandomSource {
public:
    std::uint32_t uniform(std::uint32_t upper_bound) override { return static_cast<std::uint32_t>((next_++ * 7919u + 13u) % upper_bound); }

private:
    std::uint32_t next_ = 0;
};

// A fast, honest hasher for service tests: "hash:" + password (the real one is tested in infra).
class PlainHasher final : public PasswordHasher {
public:
    std::string hash(std::string_view password) const override { return "plain$" + std::string(password); }
    bool verify(std::string_view phc, std::string_view password) const override { return phc == "plain$" + std::string(password); }
    bool needs_rehash(std::string_view phc) const override { return phc.rfind("plain$", 0) != 0; }
    void verify_dummy(std::string_view) const override { ++dummy_checks; }
    mutable int dummy_checks = 0;
};

class FixedClock final : public Clock {
public:
    explicit FixedClock(std::chrono::system_clock::time_point t) : t_(t) {}
    std::chrono::system_clock::time_point now() const override { return t_; }

private:
    std::chrono::system_clock::time_point t_;
};

// 2026-11-25T12:00:00Z
inline FixedClock test_clock() {
    using namespace std::chrono;
    return FixedClock(sys_days{year{2026} / 11 / 25} + hours{12});
}

class FakeReadiness final : public ReadinessProbe {
public:
    bool is_ready = true;
    bool ready() override { return is_ready; }
};

// A valid member record of the registry; tests change the fields they are about.
inline MemberRecord sample_record(std::string nir = "184027512345674") {
    return MemberRecord{std::move(nir), "Martin", "Jean", "1984-02-29", "particulier", "jean.martin@exemple.fr",
                        "0612345678", "0145678910", "12 rue de la Paix, 75002 Paris", "123456789",
                        "2026-10-03:23.50;2026-08-14:112"};
}

}  // namespace guichet::testing
