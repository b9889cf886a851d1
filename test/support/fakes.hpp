#pragma once
// In-memory fakes of the ports, for unit tests of services. The contract suite in
// test/integration/member_repository_contract_test.cpp runs the same cases on these and on the
// PostgreSQL adapters, so a fake cannot drift from the real thing.
#include <algorithm>
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
#include "domain/retention/purger.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet::testing {

// The agent whose back-office writes tests make (recorded with each, SPEC.md §8).
inline const std::string kAgent = "agent.test";

// The rules every test uses unless it says otherwise (app/main.cpp builds the real ones).
inline const Rules& test_rules() {
    static const Rules rules;
    return rules;
}
// The same, with the identifier switch only offered to NIR logins (GUICHET_IDENTIFIER_SWITCH=offered).
inline const Rules& offered_switch_rules() {
    static const Rules rules = [] {
        Rules r;
        r.sessions.identifier_switch_required = false;
        return r;
    }();
    return rules;
}


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
    std::optional<IdentityId> identity{};
    std::string status = "active";
    std::optional<Phone> mobile_phone{}, landline_phone{};
    std::vector<std::string> pending{};
    std::optional<std::string> contact_email{};
    std::optional<Phone> fax{};
    bool email_verified = false;
    std::optional<std::string> pending_password{};
    std::optional<std::chrono::system_clock::time_point> pending_until{};
};

struct FakeIdentityRow {
    IdentityId id;
    std::string email;  // look-up key
    std::string password_hash;
    std::string secret_question, secret_answer_hash;
    bool validated = false;
};
using FakeIdentities = std::map<IdentityId, FakeIdentityRow>;

struct FakeLinkRow {
    LinkPurpose purpose;
    LinkSubject subject;
    std::chrono::system_clock::time_point expires_at;
    bool used = false;
    std::chrono::system_clock::time_point issued_at;
    int attempts = 0;
};

class FakeAccountRepository final : public AccountRepository {
public:
    FakeAccountRepository(std::map<std::string, FakeAccountRow>& rows, const std::map<std::string, Member>& members,
                          FakeIdentities& identities)
        : rows_(rows), members_(members), identities_(identities) {}
    std::optional<AccountId> create_legacy(const LegacyAccount& a) override {
        if (!members_.contains(a.nir.value()) || rows_.contains(a.nir.value())) return std::nullopt;
        const auto id = static_cast<AccountId>(rows_.size() + 1);
        rows_.emplace(a.nir.value(), FakeAccountRow{id, a});
        return id;
    }
    std::optional<LegacyLogin> find_legacy_login(const NirBody& nir) override {
        for (auto& [key, row] : rows_)
            if (row.account.nir.body() == nir) {
                LegacyLogin login{row.id, row.account.nir_password_hash, row.account.password_is_temporary,
                                  row.account.temporary_password_expires_at, row.identity.has_value(), std::nullopt};
                if (row.identity) login.identity_password_hash = identities_.at(*row.identity).password_hash;
                login.pending_actions = row.pending;
                login.has_logged_in = row.account.has_logged_in;
                login.pending_password_hash = row.pending_password;
                login.pending_password_expires_at = row.pending_until;
                return login;
            }
        return std::nullopt;
    }
    void record_login(AccountId id, const std::optional<std::string>& rehashed) override {
        for (auto& [key, row] : rows_)
            if (row.id == id) {
                row.account.has_logged_in = true;
                if (rehashed) row.account.nir_password_hash = rehashed;
                row.pending_password.reset();
                row.pending_until.reset();
            }
    }
    std::optional<AccountOverview> overview(AccountId id) {
        for (auto& [key, row] : rows_)
            if (row.id == id) {
                AccountOverview o{id, row.account.nir, row.identity.has_value(), row.account.has_logged_in, row.status};
                if (row.identity) o.identity_email = identities_.at(*row.identity).email;
                o.mobile_phone = row.mobile_phone;
                o.landline_phone = row.landline_phone;
                o.contact_email = row.contact_email;
                o.fax = row.fax;
                o.email_verified = row.email_verified;
                return o;
            }
        return std::nullopt;
    }
    std::optional<AccountProfile> profile(AccountId id) override {
        auto o = overview(id);
        if (!o) return std::nullopt;
        return AccountProfile{*o, members_.at(o->nir.value())};
    }
    std::optional<AccountId> create_registered(const RegisteredAccount& a) override {
        if (!members_.contains(a.nir.value()) || rows_.contains(a.nir.value())) return std::nullopt;
        for (const auto& [key, row] : rows_)
            if (row.identity == a.identity) return std::nullopt;
        const auto id = static_cast<AccountId>(rows_.size() + 1);
        FakeAccountRow row{id, LegacyAccount{a.nir, std::nullopt, false, std::nullopt, false}, a.identity, "pending_activation",
                           a.mobile_phone, a.landline_phone};
        rows_.emplace(a.nir.value(), row);
        return id;
    }
    std::optional<AccountCredentials> credentials(AccountId id) override {
        for (auto& [key, row] : rows_)
            if (row.id == id) {
                AccountCredentials c{id, row.account.nir};
                c.identity = row.identity;
                c.password_hash = row.account.nir_password_hash;
                c.password_is_temporary = row.account.password_is_temporary;
                if (row.identity) {
                    const auto& i = identities_.at(*row.identity);
                    c.identity_email = i.email;
                    c.password_hash = i.password_hash;
                    if (!i.secret_answer_hash.empty()) c.secret_answer_hash = i.secret_answer_hash;
                }
                return c;
            }
        return std::nullopt;
    }
    void set_contacts(AccountId id, const Email& email, const std::optional<Phone>& mobile, const std::optional<Phone>& landline,
                      const std::optional<Phone>& fax) override {
        for (auto& [key, row] : rows_)
            if (row.id == id) {
                if (row.contact_email != email.value()) row.email_verified = false;
                row.contact_email = email.value();
                row.mobile_phone = mobile;
                row.landline_phone = landline;
                row.fax = fax;
            }
    }
    void mark_email_verified(AccountId id) override {
        for (auto& [key, row] : rows_)
            if (row.id == id) row.email_verified = true;
    }
    void set_pending_actions(AccountId id, const std::vector<std::string>& actions) override {
        for (auto& [key, row] : rows_)
            if (row.id == id) row.pending = actions;
    }
    void set_password(AccountId id, const std::string& hash, std::optional<std::chrono::system_clock::time_point> until) override {
        for (auto& [key, row] : rows_)
            if (row.id == id) {
                if (row.identity) identities_.at(*row.identity).password_hash = hash;
                else row.account.nir_password_hash = hash;
                row.account.password_is_temporary = until.has_value();
                row.account.temporary_password_expires_at = until;
                row.pending_password.reset();
                row.pending_until.reset();
            }
    }
    void set_pending_password(AccountId id, const std::string& hash, std::chrono::system_clock::time_point until) override {
        for (auto& [key, row] : rows_)
            if (row.id == id) {
                row.pending_password = hash;
                row.pending_until = until;
            }
    }
    void promote_pending_password(AccountId id) override {
        for (auto& [key, row] : rows_)
            if (row.id == id && row.pending_password && !row.identity) {
                row.account.nir_password_hash = row.pending_password;
                row.account.password_is_temporary = true;
                row.account.temporary_password_expires_at = row.pending_until;
                row.pending_password.reset();
                row.pending_until.reset();
            }
    }
    bool switch_to_identity(AccountId id, IdentityId identity) override {
        for (const auto& [key, row] : rows_)
            if (row.identity == identity) return false;
        for (auto& [key, row] : rows_)
            if (row.id == id) {
                if (row.identity) return false;
                row.identity = identity;
                row.account.password_is_temporary = false;
                row.account.temporary_password_expires_at = std::nullopt;
                return true;
            }
        return false;
    }
    bool activate(AccountId id) override {
        for (auto& [key, row] : rows_)
            if (row.id == id && row.status == "pending_activation") {
                row.status = "active";
                if (row.identity) identities_.at(*row.identity).validated = true;
                return true;
            }
        return false;
    }

private:
    std::map<std::string, FakeAccountRow>& rows_;
    const std::map<std::string, Member>& members_;
    FakeIdentities& identities_;
};

class FakeIdentityRepository final : public IdentityRepository {
public:
    FakeIdentityRepository(FakeIdentities& rows, const std::map<std::string, FakeAccountRow>& accounts)
        : rows_(rows), accounts_(accounts) {}
    std::optional<ConnectIdentity> find_by_email(const Email& email) override {
        for (const auto& [id, row] : rows_)
            if (row.email == email.lookup_key()) return view(row);
        return std::nullopt;
    }
    std::optional<ConnectIdentity> find(IdentityId id) override {
        auto it = rows_.find(id);
        return it == rows_.end() ? std::nullopt : std::optional(view(it->second));
    }
    std::optional<IdentityId> create(const NewIdentity& i) override {
        if (find_by_email(i.email)) return std::nullopt;
        const auto id = static_cast<IdentityId>(rows_.size() + 1);
        rows_[id] = FakeIdentityRow{id, i.email.lookup_key(), i.password_hash, i.secret_question, i.secret_answer_hash, i.validated};
        return id;
    }
    void set_password_hash(IdentityId id, const std::string& hash) override { rows_.at(id).password_hash = hash; }
    void mark_validated(IdentityId id) override { rows_.at(id).validated = true; }

private:
    ConnectIdentity view(const FakeIdentityRow& row) const {
        ConnectIdentity out{row.id, row.email, row.password_hash, row.validated, std::nullopt, ""};
        if (!row.secret_answer_hash.empty()) out.secret_answer_hash = row.secret_answer_hash;
        for (const auto& [key, account] : accounts_)
            if (account.identity == row.id) {
                out.account_id = account.id;
                out.account_status = account.status;
            }
        return out;
    }
    FakeIdentities& rows_;
    const std::map<std::string, FakeAccountRow>& accounts_;
};

class FakeFlowRepository final : public FlowRepository {
public:
    explicit FakeFlowRepository(std::map<std::string, FlowRecord>& rows) : rows_(rows) {}
    void create(const FlowRecord& f) override { rows_[f.id] = f; }
    std::optional<FlowRecord> find(const std::string& id) override {
        auto it = rows_.find(id);
        return it == rows_.end() ? std::nullopt : std::optional(it->second);
    }
    bool advance(const std::string& id, const std::string& from, int version, const std::string& to, const std::string& data) override {
        auto it = rows_.find(id);
        if (it == rows_.end() || it->second.state != from || it->second.version != version) return false;
        ++it->second.version;
        it->second.state = to;
        it->second.data = data;
        it->second.attempts = 0;
        return true;
    }
    int count_attempt(const std::string& id) override {
        auto it = rows_.find(id);
        return it == rows_.end() ? 0 : ++it->second.attempts;
    }
    void extend(const std::string& id, std::chrono::system_clock::time_point expires_at) override {
        if (auto it = rows_.find(id); it != rows_.end()) it->second.expires_at = expires_at;
    }

private:
    std::map<std::string, FlowRecord>& rows_;
};

class FakeLinkTokenRepository final : public LinkTokenRepository {
public:
    FakeLinkTokenRepository(std::map<std::string, FakeLinkRow>& rows, const Clock* clock) : rows_(rows), clock_(clock) {}
    void issue(LinkPurpose purpose, const std::string& token, const LinkSubject& subject,
               std::chrono::system_clock::time_point expires_at) override {
        rows_[token] = FakeLinkRow{purpose, subject, expires_at, false, clock_ ? clock_->now() : std::chrono::system_clock::now()};
    }
    LinkUse consume(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) override {
        auto it = rows_.find(token);
        if (it == rows_.end() || it->second.purpose != purpose) return {LinkState::unknown, {}};
        if (it->second.used) return {LinkState::used, {}};
        if (it->second.expires_at <= now) return {LinkState::expired, {}};
        it->second.used = true;
        return {LinkState::valid, it->second.subject};
    }
    LinkUse peek(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) override {
        auto it = rows_.find(token);
        if (it == rows_.end() || it->second.purpose != purpose) return {LinkState::unknown, {}};
        if (it->second.used) return {LinkState::used, {}};
        if (it->second.expires_at <= now) return {LinkState::expired, {}};
        return {LinkState::valid, it->second.subject};
    }
    int count_attempt(LinkPurpose purpose, const std::string& token) override {
        auto it = rows_.find(token);
        return it == rows_.end() || it->second.purpose != purpose ? 0 : ++it->second.attempts;
    }
    bool issued_since(LinkPurpose purpose, const LinkSubject& subject, std::chrono::system_clock::time_point since) override {
        for (const auto& [token, row] : rows_)
            if (row.purpose == purpose && row.subject == subject && row.issued_at > since) return true;
        return false;
    }

private:
    std::map<std::string, FakeLinkRow>& rows_;
    const Clock* clock_;
};

class FakeLoginThrottle final : public LoginThrottle {
public:
    FakeLoginThrottle(std::map<std::string, int>& failures, LockoutPolicy policy) : failures_(failures), policy_(policy) {}
    int count_attempt(const IdentifierKey& k) override {
        auto& f = failures_[k.normalised];
        f = std::min(f + 1, policy_.count_cap());
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
        if (on_create) on_create(s);
    }
    std::function<void(const SessionInfo&)> on_create;  // the event log shows sessions as logins
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
    // Needs the accounts: set by the unit of work.
    std::function<std::optional<AccountProfile>(AccountId)> profile_of;
    std::optional<LiveProfile> live_profile(const std::string& id, AccountId account, std::chrono::system_clock::time_point now) override {
        const auto s = find_active(id, now);
        if (!s || s->account_id != account || !profile_of) return std::nullopt;
        auto profile = profile_of(account);
        if (!profile) return std::nullopt;
        return LiveProfile{std::move(*profile), s->required_actions};
    }
    void set_required_actions(const std::string& id, const std::vector<RequiredAction>& actions) override {
        if (auto it = sessions_.find(id); it != sessions_.end()) it->second.info.required_actions = actions;
    }
    int revoke_all(AccountId account, const std::string& keep) override {
        int n = 0;
        for (auto& [id, row] : sessions_)
            if (row.info.account_id == account && !row.revoked && id != keep) {
                row.revoked = true;
                ++n;
            }
        return n;
    }
    void drop_required_actions(AccountId account, const std::vector<RequiredAction>& done) override {
        for (auto& [id, row] : sessions_)
            if (row.info.account_id == account && !row.revoked)
                std::erase_if(row.info.required_actions, [&](RequiredAction a) { return std::ranges::find(done, a) != done.end(); });
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

struct FakeCodeRow {
    std::string code;
    std::chrono::system_clock::time_point expires_at, issued_at;
    int attempts = 0;
    bool used = false;
};

class FakeCodeRepository final : public CodeRepository {
public:
    FakeCodeRepository(std::map<std::string, FakeCodeRow>& rows, const Clock* clock) : rows_(rows), clock_(clock) {}
    static std::string key(CodePurpose p, const std::string& owner) { return std::string(to_string(p)) + "|" + owner; }
    void issue(CodePurpose p, const std::string& owner, const std::string& code, std::chrono::system_clock::time_point expires) override {
        rows_[key(p, owner)] = FakeCodeRow{code, expires, clock_ ? clock_->now() : std::chrono::system_clock::now()};
    }
    std::optional<std::chrono::system_clock::time_point> last_issued(CodePurpose p, const std::string& owner) override {
        auto it = rows_.find(key(p, owner));
        return it == rows_.end() ? std::nullopt : std::optional(it->second.issued_at);
    }
    CodeCheck check(CodePurpose p, const std::string& owner, const std::string& code, std::chrono::system_clock::time_point now,
                    int max_attempts) override {
        auto it = rows_.find(key(p, owner));
        if (it == rows_.end() || it->second.used) return {CodeOutcome::none};
        auto& row = it->second;
        if (row.attempts >= max_attempts) return {CodeOutcome::exhausted};
        ++row.attempts;
        if (row.expires_at <= now) return {CodeOutcome::expired};
        if (row.code == code) {
            row.used = true;
            return {CodeOutcome::valid};
        }
        const int left = max_attempts - row.attempts;
        return {left > 0 ? CodeOutcome::invalid : CodeOutcome::exhausted, left};
    }

private:
    std::map<std::string, FakeCodeRow>& rows_;
    const Clock* clock_;
};

class FakeSecurityEventLog final : public SecurityEventLog {
public:
    FakeSecurityEventLog(std::vector<RecordedSecurityEvent>& rows, const Clock* clock) : rows_(rows), clock_(clock) {}
    void record(const SecurityEvent& e) override {
        // As the table's constraint (migrations/0014): an event of no account is an agent's.
        if (!e.account_id && !e.agent_id) throw std::invalid_argument("an event of no account names its agent");
        rows_.push_back(RecordedSecurityEvent{e, clock_ ? clock_->now() : std::chrono::system_clock::now()});
    }
    std::vector<RecordedSecurityEvent> list(AccountId account, std::size_t limit) override {
        std::vector<RecordedSecurityEvent> out;
        for (auto it = rows_.rbegin(); it != rows_.rend() && out.size() < limit; ++it)
            if (it->event.account_id == account) out.push_back(*it);
        return out;
    }

private:
    std::vector<RecordedSecurityEvent>& rows_;
    const Clock* clock_;
};

// Limits in memory (domain/limits: GCRA rates and exact windows): the limits contract test holds
// PgLimits to the same answers.
struct FakeLimitState {
    std::map<std::string, LimitClock::time_point> tats;
    std::map<std::string, std::vector<LimitClock::time_point>> windows;
};

class FakeLimits final : public Limits {
public:
    explicit FakeLimits(FakeLimitState& state) : state_(state) {}
    LimitDecision take(const LimitPolicy& policy, const std::string& key, LimitClock::time_point now) override {
        if (!policy.enabled()) return LimitDecision{true, policy.quota, {}, {}};
        const auto k = policy.name + ":" + key;
        if (policy.exact) {
            auto step = window_take(policy, state_.windows[k], now);
            state_.windows[k] = std::move(step.events);
            return step.decision;
        }
        const auto it = state_.tats.find(k);
        const auto step = gcra_take(policy, it == state_.tats.end() ? std::nullopt : std::optional(it->second), now);
        state_.tats[k] = step.tat;
        return step.decision;
    }

private:
    FakeLimitState& state_;
};

// What agents and the print provider see of the outbox, in memory: tests put messages and
// letters there directly (FakeUnitOfWork::outbox_rows), read through FakeOutboxAdmin.
struct FakeOutboxRows {
    std::vector<MessageSummary> messages;
    std::vector<Letter> letters;
};

class FakeOutboxChanges final : public OutboxChanges {
public:
    explicit FakeOutboxChanges(FakeOutboxRows& rows) : rows_(rows) {}
    bool retry(MessageId id) override {
        for (auto& m : rows_.messages)
            if (m.id == id && m.status == MessageStatus::dead) {
                m.status = MessageStatus::pending;
                m.attempts = 0;
                return true;
            }
        return false;
    }
    bool mark_printed(MessageId id) override {
        for (auto& l : rows_.letters)
            if (l.id == id && !l.printed_at) {
                l.printed_at = std::chrono::system_clock::now();
                l.content = {};
                return true;
            }
        return false;
    }

private:
    FakeOutboxRows& rows_;
};

// Transactions work on a copy that replaces the state only when the work returns normally.
// The OpenID Connect store in memory; secrets kept in clear (the contract suite holds it to the
// PostgreSQL adapter's behaviour, not its hashing).
struct FakeOidcState {
    std::map<std::string, std::pair<OidcClient, std::optional<std::string>>> clients;  // with the secret
    struct Request {
        StoredAuthRequest stored;
        std::string resume_token;
        bool resumed = false;
    };
    std::map<std::string, Request> requests;
    struct Grant {
        OidcGrant grant;
        bool revoked = false;
    };
    std::map<std::string, Grant> grants;
    struct Code {
        OidcCode code;
        bool used = false;
    };
    std::map<std::string, Code> codes;
    struct Refresh {
        std::string grant_id;
        std::chrono::system_clock::time_point expires_at;
        bool used = false;
    };
    std::map<std::string, Refresh> refresh;
    std::map<std::string, std::string> browsers;  // cookie → session
};

class FakeOidcStore final : public OidcStore {
public:
    FakeOidcStore(FakeOidcState& state, std::map<std::string, FakeSessionRow>& sessions) : s_(state), sessions_(sessions) {}
    bool put_client(const OidcClient& client, const std::optional<std::string>& secret) override {
        const bool created = !s_.clients.contains(client.id);
        s_.clients[client.id] = {client, secret};
        return created;
    }
    std::optional<OidcClient> find_client(const std::string& id) override {
        const auto it = s_.clients.find(id);
        return it == s_.clients.end() ? std::nullopt : std::optional(it->second.first);
    }
    bool client_secret_matches(const std::string& id, const std::string& secret) override {
        const auto it = s_.clients.find(id);
        return it != s_.clients.end() && it->second.second == secret;
    }
    void save_request(const AuthRequest& request) override { s_.requests[request.id] = {StoredAuthRequest{request}, "", false}; }
    std::optional<StoredAuthRequest> find_request(const std::string& id) override {
        const auto it = s_.requests.find(id);
        return it == s_.requests.end() ? std::nullopt : std::optional(it->second.stored);
    }
    bool answer_request(const std::string& id, AuthRequestState state, const std::optional<std::string>& session_id,
                        const std::string& resume_token) override {
        const auto it = s_.requests.find(id);
        if (it == s_.requests.end() || it->second.stored.state != AuthRequestState::pending) return false;
        it->second.stored.state = state;
        it->second.stored.session_id = session_id;
        it->second.resume_token = resume_token;
        return true;
    }
    std::optional<StoredAuthRequest> resume(const std::string& resume_token) override {
        for (auto& [id, r] : s_.requests)
            if (r.resume_token == resume_token && r.stored.state == AuthRequestState::accepted && !r.resumed) {
                r.resumed = true;
                return r.stored;
            }
        return std::nullopt;
    }
    void create_grant(const OidcGrant& grant) override { s_.grants[grant.id] = {grant, false}; }
    void issue_code(const std::string& code, const OidcCode& issued) override { s_.codes[code] = {issued, false}; }
    CodeExchange exchange_code(const std::string& code, std::chrono::system_clock::time_point) override {
        const auto it = s_.codes.find(code);
        if (it == s_.codes.end()) return {CodeUse::unknown, std::nullopt};
        if (it->second.used) {
            s_.grants[it->second.code.grant.id].revoked = true;
            return {CodeUse::reused, std::nullopt};
        }
        it->second.used = true;
        return {CodeUse::exchanged, it->second.code};
    }
    void add_refresh(const std::string& token, const std::string& grant_id, std::chrono::system_clock::time_point expires_at) override {
        s_.refresh[token] = {grant_id, expires_at, false};
    }
    RefreshRotation rotate_refresh(const std::string& presented, const std::string& replacement, std::chrono::system_clock::time_point now,
                                   std::chrono::system_clock::time_point replacement_expires_at) override {
        const auto it = s_.refresh.find(presented);
        if (it == s_.refresh.end()) return {RefreshUse::unknown, std::nullopt};
        if (it->second.used) {
            s_.grants[it->second.grant_id].revoked = true;
            return {RefreshUse::reused, std::nullopt};
        }
        it->second.used = true;
        auto grant = it->second.expires_at > now ? live_grant(it->second.grant_id, now) : std::nullopt;
        if (!grant) return {RefreshUse::unknown, std::nullopt};
        add_refresh(replacement, grant->id, replacement_expires_at);
        return {RefreshUse::rotated, std::move(grant)};
    }
    std::optional<OidcGrant> live_grant(const std::string& id, std::chrono::system_clock::time_point now) override {
        const auto it = s_.grants.find(id);
        if (it == s_.grants.end() || it->second.revoked) return std::nullopt;
        const auto session = sessions_.find(it->second.grant.session_id);
        if (session == sessions_.end() || session->second.revoked || session->second.info.expires_at <= now) return std::nullopt;
        return it->second.grant;
    }
    std::optional<OidcGrant> grant_of_refresh(const std::string& token) override {
        const auto it = s_.refresh.find(token);
        if (it == s_.refresh.end()) return std::nullopt;
        return s_.grants.at(it->second.grant_id).grant;
    }
    void revoke_grant(const std::string& id) override {
        if (const auto it = s_.grants.find(id); it != s_.grants.end()) it->second.revoked = true;
    }
    void bind_browser(const std::string& cookie, const std::string& session_id) override { s_.browsers[cookie] = session_id; }
    std::optional<std::string> session_of_browser(const std::string& cookie) override {
        const auto it = s_.browsers.find(cookie);
        return it == s_.browsers.end() ? std::nullopt : std::optional(it->second);
    }

private:
    FakeOidcState& s_;
    std::map<std::string, FakeSessionRow>& sessions_;
};

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
        auto identities = identities_;
        auto flows = flows_;
        auto links = links_;
        auto codes = codes_;
        auto events = events_;
        auto limits = limits_;
        auto outbox_rows = outbox_rows_;
        auto oidc = oidc_;
        Tx tx(members, outbox, accounts, failures, sessions, refresh, identities, flows, links, codes, events, limits, outbox_rows,
              oidc, clock);
        work(tx);
        outbox_rows_ = std::move(outbox_rows);
        oidc_ = std::move(oidc);
        limits_ = std::move(limits);
        codes_ = std::move(codes);
        events_ = std::move(events);
        identities_ = std::move(identities);
        flows_ = std::move(flows);
        links_ = std::move(links);
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
    const FakeIdentities& identities() const { return identities_; }
    std::map<std::string, FlowRecord>& flows() { return flows_; }
    const std::map<std::string, FakeLinkRow>& links() const { return links_; }
    const std::vector<RecordedSecurityEvent>& events() const { return events_; }
    FakeOutboxRows& outbox_rows() { return outbox_rows_; }
    const Clock* clock = nullptr;  // when set, the time links are issued at (their cooldown)
    bool fail_next_with_unavailable = false;
    int commits = 0;

private:
    struct Tx final : Transaction {
        Tx(std::map<std::string, Member>& rows, std::vector<OutgoingMessage>& messages,
           std::map<std::string, FakeAccountRow>& accounts, std::map<std::string, int>& failures,
           std::map<std::string, FakeSessionRow>& sessions, std::map<std::string, std::pair<std::string, bool>>& refresh,
           FakeIdentities& identities, std::map<std::string, FlowRecord>& flows, std::map<std::string, FakeLinkRow>& links,
           std::map<std::string, FakeCodeRow>& codes, std::vector<RecordedSecurityEvent>& events,
           FakeLimitState& limits, FakeOutboxRows& outbox_rows, FakeOidcState& oidc, const Clock* clock)
            : repo(rows), notifier_(messages), outbox_(outbox_rows), accounts_(accounts, rows, identities), identities_(identities, accounts),
              flows_(flows), links_(links, clock), codes_(codes, clock), throttle_(failures, test_rules().lockout), sessions_(sessions, refresh),
              events_(events, clock), limits_(limits), oidc_(oidc, sessions) {
            sessions_.profile_of = [this](AccountId id) { return accounts_.profile(id); };
            sessions_.on_create = [this](const SessionInfo& s) {
                events_.record(SecurityEvent{s.account_id, SecurityEventKind::login_succeeded, s.opened_by});
            };
        }
        MemberRepository& members() override { return repo; }
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
        FakeMemberRepository repo;
        FakeNotifier notifier_;
        FakeOutboxChanges outbox_;
        FakeAccountRepository accounts_;
        FakeIdentityRepository identities_;
        FakeFlowRepository flows_;
        FakeLinkTokenRepository links_;
        FakeCodeRepository codes_;
        FakeLoginThrottle throttle_;
        FakeSessionRepository sessions_;
        FakeSecurityEventLog events_;
        FakeLimits limits_;
        FakeOidcStore oidc_;
    };
    std::mutex mutex_;
    std::map<std::string, Member> members_;
    std::vector<OutgoingMessage> outbox_;
    std::map<std::string, FakeAccountRow> accounts_;
    std::map<std::string, int> failures_;
    std::map<std::string, FakeSessionRow> sessions_;
    std::map<std::string, std::pair<std::string, bool>> refresh_;
    FakeIdentities identities_;
    std::map<std::string, FlowRecord> flows_;
    std::map<std::string, FakeLinkRow> links_;
    std::map<std::string, FakeCodeRow> codes_;
    std::vector<RecordedSecurityEvent> events_;
    FakeLimitState limits_;
    FakeOutboxRows outbox_rows_;
    FakeOidcState oidc_;
};

// The dispatcher's view of the outbox, in memory: records what the dispatcher decided.
class FakeOutboxQueue : public OutboxQueue {
public:
    struct Row {
        ClaimedMessage claimed{0, 0, std::nullopt};
        std::string state = "pending";
        std::chrono::milliseconds retry_delay{0};
        std::string error;
    };
    MessageId add(OutgoingMessage m, int previous_attempts = 0, std::chrono::milliseconds age = {}) {
        Row row;
        row.claimed = ClaimedMessage{static_cast<MessageId>(rows.size() + 1), previous_attempts, std::move(m), age};
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
    void mark_sent(const std::vector<MessageId>& ids) override {
        for (const auto id : ids) row(id).state = "sent";
        ++sent_records;
    }
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
    void mark_expired(MessageId id, const std::string& error) override {
        row(id).state = "expired";
        row(id).error = error;
    }
    void release(MessageId id) override {
        row(id).state = "pending";
        --row(id).claimed.attempts;
    }
    Row& row(MessageId id) { return rows.at(static_cast<std::size_t>(id - 1)); }
    std::vector<Row> rows;
    int sent_records = 0;  // calls of mark_sent
};

// The agents' and the print provider's reads of FakeOutboxRows.
class FakeOutboxAdmin final : public OutboxAdmin {
public:
    explicit FakeOutboxAdmin(const FakeOutboxRows& rows) : rows_(rows) {}
    std::vector<MessageSummary> list(MessageStatus status, std::size_t limit) override {
        std::vector<MessageSummary> out;
        for (const auto& m : rows_.messages)
            if (m.status == status && out.size() < limit) out.push_back(m);
        return out;
    }
    std::vector<Letter> letters(MessageStatus status, std::size_t limit, const BrandSettings&) override {
        std::vector<Letter> out;
        for (const auto& l : rows_.letters)
            if ((status == MessageStatus::sent) == l.printed_at.has_value() && out.size() < limit) out.push_back(l);
        return out;
    }
    OutboxStats stats() override {
        OutboxStats s;
        for (const auto& m : rows_.messages) s.pending += m.status == MessageStatus::pending ? 1 : 0;
        return s;
    }

private:
    const FakeOutboxRows& rows_;
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
// KeyedDigest without a key (FNV-1a): stable, as the port requires.
class FakeDigest final : public KeyedDigest {
public:
    std::uint64_t digest(std::string_view text) const override {
        std::uint64_t h = 1469598103934665603ULL;
        for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        return h;
    }
};

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

// A clock tests move forward (expiries, cooldowns); starts at test_clock().
class SettableClock final : public Clock {
public:
    std::chrono::system_clock::time_point t = test_clock().now();
    std::chrono::system_clock::time_point now() const override { return t; }
};

// Purger: `due` rows of each kind, purged at most `limit` a batch; `busy` stands for another
// process purging. Records every batch asked, with its cutoffs.
class FakePurger final : public Purger, public PurgeBatches {
public:
    std::map<PurgeKind, std::uint64_t> due;
    bool busy = false;
    std::vector<PurgeKind> batches;
    std::vector<PurgeCutoffs> cutoffs;

    bool exclusively(const std::function<void(PurgeBatches&)>& work) override {
        if (busy) return false;
        busy = true;
        try {
            work(*this);
        } catch (...) {
            busy = false;
            throw;
        }
        busy = false;
        return true;
    }
    PurgeBatch purge_batch(PurgeKind kind, const PurgeCutoffs& at, std::size_t limit) override {
        batches.push_back(kind);
        cutoffs.push_back(at);
        auto& left = due[kind];
        const auto purged = std::min<std::uint64_t>(left, limit);
        left -= purged;
        return {purged, purged == limit};
    }
};

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
