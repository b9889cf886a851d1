#pragma once
// Port: a database transaction. Everything a use case changes through the repositories of one
// Transaction is committed together or not at all (so a change and the message it needs are
// written atomically). The adapter owns begin/commit/rollback; an exception rolls back.
#include <functional>
#include <optional>
#include <stdexcept>

#include "domain/accounts/account_repository.hpp"
#include "domain/codes/codes.hpp"
#include "domain/events/security_events.hpp"
#include "domain/flows/flow.hpp"
#include "domain/identities/identity_repository.hpp"
#include "domain/limits/limits.hpp"
#include "domain/links/link_tokens.hpp"
#include "domain/lockout/login_throttle.hpp"
#include "domain/members/member_repository.hpp"
#include "domain/notifications/notifier.hpp"
#include "domain/notifications/outbox.hpp"
#include "domain/oidc/oidc.hpp"
#include "domain/sessions/session.hpp"

namespace guichet {

// A NIR login's first step: the attempt counted and the account behind the NIR read.
struct CountedLogin {
    int counted = 0;                     // as LoginThrottle::count_attempt returns it
    std::optional<LegacyLogin> account;  // as AccountRepository::find_legacy_login returns it
};

class Transaction {
public:
    virtual ~Transaction() = default;
    virtual MemberRepository& members() = 0;
    virtual AccountRepository& accounts() = 0;
    virtual IdentityRepository& identities() = 0;
    virtual FlowRepository& flows() = 0;
    virtual LinkTokenRepository& links() = 0;
    virtual CodeRepository& codes() = 0;
    // Counting an attempt in a transaction of its own commits it before the password is checked.
    virtual LoginThrottle& throttle() = 0;
    virtual SessionRepository& sessions() = 0;
    virtual SecurityEventLog& events() = 0;
    // Taken outside a transaction (autocommit), an event counts at once; inside one, it counts
    // only if the transaction commits (a message's cap with the message).
    virtual Limits& limits() = 0;
    // Messages enqueued here are committed (or rolled back) with the rest of the transaction.
    virtual Notifier& notifier() = 0;
    // Agents' retries and the print provider's acknowledgements, with their events.
    virtual OutboxChanges& outbox() = 0;
    // The OpenID Connect provider's clients, requests, codes, grants and browsers (SPEC.md §9).
    virtual OidcStore& oidc() = 0;

    // A login's two trips to the database besides the hash, each two calls of the repositories
    // above. The defaults make the two calls; the PostgreSQL adapter makes each one statement, so a
    // login is two round trips, whose CPU is taken from the cores that hash (docs/PERFORMANCE.md).
    // The account contract (test/integration/accounts_test.cpp) holds both to the same outcome.
    virtual CountedLogin count_attempt_and_find(const IdentifierKey& key, const NirBody& nir) {
        const int counted = throttle().count_attempt(key);
        return {counted, accounts().find_legacy_login(nir)};
    }
    // SessionRepository::create, with LoginThrottle::clear_after_success of `clear` when given.
    virtual void create_session(const SessionInfo& session, const std::string& refresh_token,
                                const std::optional<IdentifierKey>& clear) {
        if (clear) throttle().clear_after_success(*clear);
        sessions().create(session, refresh_token);
    }
};

class UnitOfWork {
public:
    virtual ~UnitOfWork() = default;
    virtual void run(const std::function<void(Transaction&)>& work) = 0;
    // The same, for work that may refuse half-way (a rule found broken: a lost race, a replayed
    // step): committed when it succeeds; rolled back when it returns an error, which is returned.
    // Nothing half-written stays.
    Result<void> attempt(const std::function<Result<void>(Transaction&)>& work) {
        try {
            run([&](Transaction& tx) {
                if (auto done = work(tx); !done) throw Refused{std::move(done.error())};
            });
        } catch (Refused& refused) {
            return std::unexpected(std::move(refused.error));
        }
        return {};
    }
    // Each statement commits on its own, without a transaction around them: no BEGIN/COMMIT round
    // trips. For reads (a session check, /v1/me) and for one-statement writes that must be
    // committed before slower work (the login attempt counted before the hash). Never for work
    // whose statements must stand or fall together.
    virtual void autocommit(const std::function<void(Transaction&)>& work) { run(work); }

private:
    // Carries a refusal out of run(), whose adapter rolls back on any exception; never leaves attempt().
    struct Refused {
        Error error;
    };
};

// Work may run where it must not wait: on an HTTP event-loop thread, where one database round
// trip would stall every connection of the loop (api/http/server.cpp). Inside a NoWaiting scope
// the adapters answer only from what they hold in memory (the session cache) and throw
// WouldWait for anything else; the caller then runs the same work again where waiting is fine.
// So work tried this way must change nothing before its first read.
class WouldWait : public std::exception {
public:
    const char* what() const noexcept override { return "the work needs the database"; }
};

class NoWaiting {
public:
    NoWaiting() { ++depth_; }
    ~NoWaiting() { --depth_; }
    NoWaiting(const NoWaiting&) = delete;
    NoWaiting& operator=(const NoWaiting&) = delete;
    static bool active() { return depth_ > 0; }

private:
    static inline thread_local int depth_ = 0;
};

// Thrown by adapters when the infrastructure cannot do its part (database down, commit in
// doubt). Not a business outcome: the API answers 503 `unavailable`.
class Unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace guichet
