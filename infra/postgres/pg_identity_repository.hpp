#pragma once
// PostgreSQL adapter of the Connect identity port (migrations/0005_registration.sql).
#include <pqxx/transaction_base>

#include "domain/identities/identity_repository.hpp"

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

}  // namespace guichet::infra
