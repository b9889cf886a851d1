-- Retention of the OpenID Connect rows (issue 16, domain/retention/retention.hpp): each purge batch
-- reads through an index on what makes a row due, and the sessions' purge finds their requests.
CREATE INDEX oidc_auth_requests_session ON oidc_auth_requests (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX oidc_codes_ended ON oidc_codes (least(used_at, expires_at));
CREATE INDEX oidc_refresh_tokens_expiry ON oidc_refresh_tokens (expires_at);
CREATE INDEX oidc_grants_revoked ON oidc_grants (revoked_at) WHERE revoked_at IS NOT NULL;
