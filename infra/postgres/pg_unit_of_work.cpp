#include "infra/postgres/pg_unit_of_work.hpp"

#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <type_traits>

#include "infra/postgres/pg_account_repository.hpp"
#include "infra/postgres/pg_code_repository.hpp"
#include "infra/postgres/pg_event_log.hpp"
#include "infra/postgres/pg_flow_repository.hpp"
#include "infra/postgres/pg_identity_repository.hpp"
#include "infra/postgres/pg_limits.hpp"
#include "infra/postgres/pg_link_tokens.hpp"
#include "infra/postgres/pg_login_throttle.hpp"
#include "infra/postgres/pg_member_repository.hpp"
#include "infra/postgres/pg_oidc_store.hpp"
#include "infra/postgres/pg_outbox.hpp"
#include "infra/postgres/pg_session_repository.hpp"

namespace guichet::infra {

namespace {

class PgTransaction final : public Transaction {
public:
    // `read_cache` only outside a transaction: a transaction reads what it wrote, so the database.
    PgTransaction(pqxx::transaction_base& tx, const DataCipher& cipher, LockoutPolicy lockout, SessionCache* read_cache,
                  CacheWrites& writes, LimitMemory* limits, bool autocommit)
        : members_(tx, cipher),
          notifier_(tx, cipher),
          outbox_(tx),
          accounts_(tx, cipher, writes),
          identities_(tx),
          flows_(tx, cipher),
          links_(tx, cipher),
          codes_(tx, cipher),
          throttle_(tx, cipher, lockout),
          sessions_(tx, cipher, read_cache, writes),
          events_(tx, writes),
          limits_(tx, cipher, limits, autocommit),
          oidc_(tx, cipher) {}
    MemberRepository& members() override { return members_; }
    Notifier& notifier() override { return notifier_; }
    OutboxChanges& outbox() override { return outbox_; }
    AccountRepository& accounts() override { return accounts_; }
    IdentityRepository& identities() override { return identities_; }
    FlowRepository& flows() override { return flows_; }
    LinkTokenRepository& links() override { return links_; }
    CodeRepository& codes() override { return codes_; }
    LoginThrottle& throttle() override { return throttle_; }
    SessionRepository& sessions() override { return sessions_; }
    SecurityEventLog& events() override { return events_; }
    Limits& limits() override { return limits_; }
    OidcStore& oidc() override { return oidc_; }
    CountedLogin count_attempt_and_find(const IdentifierKey& key, const NirBody& nir) override {
        return throttle_.count_attempt_and_find(key, nir);
    }
    void create_session(const SessionInfo& session, const std::string& refresh_token, const std::optional<IdentifierKey>& clear) override {
        sessions_.create(session, refresh_token, clear ? std::optional(throttle_.index(*clear)) : std::nullopt);
    }

private:
    PgMemberRepository members_;
    PgNotifier notifier_;
    PgOutboxChanges outbox_;
    PgAccountRepository accounts_;
    PgIdentityRepository identities_;
    PgFlowRepository flows_;
    PgLinkTokenRepository links_;
    PgCodeRepository codes_;
    PgLoginThrottle throttle_;
    PgSessionRepository sessions_;
    PgSecurityEventLog events_;
    PgLimits limits_;
    PgOidcStore oidc_;
};

// Work run where it must not wait (NoWaiting): the session cache, and WouldWait for the rest.
class MemoryTransaction final : public Transaction {
public:
    MemoryTransaction(const SessionCache* cache, LimitMemory* limits) : sessions_(cache), limits_(limits) {}
    MemberRepository& members() override { throw WouldWait(); }
    Notifier& notifier() override { throw WouldWait(); }
    OutboxChanges& outbox() override { throw WouldWait(); }
    AccountRepository& accounts() override { throw WouldWait(); }
    IdentityRepository& identities() override { throw WouldWait(); }
    FlowRepository& flows() override { throw WouldWait(); }
    LinkTokenRepository& links() override { throw WouldWait(); }
    CodeRepository& codes() override { throw WouldWait(); }
    LoginThrottle& throttle() override { throw WouldWait(); }
    SessionRepository& sessions() override { return sessions_; }
    SecurityEventLog& events() override { throw WouldWait(); }
    Limits& limits() override { return limits_; }
    OidcStore& oidc() override { throw WouldWait(); }

private:
    CachedSessionReads sessions_;
    MemoryLimits limits_;
};

}  // namespace

namespace {

// One pooled connection per call; a connection found broken before commit is replaced and the
// work runs once more (see the header). `Tx` is pqxx::work, or pqxx::nontransaction for reads.
template <typename Tx>
void run_with(ConnectionPool& pool, const DataCipher& cipher, LockoutPolicy lockout, SessionCache* cache, LimitMemory* limits,
              SecurityEventCounters* counters, const std::function<void(Transaction&)>& work) {
    constexpr int kAttempts = 2;
    constexpr bool autocommit = std::is_same_v<Tx, pqxx::nontransaction>;
    for (int attempt = 1;; ++attempt) {
        auto conn = pool.acquire();
        bool committing = false;
        try {
            Tx tx(*conn);
            CacheWrites writes;
            PgTransaction t(tx, cipher, lockout, autocommit ? cache : nullptr, writes, limits, autocommit);
            work(t);
            committing = true;
            tx.commit();
            // The triggers tell every process too, but a moment later: evicting here means the
            // caller's next request already sees what this one changed.
            if (cache)
                for (auto account : writes.accounts) cache->forget_account(account);
            if (counters)
                for (auto kind : writes.events) counters->add(kind);
            return;
        } catch (const pqxx::in_doubt_error& e) {
            conn.discard();
            throw Unavailable(std::string("commit in doubt: ") + e.what());
        } catch (const pqxx::broken_connection& e) {
            conn.discard();
            pool.discard_idle();
            if (committing || attempt == kAttempts) throw Unavailable(std::string("database connection lost: ") + e.what());
        }
    }
}

}  // namespace

void PgUnitOfWork::run(const std::function<void(Transaction&)>& work) {
    if (NoWaiting::active()) throw WouldWait();
    run_with<pqxx::work>(pool_, cipher_, lockout_, cache_, limits_, counters_, work);
}

void PgUnitOfWork::autocommit(const std::function<void(Transaction&)>& work) {
    if (NoWaiting::active()) {
        MemoryTransaction memory(cache_, limits_);
        work(memory);
        return;
    }
    run_with<pqxx::nontransaction>(pool_, cipher_, lockout_, cache_, limits_, counters_, work);
}

}  // namespace guichet::infra
