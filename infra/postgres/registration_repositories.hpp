#pragma once
// PostgreSQL adapters of the Connect identity, flow and link token ports.
#include <pqxx/transaction_base>

#include "domain/flows/flow.hpp"
#include "domain/identities/identity_repository.hpp"
#include "domain/links/link_tokens.hpp"
#include "infra/crypto/data_cipher.hpp"

namespace guichet::infra {

class PgIdentityRepository final : public IdentityRepository {
public:
    explicit PgIdentityRepository(pqxx::transaction_base& tx) : tx_(tx) {}
    std::optional<ConnectIdentity> find_by_email(const Email& email) override;
    std::optional<ConnectIdentity> find(IdentityId id) override;
    std::optional<IdentityId> create(const NewIdentity& identity) override;
    void set_password_hash(IdentityId id, const std::string& password_hash) override;
    void mark_validated(IdentityId id) override;

private:
    pqxx::transaction_base& tx_;
};

// The private data of a flow is sealed with the data key, bound to the flow id.
class PgFlowRepository final : public FlowRepository {
public:
    PgFlowRepository(pqxx::transaction_base& tx, const DataCipher& cipher) : tx_(tx), cipher_(cipher) {}
    void create(const FlowRecord& flow) override;
    std::optional<FlowRecord> find(const std::string& id) override;
    bool advance(const std::string& id, const std::string& from, const std::string& to, const std::string& data) override;
    int count_attempt(const std::string& id) override;
    void extend(const std::string& id, std::chrono::system_clock::time_point expires_at) override;

private:
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
};

// Tokens are stored as a keyed hash ("link:" + token).
class PgLinkTokenRepository final : public LinkTokenRepository {
public:
    PgLinkTokenRepository(pqxx::transaction_base& tx, const DataCipher& cipher) : tx_(tx), cipher_(cipher) {}
    void issue(LinkPurpose purpose, const std::string& token, const LinkSubject& subject,
               std::chrono::system_clock::time_point expires_at) override;
    LinkUse consume(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) override;
    LinkUse peek(LinkPurpose purpose, const std::string& token, std::chrono::system_clock::time_point now) override;
    int count_attempt(LinkPurpose purpose, const std::string& token) override;
    bool issued_since(LinkPurpose purpose, const LinkSubject& subject, std::chrono::system_clock::time_point since) override;

private:
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
};

}  // namespace guichet::infra
