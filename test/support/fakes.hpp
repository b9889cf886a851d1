#pragma once
// In-memory fakes of the ports, for unit tests of services. The contract suite in
// test/integration/member_repository_contract_test.cpp runs the same cases on these and on the
// PostgreSQL adapters, so a fake cannot drift from the real thing.
#include <map>
#include <mutex>

#include "domain/clock.hpp"
#include "domain/health.hpp"
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

// Transactions work on a copy that replaces the state only when the work returns normally.
class FakeUnitOfWork final : public UnitOfWork {
public:
    void run(const std::function<void(Transaction&)>& work) override {
        std::lock_guard lock(mutex_);
        if (fail_next_with_unavailable) {
            fail_next_with_unavailable = false;
            throw Unavailable("fake: database down");
        }
        auto copy = members_;
        Tx tx(copy);
        work(tx);
        members_ = std::move(copy);
        ++commits;
    }
    std::size_t member_count() const { return members_.size(); }
    bool fail_next_with_unavailable = false;
    int commits = 0;

private:
    struct Tx final : Transaction {
        explicit Tx(std::map<std::string, Member>& rows) : repo(rows) {}
        MemberRepository& members() override { return repo; }
        FakeMemberRepository repo;
    };
    std::mutex mutex_;
    std::map<std::string, Member> members_;
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
