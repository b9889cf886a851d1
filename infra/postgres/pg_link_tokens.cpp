#include "infra/postgres/pg_link_tokens.hpp"

#include <pqxx/binarystring>
#include <pqxx/result>

#include "infra/postgres/conversions.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

GUICHET_SQL(link_issue, R"sql(
INSERT INTO link_tokens (token_hash, purpose, account_id, identity_id, expires_at, flow_id)
VALUES ($1, $2, $3, $4, to_timestamp($5), $6)
)sql");

// Marks the token used, once: a parallel use waits on the row, then finds used_at set.
GUICHET_SQL(link_consume, R"sql(
UPDATE link_tokens SET used_at = now()
WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > to_timestamp($3)
RETURNING account_id, identity_id, flow_id
)sql");

GUICHET_SQL(link_state, R"sql(
SELECT used_at IS NOT NULL AS used FROM link_tokens WHERE token_hash = $1 AND purpose = $2
)sql");

GUICHET_SQL(link_peek, R"sql(
SELECT account_id, identity_id, used_at IS NOT NULL AS used, expires_at > to_timestamp($3) AS live, flow_id
FROM link_tokens WHERE token_hash = $1 AND purpose = $2
)sql");

GUICHET_SQL(link_count_attempt, R"sql(
UPDATE link_tokens SET attempts = attempts + 1 WHERE token_hash = $1 AND purpose = $2 RETURNING attempts
)sql");

GUICHET_SQL(link_issued_since, R"sql(
SELECT 1 FROM link_tokens
WHERE purpose = $1 AND account_id IS NOT DISTINCT FROM $2 AND identity_id IS NOT DISTINCT FROM $3
  AND created_at > to_timestamp($4)
LIMIT 1
)sql");

}  // namespace

void PgLinkTokenRepository::issue(LinkPurpose purpose, const std::string& token, const LinkSubject& subject,
                                  std::chrono::system_clock::time_point expires_at) {
    const auto account = id_text(subject.account), identity = id_text(subject.identity);
    tx_.exec_prepared(link_issue.name, bytes(cipher_.blind_index("link:" + token)), std::string(to_string(purpose)),
                      or_null(account), or_null(identity), epoch(expires_at),
                      subject.flow ? subject.flow->c_str() : nullptr);
}

LinkUse PgLinkTokenRepository::consume(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) {
    const auto hash = bytes(cipher_.blind_index("link:" + token));
    const std::string kind(to_string(purpose));
    const auto used = tx_.exec_prepared(link_consume.name, hash, kind, epoch(now));
    if (!used.empty()) {
        LinkSubject subject;
        if (!used[0]["account_id"].is_null()) subject.account = used[0]["account_id"].as<AccountId>();
        if (!used[0]["identity_id"].is_null()) subject.identity = used[0]["identity_id"].as<IdentityId>();
        if (!used[0]["flow_id"].is_null()) subject.flow = used[0]["flow_id"].as<std::string>();
        return {LinkState::valid, subject};
    }
    const auto state = tx_.exec_prepared(link_state.name, hash, kind);
    if (state.empty()) return {LinkState::unknown, {}};
    return {state[0]["used"].as<bool>() ? LinkState::used : LinkState::expired, {}};
}

LinkUse PgLinkTokenRepository::peek(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) {
    const auto r = tx_.exec_prepared(link_peek.name, bytes(cipher_.blind_index("link:" + token)), std::string(to_string(purpose)),
                                     epoch(now));
    if (r.empty()) return {LinkState::unknown, {}};
    const auto row = r[0];
    if (row["used"].as<bool>()) return {LinkState::used, {}};
    if (!row["live"].as<bool>()) return {LinkState::expired, {}};
    LinkSubject subject;
    if (!row["account_id"].is_null()) subject.account = row["account_id"].as<AccountId>();
    if (!row["identity_id"].is_null()) subject.identity = row["identity_id"].as<IdentityId>();
    if (!row["flow_id"].is_null()) subject.flow = row["flow_id"].as<std::string>();
    return {LinkState::valid, subject};
}

int PgLinkTokenRepository::count_attempt(LinkPurpose purpose, const std::string& token) {
    const auto r = tx_.exec_prepared(link_count_attempt.name, bytes(cipher_.blind_index("link:" + token)),
                                     std::string(to_string(purpose)));
    return r.empty() ? 0 : r[0]["attempts"].as<int>();
}

bool PgLinkTokenRepository::issued_since(LinkPurpose purpose, const LinkSubject& subject,
                                         std::chrono::system_clock::time_point since) {
    const auto account = id_text(subject.account), identity = id_text(subject.identity);
    return !tx_.exec_prepared(link_issued_since.name, std::string(to_string(purpose)), or_null(account), or_null(identity),
                              epoch(since))
                .empty();
}

}  // namespace guichet::infra
