#include "infra/postgres/unit_of_work.hpp"

#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "infra/postgres/account_repository.hpp"
#include "infra/postgres/code_repository.hpp"
#include "infra/postgres/member_repository.hpp"
#include "infra/postgres/outbox.hpp"
#include "infra/postgres/registration_repositories.hpp"

namespace guichet::infra {

namespace {

class PgTransaction final : public Transaction {
public:
    PgTransaction(pqxx::transaction_base& tx, const DataCipher& cipher, LockoutPolicy lockout)
        : members_(tx, cipher),
          notifier_(tx, cipher),
          accounts_(tx, cipher),
          identities_(tx),
          flows_(tx, cipher),
          links_(tx, cipher),
          codes_(tx, cipher),
          throttle_(tx, cipher, lockout),
          sessions_(tx, cipher) {}
    MemberRepository& members() override { return members_; }
    Notifier& notifier() override { return notifier_; }
    AccountRepository& accounts() override { return accounts_; }
    IdentityRepository& identities() override { return identities_; }
    FlowRepository& flows() override { return flows_; }
    LinkTokenRepository& links() override { return links_; }
    CodeRepository& codes() override { return codes_; }
    LoginThrottle& throttle() override { return throttle_; }
    SessionRepository& sessions() override { return sessions_; }

private:
    PgMemberRepository members_;
    PgNotifier notifier_;
    PgAccountRepository accounts_;
    PgIdentityRepository identities_;
    PgFlowRepository flows_;
    PgLinkTokenRepository links_;
    PgCodeRepository codes_;
    PgLoginThrottle throttle_;
    PgSessionRepository sessions_;
};

}  // namespace

namespace {

// One pooled connection per call; a connection found broken before commit is replaced and the
// work runs once more (see the header). `Tx` is pqxx::work, or pqxx::nontransaction for reads.
template <typename Tx>
void run_with(ConnectionPool& pool, const DataCipher& cipher, LockoutPolicy lockout, const std::function<void(Transaction&)>& work) {
    constexpr int kAttempts = 2;
    for (int attempt = 1;; ++attempt) {
        auto conn = pool.acquire();
        bool committing = false;
        try {
            Tx tx(*conn);
            PgTransaction t(tx, cipher, lockout);
            work(t);
            committing = true;
            tx.commit();
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

void PgUnitOfWork::run(const std::function<void(Transaction&)>& work) { run_with<pqxx::work>(pool_, cipher_, lockout_, work); }

void PgUnitOfWork::autocommit(const std::function<void(Transaction&)>& work) {
    run_with<pqxx::nontransaction>(pool_, cipher_, lockout_, work);
}

bool PgReadinessProbe::ready() {
    // Like a unit of work, a connection found broken (the server restarted) is replaced once.
    for (int attempt = 1; attempt <= 2; ++attempt) {
        try {
            auto conn = pool_.acquire();
            try {
                pqxx::nontransaction tx(*conn);
                tx.exec("SELECT 1");
                return true;
            } catch (const pqxx::broken_connection&) {
                conn.discard();
                pool_.discard_idle();
            }
        } catch (const std::exception&) {
            return false;
        }
    }
    return false;
}

}  // namespace guichet::infra
