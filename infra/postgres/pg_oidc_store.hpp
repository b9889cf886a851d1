#pragma once
// PostgreSQL adapter of the OpenID Connect store (migrations/0020_oidc.sql). Secrets are stored
// as keyed hashes: "oidc-secret:", "oidc-code:", "oidc-refresh:", "oidc-resume:", "oidc-browser:".
#include <pqxx/transaction_base>

#include "domain/oidc/oidc.hpp"
#include "infra/crypto/data_cipher.hpp"

namespace guichet::infra {

class PgOidcStore final : public OidcStore {
public:
    PgOidcStore(pqxx::transaction_base& tx, const DataCipher& cipher) : tx_(tx), cipher_(cipher) {}
    bool put_client(const OidcClient& client, const std::optional<std::string>& secret) override;
    std::optional<OidcClient> find_client(const std::string& id) override;
    bool client_secret_matches(const std::string& id, const std::string& secret) override;
    void save_request(const AuthRequest& request) override;
    std::optional<StoredAuthRequest> find_request(const std::string& id) override;
    bool answer_request(const std::string& id, AuthRequestState state, const std::optional<std::string>& session_id,
                        const std::string& resume_token) override;
    std::optional<StoredAuthRequest> resume(const std::string& resume_token) override;
    void create_grant(const OidcGrant& grant) override;
    void issue_code(const std::string& code, const OidcCode& issued) override;
    CodeExchange exchange_code(const std::string& code, std::chrono::system_clock::time_point now) override;
    void add_refresh(const std::string& token, const std::string& grant_id, std::chrono::system_clock::time_point expires_at) override;
    RefreshRotation rotate_refresh(const std::string& presented, const std::string& replacement, std::chrono::system_clock::time_point now,
                                   std::chrono::system_clock::time_point replacement_expires_at) override;
    std::optional<OidcGrant> live_grant(const std::string& id, std::chrono::system_clock::time_point now) override;
    std::optional<OidcGrant> grant_of_refresh(const std::string& token) override;
    void revoke_grant(const std::string& id) override;
    void bind_browser(const std::string& cookie, const std::string& session_id) override;
    std::optional<std::string> session_of_browser(const std::string& cookie) override;

private:
    std::string hash(const char* kind, const std::string& secret) const { return cipher_.blind_index(std::string(kind) + secret); }
    pqxx::transaction_base& tx_;
    const DataCipher& cipher_;
};

}  // namespace guichet::infra
