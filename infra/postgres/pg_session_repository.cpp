#include "infra/postgres/pg_session_repository.hpp"

#include <pqxx/result>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/pg_account_repository.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

// The session and its first refresh token ($6), in one round trip.
// $8, when not NULL, is a login throttle's key whose count a successful login clears (as
// throttle_clear): a login's last round trip. A data-modifying WITH runs whether or not the
// rest reads it.
GUICHET_SQL(session_create, R"sql(
WITH session AS (
    INSERT INTO sessions (id, account_id, required_actions, created_at, last_used_at, expires_at, opened_by)
    VALUES ($1, $2, coalesce(string_to_array(nullif($3, ''), ','), '{}'), to_timestamp($4), to_timestamp($4), to_timestamp($5), $7)
    RETURNING id
), cleared AS (
    UPDATE login_throttle SET failures = 0, updated_at = now() WHERE identifier_key = $8
)
INSERT INTO refresh_tokens (token_hash, session_id) SELECT $6, id FROM session
)sql");

GUICHET_SQL(session_add_refresh, R"sql(
INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)
)sql");

// Marks the presented token used, once: a second use finds used_at set (reuse).
GUICHET_SQL(session_use_refresh, R"sql(
UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL RETURNING session_id
)sql");

GUICHET_SQL(session_refresh_owner, R"sql(
SELECT session_id FROM refresh_tokens WHERE token_hash = $1
)sql");

GUICHET_SQL(session_find_active, R"sql(
SELECT id, account_id, array_to_string(required_actions, ',') AS required_actions,
       extract(epoch FROM created_at)::float8 AS created_at, extract(epoch FROM last_used_at)::float8 AS last_used_at,
       extract(epoch FROM expires_at)::float8 AS expires_at
FROM sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > to_timestamp($2)
)sql");

GUICHET_SQL(session_list_active, R"sql(
SELECT id, account_id, array_to_string(required_actions, ',') AS required_actions,
       extract(epoch FROM created_at)::float8 AS created_at, extract(epoch FROM last_used_at)::float8 AS last_used_at,
       extract(epoch FROM expires_at)::float8 AS expires_at
FROM sessions WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > to_timestamp($2)
ORDER BY sessions.last_used_at DESC LIMIT 100
)sql");

GUICHET_SQL(session_touch, R"sql(
UPDATE sessions SET last_used_at = now() WHERE id = $1
)sql");

GUICHET_SQL(session_revoke, R"sql(
UPDATE sessions SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL
)sql");

// account_profile, for a live session of that account only.
GUICHET_SQL(session_live_profile, R"sql(
SELECT a.id, m.nir_cipher, m.nir_index, a.migrated_at IS NOT NULL OR a.identity_id IS NOT NULL AS migrated, a.has_logged_in, a.status,
       i.email AS identity_email, a.mobile_phone AS account_mobile, a.landline_phone AS account_landline, a.contact_email, a.email_verified_at IS NOT NULL AS email_verified, a.fax AS account_fax,
       m.last_name, m.first_name, to_char(m.birth_date, 'YYYY-MM-DD') AS birth_date, m.member_type,
       m.email, m.mobile_phone, m.landline_phone, m.address, m.carte_vitale_serial, m.recent_amounts,
       extract(epoch FROM s.expires_at)::float8 AS session_expires_at,
       array_to_string(s.required_actions, ',') AS session_required_actions
FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN members m ON m.id = a.member_id
     LEFT JOIN connect_identities i ON i.id = a.identity_id
WHERE s.id = $1 AND s.account_id = $2 AND s.revoked_at IS NULL AND s.expires_at > to_timestamp($3)
)sql");

GUICHET_SQL(session_set_actions, R"sql(
UPDATE sessions SET required_actions = coalesce(string_to_array(nullif($2, ''), ','), '{}') WHERE id = $1
RETURNING account_id
)sql");

GUICHET_SQL(session_revoke_all, R"sql(
UPDATE sessions SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL AND id <> $2
)sql");

// $2: the actions done, comma-separated.
GUICHET_SQL(session_drop_actions, R"sql(
UPDATE sessions
SET required_actions = ARRAY(SELECT a FROM unnest(required_actions) a WHERE a <> ALL (string_to_array($2, ',')))
WHERE account_id = $1 AND revoked_at IS NULL AND required_actions && string_to_array($2, ',')
)sql");

GUICHET_SQL(session_revoke_any, R"sql(
UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL
RETURNING account_id
)sql");

std::string join(const std::vector<RequiredAction>& actions) {
    std::string out;
    for (auto a : actions) {
        if (!out.empty()) out += ',';
        out += to_string(a);
    }
    return out;
}

SessionInfo session_from(const pqxx::row& r) {
    return SessionInfo{r["id"].as<std::string>(),
                       r["account_id"].as<AccountId>(),
                       split_actions(r["required_actions"].as<std::string>()),
                       from_epoch(r["created_at"].as<double>()),
                       from_epoch(r["last_used_at"].as<double>()),
                       from_epoch(r["expires_at"].as<double>())};
}

}  // namespace

void PgSessionRepository::create(const SessionInfo& s, const std::string& refresh_token) { create(s, refresh_token, std::nullopt); }

void PgSessionRepository::create(const SessionInfo& s, const std::string& refresh_token, const std::optional<std::string>& clear_index) {
    const auto run = [&](const auto& clear) {
        tx_.exec_prepared(session_create.name, s.id, s.account_id, join(s.required_actions), epoch(s.created_at),
                          epoch(s.expires_at), bytes(cipher_.blind_index("refresh:" + refresh_token)), s.opened_by, clear);
    };
    if (clear_index) run(bytes(*clear_index));
    else run(static_cast<const char*>(nullptr));  // NULL: no row to clear
}

Rotation PgSessionRepository::rotate(const std::string& presented, const std::string& replacement,
                                     std::chrono::system_clock::time_point now) {
    const auto presented_hash = bytes(cipher_.blind_index("refresh:" + presented));
    const auto used = tx_.exec_prepared(session_use_refresh.name, presented_hash);
    if (used.empty()) {
        const auto owner = tx_.exec_prepared(session_refresh_owner.name, presented_hash);
        if (owner.empty()) return {RotationOutcome::unknown, std::nullopt};
        for (const auto& row : tx_.exec_prepared(session_revoke_any.name, owner[0]["session_id"].as<std::string>()))  // reuse: theft suspected
            writes_.account(row["account_id"].as<AccountId>());
        return {RotationOutcome::reused, std::nullopt};
    }
    auto session = read_active(used[0]["session_id"].as<std::string>(), now);
    if (!session) return {RotationOutcome::unknown, std::nullopt};
    writes_.account(session->account_id);
    tx_.exec_prepared(session_add_refresh.name, bytes(cipher_.blind_index("refresh:" + replacement)), session->id);
    tx_.exec_prepared(session_touch.name, session->id);
    return {RotationOutcome::rotated, session};
}

std::optional<SessionInfo> PgSessionRepository::read_active(const std::string& id, std::chrono::system_clock::time_point now) {
    const auto r = tx_.exec_prepared(session_find_active.name, id, epoch(now));
    if (r.empty()) return std::nullopt;
    return session_from(r[0]);
}

std::optional<SessionInfo> PgSessionRepository::find_active(const std::string& id, std::chrono::system_clock::time_point now) {
    if (!cache_) return read_active(id, now);
    if (auto hit = cache_->live_session(id, now)) return hit;
    const auto seen = cache_->epoch();
    auto session = read_active(id, now);
    if (session) cache_->store(seen, id, SessionCache::Entry{session->account_id, session->expires_at, session, std::nullopt});
    return session;
}

std::vector<SessionInfo> PgSessionRepository::list_active(AccountId account_id, std::chrono::system_clock::time_point now) {
    std::vector<SessionInfo> out;
    for (const auto& row : tx_.exec_prepared(session_list_active.name, account_id, epoch(now))) out.push_back(session_from(row));
    return out;
}

std::optional<LiveProfile> PgSessionRepository::live_profile(const std::string& id, AccountId account_id,
                                                                std::chrono::system_clock::time_point now) {
    if (cache_)
        if (auto hit = cache_->live_profile(id, account_id, now)) return hit;
    const auto seen = cache_ ? cache_->epoch() : 0;
    const auto r = tx_.exec_prepared(session_live_profile.name, id, account_id, epoch(now));
    if (r.empty()) return std::nullopt;
    LiveProfile profile{profile_from(r[0], cipher_), split_actions(r[0]["session_required_actions"].as<std::string>())};
    if (cache_) cache_->store(seen, id, SessionCache::Entry{account_id, from_epoch(r[0]["session_expires_at"].as<double>()), std::nullopt, profile});
    return profile;
}

void PgSessionRepository::set_required_actions(const std::string& id, const std::vector<RequiredAction>& actions) {
    for (const auto& row : tx_.exec_prepared(session_set_actions.name, id, join(actions))) writes_.account(row["account_id"].as<AccountId>());
}

int PgSessionRepository::revoke_all(AccountId account_id, const std::string& keep) {
    writes_.account(account_id);
    return static_cast<int>(tx_.exec_prepared(session_revoke_all.name, account_id, keep).affected_rows());
}

void PgSessionRepository::drop_required_actions(AccountId account_id, const std::vector<RequiredAction>& done) {
    writes_.account(account_id);
    tx_.exec_prepared(session_drop_actions.name, account_id, join(done));
}

bool PgSessionRepository::revoke(const std::string& id, AccountId account_id) {
    writes_.account(account_id);
    return tx_.exec_prepared(session_revoke.name, id, account_id).affected_rows() == 1;
}

}  // namespace guichet::infra
