#pragma once
// The PostgreSQL outbox: PgNotifier and PgOutboxChanges write inside the caller's transaction;
// PgOutbox serves the dispatcher (claim, then record the outcome, each in its own short
// transaction) and what agents and the print provider read.
// Template parameters are stored encrypted (they hold codes and temporary passwords).
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <pqxx/transaction_base>

#include "domain/notifications/outbox.hpp"
#include "infra/crypto/data_cipher.hpp"
#include "infra/postgres/pool.hpp"

namespace guichet::infra {

class PgNotifier final : public Notifier {
public:
    PgNotifier(pqxx::transaction_base& tx, const DataCipher& cipher) : tx_(tx), cipher_(cipher) {}
    MessageId enqueue(const OutgoingMessage& message) override;

private:
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
};

class PgOutboxChanges final : public OutboxChanges {
public:
    explicit PgOutboxChanges(pqxx::transaction_base& tx) : tx_(tx) {}
    bool retry(MessageId id) override;
    bool mark_printed(MessageId id) override;

private:
    pqxx::transaction_base& tx_;
};

class PgOutbox final : public OutboxQueue, public OutboxAdmin {
public:
    PgOutbox(ConnectionPool& pool, const DataCipher& cipher) : pool_(pool), cipher_(cipher) {}

    std::vector<ClaimedMessage> claim_due(std::size_t max, std::chrono::seconds lease) override;
    void mark_sent(const std::vector<MessageId>& ids) override;
    void schedule_retry(MessageId id, std::chrono::milliseconds delay, const std::string& error) override;
    void mark_dead(MessageId id, const std::string& error) override;
    void mark_expired(MessageId id, const std::string& error) override;
    void release(MessageId id) override;

    std::vector<MessageSummary> list(MessageStatus status, std::size_t limit) override;
    std::vector<Letter> letters(MessageStatus status, std::size_t limit, const BrandSettings& brand) override;
    OutboxStats stats() override;

private:
    template <typename Tx = pqxx::work, typename Work>
    auto with_transaction(Work&& work);
    // One statement in autocommit: one round trip rather than the three of BEGIN … COMMIT.
    template <typename... Args>
    void execute_alone(const char* statement, const Args&... args);
    ConnectionPool& pool_;
    const DataCipher& cipher_;
};

}  // namespace guichet::infra
