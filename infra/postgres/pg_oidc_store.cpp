#include "infra/postgres/pg_oidc_store.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/binarystring>
#include <pqxx/result>
#include <sodium.h>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

// Lists of URIs (which may hold commas) cross as JSON arrays; scopes as space-separated words.
GUICHET_SQL(oidc_put_client, R"sql(
INSERT INTO oidc_clients (id, name, type, secret_hash, redirect_uris, post_logout_redirect_uris, backchannel_logout_uri)
VALUES ($1, $2, $3, decode($4, 'hex'), ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), ARRAY(SELECT jsonb_array_elements_text($6::jsonb)), $7)
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type, secret_hash = EXCLUDED.secret_hash,
    redirect_uris = EXCLUDED.redirect_uris, post_logout_redirect_uris = EXCLUDED.post_logout_redirect_uris,
    backchannel_logout_uri = EXCLUDED.backchannel_logout_uri, updated_at = now()
RETURNING (xmax = 0) AS created
)sql");

GUICHET_SQL(oidc_find_client, R"sql(
SELECT id, name, type, to_jsonb(redirect_uris)::text AS redirect_uris,
       to_jsonb(post_logout_redirect_uris)::text AS post_logout_redirect_uris, backchannel_logout_uri
FROM oidc_clients WHERE id = $1
)sql");

GUICHET_SQL(oidc_client_secret, R"sql(
SELECT secret_hash FROM oidc_clients WHERE id = $1 AND secret_hash IS NOT NULL
)sql");

GUICHET_SQL(oidc_save_request, R"sql(
INSERT INTO oidc_auth_requests (id, client_id, redirect_uri, scopes, state, nonce, code_challenge, prompt_login, max_age,
                                login_hint, created_at, expires_at)
VALUES ($1, $2, $3, string_to_array($4, ' '), $5, $6, $7, $8, $9::bigint, $10, to_timestamp($11), to_timestamp($12))
)sql");

#define GUICHET_OIDC_REQUEST_COLUMNS \
    "id, client_id, redirect_uri, array_to_string(scopes, ' ') AS scopes, state, nonce, code_challenge, prompt_login, max_age, " \
    "login_hint, extract(epoch FROM created_at)::float8 AS created_at, extract(epoch FROM expires_at)::float8 AS expires_at, " \
    "status, session_id"

GUICHET_SQL(oidc_find_request, "SELECT " GUICHET_OIDC_REQUEST_COLUMNS " FROM oidc_auth_requests WHERE id = $1");

GUICHET_SQL(oidc_answer_request, R"sql(
UPDATE oidc_auth_requests SET status = $2, session_id = $3, resume_token_hash = $4
WHERE id = $1 AND status = 'pending'
)sql");

// Once: the token is spent as it is read.
GUICHET_SQL(oidc_resume, "UPDATE oidc_auth_requests SET resumed_at = now() WHERE resume_token_hash = $1 AND status = 'accepted' "
                         "AND resumed_at IS NULL RETURNING " GUICHET_OIDC_REQUEST_COLUMNS);

GUICHET_SQL(oidc_create_grant, R"sql(
INSERT INTO oidc_grants (id, client_id, session_id, account_id, scopes, nonce, auth_time)
VALUES ($1, $2, $3, $4, string_to_array($5, ' '), $6, to_timestamp($7))
)sql");

GUICHET_SQL(oidc_issue_code, R"sql(
INSERT INTO oidc_codes (code_hash, grant_id, redirect_uri, code_challenge, expires_at) VALUES ($1, $2, $3, $4, to_timestamp($5))
)sql");

#define GUICHET_OIDC_GRANT_COLUMNS \
    "g.id, g.client_id, g.session_id, g.account_id, array_to_string(g.scopes, ' ') AS scopes, g.nonce, " \
    "extract(epoch FROM g.auth_time)::float8 AS auth_time"

// A parallel exchange of the same code waits on the row, then finds used_at set: one wins.
GUICHET_SQL(oidc_spend_code, "UPDATE oidc_codes c SET used_at = now() FROM oidc_grants g WHERE c.code_hash = $1 AND c.used_at IS NULL "
                             "AND g.id = c.grant_id RETURNING c.redirect_uri, c.code_challenge, "
                             "extract(epoch FROM c.expires_at)::float8 AS expires_at, " GUICHET_OIDC_GRANT_COLUMNS);

GUICHET_SQL(oidc_code_grant, "SELECT grant_id FROM oidc_codes WHERE code_hash = $1");

GUICHET_SQL(oidc_revoke_grant, "UPDATE oidc_grants SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL");

GUICHET_SQL(oidc_add_refresh, R"sql(
INSERT INTO oidc_refresh_tokens (token_hash, grant_id, expires_at) VALUES ($1, $2, to_timestamp($3))
)sql");

GUICHET_SQL(oidc_spend_refresh, R"sql(
UPDATE oidc_refresh_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL RETURNING grant_id,
       expires_at > to_timestamp($2) AS live
)sql");

GUICHET_SQL(oidc_refresh_grant, "SELECT " GUICHET_OIDC_GRANT_COLUMNS " FROM oidc_refresh_tokens r JOIN oidc_grants g ON g.id = r.grant_id "
                                "WHERE r.token_hash = $1");

// Live: not revoked, and its session neither revoked nor expired.
GUICHET_SQL(oidc_live_grant, "SELECT " GUICHET_OIDC_GRANT_COLUMNS " FROM oidc_grants g JOIN sessions s ON s.id = g.session_id "
                             "WHERE g.id = $1 AND g.revoked_at IS NULL AND s.revoked_at IS NULL AND s.expires_at > to_timestamp($2)");

GUICHET_SQL(oidc_bind_browser, "INSERT INTO oidc_browsers (cookie_hash, session_id) VALUES ($1, $2)");

GUICHET_SQL(oidc_browser_session, "SELECT session_id FROM oidc_browsers WHERE cookie_hash = $1");

std::vector<std::string> json_list(const pqxx::field& field) {
    return nlohmann::json::parse(field.as<std::string>()).get<std::vector<std::string>>();
}

std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = std::min(text.find(' ', start), text.size());
        if (end > start) out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
    return out;
}

StoredAuthRequest request_from(const pqxx::row& r) {
    StoredAuthRequest stored;
    auto& q = stored.request;
    q.id = r["id"].as<std::string>();
    q.client_id = r["client_id"].as<std::string>();
    q.redirect_uri = r["redirect_uri"].as<std::string>();
    q.scopes = words(r["scopes"].as<std::string>());
    q.state = r["state"].as<std::string>();
    q.nonce = r["nonce"].as<std::string>();
    q.code_challenge = r["code_challenge"].as<std::string>();
    q.prompt_login = r["prompt_login"].as<bool>();
    if (!r["max_age"].is_null()) q.max_age = r["max_age"].as<std::int64_t>();
    if (!r["login_hint"].is_null()) q.login_hint = r["login_hint"].as<std::string>();
    q.created_at = from_epoch(r["created_at"].as<double>());
    q.expires_at = from_epoch(r["expires_at"].as<double>());
    const auto status = r["status"].as<std::string>();
    stored.state = status == "accepted" ? AuthRequestState::accepted : status == "rejected" ? AuthRequestState::rejected : AuthRequestState::pending;
    if (!r["session_id"].is_null()) stored.session_id = r["session_id"].as<std::string>();
    return stored;
}

OidcGrant grant_from(const pqxx::row& r) {
    return OidcGrant{r["id"].as<std::string>(),        r["client_id"].as<std::string>(), r["session_id"].as<std::string>(),
                     r["account_id"].as<AccountId>(),  words(r["scopes"].as<std::string>()), r["nonce"].as<std::string>(),
                     from_epoch(r["auth_time"].as<double>())};
}

}  // namespace

bool PgOidcStore::put_client(const OidcClient& c, const std::optional<std::string>& secret) {
    std::optional<std::string> secret_hex;  // nullable bytea crosses as hex text (this libpqxx takes no optional)
    if (secret) {
        const auto digest = hash("oidc-secret:", *secret);
        secret_hex = std::string(digest.size() * 2 + 1, '\0');
        sodium_bin2hex(secret_hex->data(), secret_hex->size(), reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
        secret_hex->pop_back();
    }
    const auto r = tx_.exec_prepared(oidc_put_client.name, c.id, c.name, std::string(to_string(c.type)), or_null(secret_hex),
                                     nlohmann::json(c.redirect_uris).dump(), nlohmann::json(c.post_logout_redirect_uris).dump(),
                                     or_null(c.backchannel_logout_uri));
    return r[0]["created"].as<bool>();
}

std::optional<OidcClient> PgOidcStore::find_client(const std::string& id) {
    const auto r = tx_.exec_prepared(oidc_find_client.name, id);
    if (r.empty()) return std::nullopt;
    OidcClient c;
    c.id = r[0]["id"].as<std::string>();
    c.name = r[0]["name"].as<std::string>();
    c.type = r[0]["type"].as<std::string>() == "public" ? ClientType::public_ : ClientType::confidential;
    c.redirect_uris = json_list(r[0]["redirect_uris"]);
    c.post_logout_redirect_uris = json_list(r[0]["post_logout_redirect_uris"]);
    if (!r[0]["backchannel_logout_uri"].is_null()) c.backchannel_logout_uri = r[0]["backchannel_logout_uri"].as<std::string>();
    return c;
}

bool PgOidcStore::client_secret_matches(const std::string& id, const std::string& secret) {
    const auto r = tx_.exec_prepared(oidc_client_secret.name, id);
    if (r.empty()) return false;
    const pqxx::binarystring stored(r[0][0]);
    const auto presented = hash("oidc-secret:", secret);
    return stored.size() == presented.size() && sodium_memcmp(stored.data(), presented.data(), presented.size()) == 0;
}

void PgOidcStore::save_request(const AuthRequest& q) {
    const auto max_age = q.max_age ? std::optional(std::to_string(*q.max_age)) : std::nullopt;
    tx_.exec_prepared(oidc_save_request.name, q.id, q.client_id, q.redirect_uri, joined(q.scopes), q.state, q.nonce, q.code_challenge,
                      q.prompt_login, or_null(max_age), or_null(q.login_hint), epoch(q.created_at), epoch(q.expires_at));
}

std::optional<StoredAuthRequest> PgOidcStore::find_request(const std::string& id) {
    const auto r = tx_.exec_prepared(oidc_find_request.name, id);
    if (r.empty()) return std::nullopt;
    return request_from(r[0]);
}

bool PgOidcStore::answer_request(const std::string& id, AuthRequestState state, const std::optional<std::string>& session_id,
                                 const std::string& resume_token) {
    const auto r = tx_.exec_prepared(oidc_answer_request.name, id, state == AuthRequestState::accepted ? "accepted" : "rejected",
                                     or_null(session_id), bytes(hash("oidc-resume:", resume_token)));
    return r.affected_rows() == 1;
}

std::optional<StoredAuthRequest> PgOidcStore::resume(const std::string& resume_token) {
    const auto r = tx_.exec_prepared(oidc_resume.name, bytes(hash("oidc-resume:", resume_token)));
    if (r.empty()) return std::nullopt;
    return request_from(r[0]);
}

void PgOidcStore::create_grant(const OidcGrant& g) {
    tx_.exec_prepared(oidc_create_grant.name, g.id, g.client_id, g.session_id, g.account_id, joined(g.scopes), g.nonce, epoch(g.auth_time));
}

void PgOidcStore::issue_code(const std::string& code, const OidcCode& issued) {
    tx_.exec_prepared(oidc_issue_code.name, bytes(hash("oidc-code:", code)), issued.grant.id, issued.redirect_uri, issued.code_challenge,
                      epoch(issued.expires_at));
}

CodeExchange PgOidcStore::exchange_code(const std::string& code, std::chrono::system_clock::time_point) {
    const auto code_hash = hash("oidc-code:", code);
    const auto spent = tx_.exec_prepared(oidc_spend_code.name, bytes(code_hash));
    if (!spent.empty()) {
        const auto& r = spent[0];
        return {CodeUse::exchanged, OidcCode{grant_from(r), r["redirect_uri"].as<std::string>(), r["code_challenge"].as<std::string>(),
                                             from_epoch(r["expires_at"].as<double>())}};
    }
    const auto owner = tx_.exec_prepared(oidc_code_grant.name, bytes(code_hash));
    if (owner.empty()) return {CodeUse::unknown, std::nullopt};
    tx_.exec_prepared(oidc_revoke_grant.name, owner[0][0].as<std::string>());
    return {CodeUse::reused, std::nullopt};
}

void PgOidcStore::add_refresh(const std::string& token, const std::string& grant_id, std::chrono::system_clock::time_point expires_at) {
    tx_.exec_prepared(oidc_add_refresh.name, bytes(hash("oidc-refresh:", token)), grant_id, epoch(expires_at));
}

RefreshRotation PgOidcStore::rotate_refresh(const std::string& presented, const std::string& replacement,
                                            std::chrono::system_clock::time_point now,
                                            std::chrono::system_clock::time_point replacement_expires_at) {
    const auto presented_hash = hash("oidc-refresh:", presented);
    const auto spent = tx_.exec_prepared(oidc_spend_refresh.name, bytes(presented_hash), epoch(now));
    if (spent.empty()) {
        const auto owner = tx_.exec_prepared(oidc_refresh_grant.name, bytes(presented_hash));
        if (owner.empty()) return {RefreshUse::unknown, std::nullopt};
        tx_.exec_prepared(oidc_revoke_grant.name, owner[0]["id"].as<std::string>());  // reuse: the family ends
        return {RefreshUse::reused, std::nullopt};
    }
    const auto grant_id = spent[0]["grant_id"].as<std::string>();
    auto grant = spent[0]["live"].as<bool>() ? live_grant(grant_id, now) : std::nullopt;
    if (!grant) return {RefreshUse::unknown, std::nullopt};
    add_refresh(replacement, grant_id, replacement_expires_at);
    return {RefreshUse::rotated, std::move(grant)};
}

std::optional<OidcGrant> PgOidcStore::live_grant(const std::string& id, std::chrono::system_clock::time_point now) {
    const auto r = tx_.exec_prepared(oidc_live_grant.name, id, epoch(now));
    if (r.empty()) return std::nullopt;
    return grant_from(r[0]);
}

std::optional<OidcGrant> PgOidcStore::grant_of_refresh(const std::string& token) {
    const auto r = tx_.exec_prepared(oidc_refresh_grant.name, bytes(hash("oidc-refresh:", token)));
    if (r.empty()) return std::nullopt;
    return grant_from(r[0]);
}

void PgOidcStore::revoke_grant(const std::string& id) { tx_.exec_prepared(oidc_revoke_grant.name, id); }

void PgOidcStore::bind_browser(const std::string& cookie, const std::string& session_id) {
    tx_.exec_prepared(oidc_bind_browser.name, bytes(hash("oidc-browser:", cookie)), session_id);
}

std::optional<std::string> PgOidcStore::session_of_browser(const std::string& cookie) {
    const auto r = tx_.exec_prepared(oidc_browser_session.name, bytes(hash("oidc-browser:", cookie)));
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::string>();
}

}  // namespace guichet::infra
