#pragma once
// Configuration from GUICHET_* environment variables (SPEC.md §4), checked once at start-up so
// a bad value stops the process with one clear line instead of failing later on a request.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace guichet::infra {

// One item of GUICHET_RATE_LIMITS: a limit of domain/rules.hpp by name, with a new quota per
// window (quota 0: off).
struct LimitOverride {
    std::string name;
    int quota = 0;
    std::chrono::seconds window{60};
};

struct Config {
    std::string listen_host = "127.0.0.1";      // GUICHET_LISTEN "host:port" ("[::1]:8080" for IPv6)
    std::uint16_t listen_port = 8080;
    std::string database_url;                   // GUICHET_DATABASE_URL
    std::string public_url = "http://127.0.0.1:8080";  // GUICHET_PUBLIC_URL, no trailing slash
    // OpenID Connect (SPEC.md §9): the portal's page that takes ?auth_request=ID, and the RS256
    // private JWK of id_tokens (unset: a key made at start, which only one process can use).
    std::string login_url = "http://127.0.0.1:8081/login.html";  // GUICHET_LOGIN_URL
    std::optional<std::string> oidc_signing_key;                  // GUICHET_OIDC_SIGNING_KEY
    std::string brand = "MGEN";                 // GUICHET_BRAND
    std::optional<std::string> smtp_url;        // GUICHET_SMTP_URL, smtp:// or smtps://
    std::optional<std::string> smtp_user;       // GUICHET_SMTP_USER
    std::optional<std::string> smtp_password;   // GUICHET_SMTP_PASSWORD
    std::string mail_from;                      // GUICHET_MAIL_FROM, default no-reply@<public host>
    std::optional<std::string> sms_url;         // GUICHET_SMS_URL, http:// or https://
    std::optional<std::string> sms_token;       // GUICHET_SMS_TOKEN
    std::optional<std::string> admin_token;     // GUICHET_ADMIN_TOKEN, unset: admin API disabled
    std::optional<std::string> print_token;     // GUICHET_PRINT_TOKEN, the print provider's; unset: print queue disabled
    std::optional<std::string> metrics_token;   // GUICHET_METRICS_TOKEN, a scraper's: /metrics only
    std::array<unsigned char, 32> data_key{};   // GUICHET_DATA_KEY, base64 of 32 bytes
    std::array<unsigned char, 32> signing_key{};  // GUICHET_SIGNING_KEY, base64 Ed25519 seed
    std::string mail_dir = "data/mail";         // GUICHET_MAIL_DIR, outbox folder without SMTP
    std::string sms_file = "data/sms.log";      // GUICHET_SMS_FILE, outbox file without SMS URL
    std::size_t max_body_bytes = 65536;         // GUICHET_MAX_BODY_BYTES, 1024..10485760
    unsigned worker_threads = 0;                // GUICHET_WORKER_THREADS, 0 = automatic, max 1024
    unsigned hashing_threads = 0;               // GUICHET_HASHING_THREADS, 0 = automatic, max 256
    std::size_t db_pool_size = 8;               // GUICHET_DB_POOL_SIZE, 1..256
    std::chrono::milliseconds session_cache_ttl{5000};  // GUICHET_SESSION_CACHE_TTL_MS, 0..60000, 0 = no cache
    unsigned outbox_workers = 2;                // GUICHET_OUTBOX_WORKERS, 0..64 (0: this process does not deliver)
    std::chrono::milliseconds outbox_retry_base{2000};    // GUICHET_OUTBOX_RETRY_BASE_MS, 10..20000, first retry delay
    std::chrono::milliseconds outbox_poll{250};           // GUICHET_OUTBOX_POLL_MS, idle dispatcher wait
    std::size_t outbox_batch = 50;              // GUICHET_OUTBOX_BATCH, 1..1000: messages a delivery thread claims at once
    std::chrono::seconds outbox_lease{60};                // GUICHET_OUTBOX_LEASE_SECONDS, reclaim after a crash
    // On SIGTERM: not ready at once, still serving for the delay (the load balancer's time to
    // notice), then draining; the process is gone within the grace (Kubernetes gives 30 s).
    std::chrono::seconds shutdown_delay{5};               // GUICHET_SHUTDOWN_DELAY_SECONDS
    std::chrono::seconds shutdown_grace{25};              // GUICHET_SHUTDOWN_GRACE_SECONDS
    std::chrono::seconds purge_interval{300};             // GUICHET_PURGE_INTERVAL_SECONDS, 0..86400 (0: this process does not purge)
    std::chrono::days event_retention{400};               // GUICHET_EVENT_RETENTION_DAYS, 30..3650: security events kept
    std::string log_level = "info";             // GUICHET_LOG_LEVEL: trace|debug|info|warn|error
    bool identifier_switch_required = true;     // GUICHET_IDENTIFIER_SWITCH: required|offered after a NIR login (seed 002)
    // GUICHET_RATE_LIMITS: "off" (every request rate off), and/or name=N/window items
    // (window 30s, 1m, 1h, 1d; N 0 or "off" turns one off), e.g. "login=100/1m,flows=off".
    std::vector<LimitOverride> rate_limits;
    std::vector<std::string> trusted_proxies;   // GUICHET_TRUSTED_PROXIES: comma-separated CIDRs
    // GUICHET_CORS_ORIGINS: exact origins (scheme://host[:port], lower-cased as browsers send
    // them) allowed to call the API from a browser; empty: no CORS headers.
    std::vector<std::string> cors_origins;
};

// message is one line that starts with the variable's name and never contains a secret value,
// e.g. "GUICHET_DATA_KEY: must be 32 bytes encoded in base64 (got 12 bytes)".
struct ConfigError {
    std::string variable;
    std::string message;
};

// migrate and import-members need only the database URL and the data key; serve needs all.
enum class ConfigNeeds { database_only, everything };

// getenv is injected so tests can drive it from a map; in main pass a wrapper of std::getenv.
// An empty value counts as unset (so `GUICHET_SMTP_URL= guichet serve` turns SMTP off). Every
// variable that is set is checked whatever `needs` says; `needs` only decides which are required.
using Getenv = std::function<std::optional<std::string>(const char*)>;
std::expected<Config, ConfigError> load_config(const Getenv& getenv, ConfigNeeds needs);

// The process environment, for main.
std::optional<std::string> process_getenv(const char* name);

}  // namespace guichet::infra
