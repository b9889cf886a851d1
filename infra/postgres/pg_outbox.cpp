#include "infra/postgres/pg_outbox.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/binarystring>
#include <pqxx/except>
#include <pqxx/result>
#include <pqxx/transaction>

#include "domain/notifications/templates.hpp"
#include "domain/trace.hpp"
#include "domain/unit_of_work.hpp"
#include "infra/postgres/conversions.hpp"
#include "infra/postgres/statement.hpp"

namespace guichet::infra {

namespace {

GUICHET_SQL(outbox_enqueue, R"sql(
INSERT INTO outbox (channel, recipient, kind, params_cipher, trace_id) VALUES ($1, $2, $3, $4, nullif($5, '')) RETURNING id
)sql");

// Due messages, and those whose dispatcher died mid-send (lease expired). SKIP LOCKED lets
// several dispatchers claim disjoint batches; the lease keeps a message with one of them while
// it sends outside any transaction. The attempt is counted at claim time, so a message that
// kills its dispatcher is still counted, and its age (DB clock) still makes it expire.
GUICHET_SQL(outbox_claim_due, R"sql(
WITH due AS (
    SELECT id FROM outbox
    WHERE channel <> 'letter'
      AND ((status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND lease_until < now()))
    ORDER BY next_attempt_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED)
UPDATE outbox o
SET status = 'sending', attempts = o.attempts + 1, lease_until = now() + make_interval(secs => $2)
FROM due WHERE o.id = due.id
RETURNING o.id, o.channel, o.recipient, o.kind, o.params_cipher, o.attempts,
          (extract(epoch FROM now() - o.created_at) * 1000)::bigint AS age_ms, coalesce(o.trace_id, '') AS trace_id
)sql");

GUICHET_SQL(outbox_mark_sent, R"sql(
UPDATE outbox SET status = 'sent', sent_at = clock_timestamp(), params_cipher = NULL, lease_until = NULL, last_error = NULL
WHERE id = ANY (string_to_array($1, ',')::bigint[]) AND status = 'sending'
)sql");

GUICHET_SQL(outbox_schedule_retry, R"sql(
UPDATE outbox SET status = 'pending', next_attempt_at = now() + make_interval(secs => $2), last_error = $3, lease_until = NULL
WHERE id = $1 AND status = 'sending'
)sql");

GUICHET_SQL(outbox_mark_dead, R"sql(
UPDATE outbox SET status = 'dead', last_error = $2, lease_until = NULL WHERE id = $1 AND status = 'sending'
)sql");

GUICHET_SQL(outbox_mark_expired, R"sql(
UPDATE outbox SET status = 'expired', last_error = $2, params_cipher = NULL, lease_until = NULL
WHERE id = $1 AND status = 'sending'
)sql");

// The claim counted an attempt that was never made.
GUICHET_SQL(outbox_release, R"sql(
UPDATE outbox SET status = 'pending', attempts = greatest(attempts - 1, 0), next_attempt_at = now(), lease_until = NULL
WHERE id = $1 AND status = 'sending'
)sql");

GUICHET_SQL(outbox_list, R"sql(
SELECT id, channel, recipient, kind, status, attempts, coalesce(last_error, '') AS last_error,
       extract(epoch FROM created_at)::float8 AS created_at, extract(epoch FROM next_attempt_at)::float8 AS next_attempt_at,
       extract(epoch FROM sent_at)::float8 AS sent_at
FROM outbox WHERE status = $1 AND channel <> 'letter' ORDER BY id DESC LIMIT $2
)sql");

GUICHET_SQL(outbox_retry_dead, R"sql(
UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL
WHERE id = $1 AND status = 'dead' AND channel <> 'letter'
)sql");

GUICHET_SQL(outbox_letters, R"sql(
SELECT id, recipient, kind, params_cipher, extract(epoch FROM created_at)::float8 AS created_at,
       extract(epoch FROM sent_at)::float8 AS sent_at
FROM outbox WHERE channel = 'letter' AND status = $1 ORDER BY id LIMIT $2
)sql");

GUICHET_SQL(outbox_mark_printed, R"sql(
UPDATE outbox SET status = 'sent', sent_at = clock_timestamp(), params_cipher = NULL
WHERE id = $1 AND channel = 'letter' AND status = 'pending'
)sql");

GUICHET_SQL(outbox_stats, R"sql(
SELECT count(*) AS pending, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_pending_seconds
FROM outbox WHERE status IN ('pending', 'sending') AND channel <> 'letter'
)sql");


constexpr std::string_view kParamsContext = "outbox.params";

std::string seal_params(const DataCipher& cipher, const MessageParams& params) {
    return cipher.encrypt(nlohmann::json(params).dump(), kParamsContext);
}

std::optional<MessageParams> open_params(const DataCipher& cipher, const pqxx::field& field) {
    if (field.is_null()) return MessageParams{};
    const pqxx::binarystring sealed(field);
    const auto clear = cipher.decrypt(sealed.str(), kParamsContext);
    if (!clear) return std::nullopt;
    try {
        return nlohmann::json::parse(*clear).get<MessageParams>();
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

double seconds(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

}  // namespace

MessageId PgNotifier::enqueue(const OutgoingMessage& m) {
    const auto sealed = seal_params(cipher_, m.params);
    const auto row = tx_.exec_prepared1(outbox_enqueue.name, std::string(to_string(m.channel)), m.recipient,
                                        std::string(to_string(m.kind)),
                                        bytes(sealed), current_trace_id());
    return row["id"].as<MessageId>();
}

bool PgOutboxChanges::retry(MessageId id) { return tx_.exec_prepared(outbox_retry_dead.name, id).affected_rows() == 1; }

bool PgOutboxChanges::mark_printed(MessageId id) { return tx_.exec_prepared(outbox_mark_printed.name, id).affected_rows() == 1; }

// One short transaction on a pooled connection; driver failures become Unavailable.
template <typename Tx, typename Work>
auto PgOutbox::with_transaction(Work&& work) {
    auto conn = pool_.acquire();
    try {
        Tx tx(*conn);
        auto result = work(tx);
        tx.commit();
        return result;
    } catch (const pqxx::broken_connection& e) {
        conn.discard();
        pool_.discard_idle();
        throw Unavailable(std::string("database connection lost: ") + e.what());
    } catch (const pqxx::in_doubt_error& e) {
        conn.discard();
        throw Unavailable(std::string("commit in doubt: ") + e.what());
    }
}

template <typename... Args>
void PgOutbox::execute_alone(const char* statement, const Args&... args) {
    with_transaction<pqxx::nontransaction>([&](auto& tx) { return tx.exec_prepared(statement, args...); });
}

std::vector<ClaimedMessage> PgOutbox::claim_due(std::size_t max, std::chrono::seconds lease) {
    return with_transaction([&](pqxx::work& tx) {
        std::vector<ClaimedMessage> claimed;
        for (const auto& row : tx.exec_prepared(outbox_claim_due.name, static_cast<long long>(max),
                                                static_cast<double>(lease.count()))) {
            ClaimedMessage c{row["id"].as<MessageId>(), row["attempts"].as<int>(), std::nullopt,
                             std::chrono::milliseconds(row["age_ms"].as<long long>()), row["trace_id"].as<std::string>()};
            const auto channel = channel_from(row["channel"].as<std::string>());
            const auto kind = message_kind_from(row["kind"].as<std::string>());
            auto params = open_params(cipher_, row["params_cipher"]);
            if (channel && kind && params)
                c.message = OutgoingMessage{*channel, row["recipient"].as<std::string>(), *kind, std::move(*params)};
            claimed.push_back(std::move(c));
        }
        return claimed;
    });
}

void PgOutbox::mark_sent(const std::vector<MessageId>& ids) {
    if (ids.empty()) return;
    std::string list;
    for (const auto id : ids) list.append(list.empty() ? "" : ",").append(std::to_string(id));
    execute_alone(outbox_mark_sent.name, list);
}

void PgOutbox::schedule_retry(MessageId id, std::chrono::milliseconds delay, const std::string& error) {
    execute_alone(outbox_schedule_retry.name, id, seconds(delay), error);
}

void PgOutbox::mark_dead(MessageId id, const std::string& error) {
    execute_alone(outbox_mark_dead.name, id, error);
}

void PgOutbox::mark_expired(MessageId id, const std::string& error) {
    execute_alone(outbox_mark_expired.name, id, error);
}

void PgOutbox::release(MessageId id) {
    execute_alone(outbox_release.name, id);
}

std::vector<MessageSummary> PgOutbox::list(MessageStatus status, std::size_t limit) {
    return with_transaction([&](pqxx::work& tx) {
        std::vector<MessageSummary> out;
        for (const auto& row : tx.exec_prepared(outbox_list.name, std::string(to_string(status)),
                                                static_cast<long long>(limit))) {
            const auto channel = channel_from(row["channel"].as<std::string>()).value_or(Channel::email);
            out.push_back(MessageSummary{row["id"].as<MessageId>(),
                                         channel,
                                         message_kind_from(row["kind"].as<std::string>()).value_or(MessageKind::security_code),
                                         mask_recipient(channel, row["recipient"].as<std::string>()),
                                         message_status_from(row["status"].as<std::string>()).value_or(status),
                                         row["attempts"].as<int>(),
                                         row["last_error"].as<std::string>(),
                                         from_epoch(row["created_at"].as<double>()),
                                         status == MessageStatus::pending || status == MessageStatus::sending ? optional_time(row["next_attempt_at"]) : std::nullopt,
                                         optional_time(row["sent_at"])});
        }
        return out;
    });
}


std::vector<Letter> PgOutbox::letters(MessageStatus status, std::size_t limit, const BrandSettings& brand) {
    return with_transaction([&](pqxx::work& tx) {
        std::vector<Letter> out;
        for (const auto& row : tx.exec_prepared(outbox_letters.name, std::string(to_string(status)),
                                                static_cast<long long>(limit))) {
            Letter letter{row["id"].as<MessageId>(), row["recipient"].as<std::string>(), {}, from_epoch(row["created_at"].as<double>()),
                          optional_time(row["sent_at"])};
            // Printed letters keep no parameters; pending ones are rendered for the printer.
            const auto kind = message_kind_from(row["kind"].as<std::string>());
            const auto params = open_params(cipher_, row["params_cipher"]);
            if (status == MessageStatus::pending && kind && params) {
                auto rendered = render(OutgoingMessage{Channel::letter, letter.postal_address, *kind, *params}, brand);
                if (rendered) letter.content = std::move(*rendered);
            }
            out.push_back(std::move(letter));
        }
        return out;
    });
}


OutboxStats PgOutbox::stats() {
    return with_transaction([&](pqxx::work& tx) {
        const auto row = tx.exec_prepared1(outbox_stats.name);
        return OutboxStats{row["pending"].as<std::size_t>(), row["oldest_pending_seconds"].as<double>()};
    });
}

}  // namespace guichet::infra
