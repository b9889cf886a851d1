#pragma once
// PostgreSQL adapter of the flow port (migrations/0005_registration.sql).
#include <pqxx/transaction_base>

#include "domain/flows/flow.hpp"
#include "infra/crypto/data_cipher.hpp"

namespace guichet::infra {

// The private data of a flow is sealed with the data key, bound to the flow id.
class PgFlowRepository final : public FlowRepository {
public:
    PgFlowRepository(pqxx::transaction_base& tx, const DataCipher& cipher) : tx_(tx), cipher_(cipher) {}
    void create(const FlowRecord& flow) override;
    std::optional<FlowRecord> find(const std::string& id) override;
    bool advance(const std::string& id, const std::string& from, int version, const std::string& to, const std::string& data) override;
    int count_attempt(const std::string& id) override;
    void extend(const std::string& id, std::chrono::system_clock::time_point expires_at) override;

private:
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
};

}  // namespace guichet::infra
