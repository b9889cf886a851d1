#include "infra/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/network_address.hpp"
#include "domain/rules.hpp"
#include "domain/text.hpp"
#include "infra/crypto/base64.hpp"
#include "infra/crypto/sodium.hpp"

namespace guichet::infra {
namespace {

ConfigError fail(const char* variable, std::string_view message) {
    return ConfigError{variable, std::string(variable) + ": " + std::string(message)};
}

bool has_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

bool has_space_or_control(std::string_view text) {
    return has_control(text) || text.find(' ') != std::string_view::npos;
}

// Quotes a value that is not secret so the operator sees what was read; a value that would
// break the one-line message (control characters) or flood it is left out.
std::string got(std::string_view value) {
    if (has_control(value) || value.size() > 80) return "";
    return " (got \"" + std::string(value) + "\")";
}

std::optional<std::uint64_t> parse_uint(std::string_view text) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

struct UrlParts {
    std::string_view scheme;  // without "://"
    std::string_view host;    // brackets kept for an IPv6 literal
    bool has_userinfo = false;
    bool has_query_or_fragment = false;
};

// Just enough of RFC 3986 to refuse what would break links or connections: an unknown scheme,
// a missing host, a bad port, spaces or control characters.
std::optional<UrlParts> parse_url(std::string_view url, std::initializer_list<std::string_view> schemes) {
    if (has_space_or_control(url)) return std::nullopt;
    UrlParts parts;
    const auto separator = url.find("://");
    if (separator == std::string_view::npos) return std::nullopt;
    parts.scheme = url.substr(0, separator);
    if (std::find(schemes.begin(), schemes.end(), parts.scheme) == schemes.end()) return std::nullopt;
    std::string_view authority = url.substr(separator + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    parts.has_query_or_fragment = url.find_first_of("?#") != std::string_view::npos;
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        parts.has_userinfo = true;
        authority.remove_prefix(at + 1);
    }
    std::string_view port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos || close == 1) return std::nullopt;
        parts.host = authority.substr(0, close + 1);
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') return std::nullopt;
            port = rest.substr(1);
            if (port.empty()) return std::nullopt;
        }
    } else {
        const auto colon = authority.find(':');
        parts.host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) return std::nullopt;
        }
    }
    if (parts.host.empty()) return std::nullopt;
    if (!port.empty()) {
        const auto number = parse_uint(port);
        if (!number || *number < 1 || *number > 65535) return std::nullopt;
    }
    return parts;
}

// Reads the environment; an empty value is the same as an unset one.
class Environment {
public:
    explicit Environment(const Getenv& getenv) : getenv_(getenv) {}
    std::optional<std::string> operator()(const char* name) const {
        auto value = getenv_(name);
        if (value && value->empty()) return std::nullopt;
        return value;
    }

private:
    const Getenv& getenv_;
};

std::optional<ConfigError> read_listen(const std::string& value, Config& config) {
    constexpr const char* name = "GUICHET_LISTEN";
    const std::string_view text = value;
    std::string_view host;
    std::string_view port;
    if (text.starts_with('[')) {  // [::1]:8080
        const auto close = text.find("]:");
        if (close == std::string_view::npos)
            return fail(name, "must be host:port, e.g. [::1]:8080" + got(text));
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return fail(name, "must be host:port, e.g. 127.0.0.1:8080" + got(text));
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos)
            return fail(name, "an IPv6 address must be in brackets, e.g. [::1]:8080" + got(text));
    }
    if (host.empty() || has_space_or_control(host))
        return fail(name, "the host is missing or invalid, e.g. 127.0.0.1:8080" + got(text));
    const auto number = parse_uint(port);
    if (!number || *number < 1 || *number > 65535)
        return fail(name, "the port must be a number from 1 to 65535" + got(port));
    config.listen_host = std::string(host);
    config.listen_port = static_cast<std::uint16_t>(*number);
    return std::nullopt;
}

std::optional<ConfigError> read_key(const Environment& env, const char* name, bool required,
                                    std::array<unsigned char, 32>& key) {
    const auto value = env(name);
    if (!value) {
        if (!required) return std::nullopt;
        return fail(name, "is required: 32 random bytes in base64 (e.g. `openssl rand -base64 32`)");
    }
    auto bytes = base64_decode(*value);
    if (!bytes) return fail(name, "must be 32 bytes encoded in base64 (the value is not base64)");
    const std::size_t size = bytes->size();
    if (size == key.size()) std::copy(bytes->begin(), bytes->end(), key.begin());
    sodium_memzero(bytes->data(), bytes->size());  // do not leave a copy of the key behind
    if (size != key.size())
        return fail(name, "must be 32 bytes encoded in base64 (got " + std::to_string(size) + " bytes)");
    return std::nullopt;
}

std::optional<ConfigError> read_number(const Environment& env, const char* name, std::uint64_t min,
                                       std::uint64_t max, std::uint64_t& out) {
    const auto value = env(name);
    if (!value) return std::nullopt;
    const auto number = parse_uint(*value);
    if (!number || *number < min || *number > max)
        return fail(name, "must be a whole number from " + std::to_string(min) + " to " +
                              std::to_string(max) + got(*value));
    out = *number;
    return std::nullopt;
}

std::vector<std::string_view> split_list(std::string_view text) {
    std::vector<std::string_view> items;
    while (!text.empty()) {
        const auto comma = text.find(',');
        auto item = text.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!item.empty()) items.push_back(item);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    }
    return items;
}

std::optional<std::chrono::seconds> parse_window(std::string_view text) {
    if (text.empty()) return std::nullopt;
    const char unit = text.back();
    const std::uint64_t scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
    const auto number = parse_uint(scale == 0 ? text : text.substr(0, text.size() - 1));
    if (!number || *number == 0 || *number > 366 * 86400) return std::nullopt;
    return std::chrono::seconds(*number * (scale == 0 ? 1 : scale));
}

std::optional<ConfigError> read_rate_limits(std::string_view text, Config& config) {
    constexpr const char* name = "GUICHET_RATE_LIMITS";
    Rules defaults;
    const auto known = [&](std::string_view n) {
        return std::ranges::any_of(defaults.limit_policies(), [&](const LimitPolicy* p) { return p->name == n; });
    };
    for (const auto item : split_list(text)) {
        if (item == "off") {
            for (const auto* p : defaults.request_rate_policies()) config.rate_limits.push_back({p->name, 0, p->window});
            continue;
        }
        const auto eq = item.find('=');
        const auto limit = item.substr(0, eq);
        if (eq == std::string_view::npos || !known(limit)) {
            std::string names;
            for (const auto* p : defaults.limit_policies()) names += (names.empty() ? "" : ", ") + p->name;
            return fail(name, "items are off or NAME=N/WINDOW (e.g. login=30/1m) with NAME one of " + names + got(item));
        }
        const auto value = item.substr(eq + 1);
        const auto policies = defaults.limit_policies();
        const auto* policy = *std::ranges::find_if(policies, [&](const LimitPolicy* p) { return p->name == limit; });
        // The abuse limits protect one member whatever the traffic (SPEC.md §2): tuned, never off.
        // An exact window keeps one time per event, so its quota stays small.
        if (policy->exact && (value == "off" || parse_uint(value.substr(0, value.find('/'))).value_or(1) == 0))
            return fail(name, std::string(limit) + " protects one member and cannot be turned off (tune it with " + std::string(limit) +
                                  "=N/WINDOW)" + got(item));
        if (value == "off") {
            config.rate_limits.push_back({std::string(limit), 0, std::chrono::seconds(60)});
            continue;
        }
        const auto slash = value.find('/');
        const auto quota = parse_uint(value.substr(0, slash));
        const auto window = slash == std::string_view::npos ? std::nullopt : parse_window(value.substr(slash + 1));
        if (!quota || *quota > 1000000000 || !window)
            return fail(name, "a limit is N/WINDOW, N a whole number, WINDOW such as 30s, 1m, 1h or 1d" + got(item));
        if (policy->exact && *quota > 1000) return fail(name, std::string(limit) + " allows at most 1000 events in its window" + got(item));
        config.rate_limits.push_back({std::string(limit), static_cast<int>(*quota), *window});
    }
    return std::nullopt;
}

// A bearer token callers send, compared in full: long enough not to be guessed, and fit for a
// header. Never quoted.
std::optional<ConfigError> read_token(const Environment& env, const char* name, std::optional<std::string>& out) {
    auto token = env(name);
    if (!token) return std::nullopt;
    if (has_space_or_control(*token)) return fail(name, "must not contain spaces or control characters");
    if (token->size() < 16) return fail(name, "must be at least 16 characters (got " + std::to_string(token->size()) + ")");
    out = std::move(*token);
    return std::nullopt;
}

// Origins as browsers write them in the Origin header: scheme://host[:port], nothing after, and
// without the default port (a browser never sends it, so such an entry would never match).
std::optional<ConfigError> read_cors_origins(std::string_view text, Config& config) {
    constexpr const char* name = "GUICHET_CORS_ORIGINS";
    for (const auto item : split_list(text)) {
        auto origin = ascii_lower(item);
        const auto parts = parse_url(origin, {"http", "https"});
        const auto host_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; };
        const bool bare = parts && !parts->has_userinfo &&
                          origin.substr(origin.find("://") + 3).find_first_of("/?#") == std::string::npos &&
                          (parts->host.starts_with('[') ? IpAddress::parse(parts->host.substr(1, parts->host.size() - 2)).has_value()
                                                        : std::ranges::all_of(parts->host, host_char));  // no wildcard
        if (!bare)
            return fail(name, "items are exact origins scheme://host[:port] without a path, e.g. https://espace.mgen.fr" + got(item));
        if ((parts->scheme == "https" && origin.ends_with(":443")) || (parts->scheme == "http" && origin.ends_with(":80")))
            return fail(name, "write an origin without its default port, as browsers send it" + got(item));
        config.cors_origins.push_back(std::move(origin));
    }
    return std::nullopt;
}

// The checks, in the order of SPEC.md §4; the first failure is reported.
std::optional<ConfigError> check(const Environment& env, ConfigNeeds needs, Config& config) {
    if (const auto listen = env("GUICHET_LISTEN"))
        if (auto error = read_listen(*listen, config)) return error;

    // Never quoted in messages: a connection URI usually holds a password.
    if (auto url = env("GUICHET_DATABASE_URL")) {
        const std::string_view text = *url;
        const bool uri = text.find("://") != std::string_view::npos;
        const bool valid = uri ? text.starts_with("postgresql://") || text.starts_with("postgres://")
                               : text.find('=') != std::string_view::npos;  // libpq "host=… dbname=…"
        if (!valid || has_control(text))
            return fail("GUICHET_DATABASE_URL",
                        "must be a PostgreSQL URI such as postgresql://user@localhost:5432/guichet");
        config.database_url = std::move(*url);
    } else {
        return fail("GUICHET_DATABASE_URL",
                    "is required: a PostgreSQL URI such as postgresql://user@localhost:5432/guichet");
    }

    if (auto url = env("GUICHET_PUBLIC_URL")) {
        const auto parts = parse_url(*url, {"http", "https"});
        if (!parts || parts->has_userinfo || parts->has_query_or_fragment)
            return fail("GUICHET_PUBLIC_URL",
                        "must be an http:// or https:// base URL without query, e.g. "
                        "https://espace.example.fr" + got(*url));
        while (url->ends_with('/')) url->pop_back();  // links are built as {PUBLIC_URL}/activation
        config.public_url = std::move(*url);
    }

    if (auto url = env("GUICHET_LOGIN_URL")) {
        const auto parts = parse_url(*url, {"http", "https"});
        if (!parts || parts->has_userinfo || url->find('#') != std::string::npos)
            return fail("GUICHET_LOGIN_URL", "must be the http:// or https:// address of the portal's login page, e.g. "
                                             "https://espace.example.fr/connexion" + got(*url));
        config.login_url = std::move(*url);
    }
    if (auto jwk = env("GUICHET_OIDC_SIGNING_KEY")) {
        // Checked when the key is loaded (infra/crypto/oidc_keys.cpp); never echoed.
        if (jwk->empty() || jwk->size() > 16384) return fail("GUICHET_OIDC_SIGNING_KEY", "must be an RSA private JWK (guichet generate-oidc-key)");
        config.oidc_signing_key = std::move(*jwk);
    }

    if (auto brand = env("GUICHET_BRAND")) {
        // Printed in SMS and email headers: a line break there would forge header lines.
        if (brand->find_first_not_of(' ') == std::string::npos || has_control(*brand) || brand->size() > 64)
            return fail("GUICHET_BRAND", "must be a non-blank name of at most 64 characters on one line");
        config.brand = std::move(*brand);
    }

    // SMTP and SMS values may embed credentials, so they are never quoted.
    if (auto url = env("GUICHET_SMTP_URL")) {
        if (!parse_url(*url, {"smtp", "smtps"}))
            return fail("GUICHET_SMTP_URL", "must be smtp://host:port or smtps://host:port");
        config.smtp_url = std::move(*url);
    }
    config.smtp_user = env("GUICHET_SMTP_USER");
    config.smtp_password = env("GUICHET_SMTP_PASSWORD");
    if (config.smtp_user && has_control(*config.smtp_user))
        return fail("GUICHET_SMTP_USER", "must be on one line without control characters");
    if (config.smtp_password && has_control(*config.smtp_password))
        return fail("GUICHET_SMTP_PASSWORD", "must be on one line without control characters");
    if (config.smtp_password && !config.smtp_user)
        return fail("GUICHET_SMTP_USER", "is required when GUICHET_SMTP_PASSWORD is set");
    if (config.smtp_user && !config.smtp_password)
        return fail("GUICHET_SMTP_PASSWORD", "is required when GUICHET_SMTP_USER is set");
    if (auto from = env("GUICHET_MAIL_FROM")) {
        if (from->find('@') == std::string::npos || has_control(*from) || from->size() > 254)
            return fail("GUICHET_MAIL_FROM",
                        "must be an email address, e.g. no-reply@example.fr" + got(*from));
        config.mail_from = std::move(*from);
    } else {
        const auto parts = parse_url(config.public_url, {"http", "https"});
        config.mail_from = "no-reply@" + std::string(parts ? parts->host : "localhost");
    }

    if (auto url = env("GUICHET_SMS_URL")) {
        if (!parse_url(*url, {"http", "https"}))
            return fail("GUICHET_SMS_URL", "must be an http:// or https:// URL");
        config.sms_url = std::move(*url);
    }
    if (auto token = env("GUICHET_SMS_TOKEN")) {
        if (has_space_or_control(*token))  // sent as an Authorization header
            return fail("GUICHET_SMS_TOKEN", "must not contain spaces or control characters");
        config.sms_token = std::move(*token);
    }

    // One token per kind of caller, so that each opens only its own routes (api/http/app.cpp).
    if (auto error = read_token(env, "GUICHET_ADMIN_TOKEN", config.admin_token)) return error;
    if (auto error = read_token(env, "GUICHET_PRINT_TOKEN", config.print_token)) return error;
    if (config.print_token && config.print_token == config.admin_token)
        return fail("GUICHET_PRINT_TOKEN", "must differ from GUICHET_ADMIN_TOKEN (one token, one kind of caller)");
    if (auto error = read_token(env, "GUICHET_METRICS_TOKEN", config.metrics_token)) return error;
    if (config.metrics_token && (config.metrics_token == config.admin_token || config.metrics_token == config.print_token))
        return fail("GUICHET_METRICS_TOKEN",
                    "must differ from GUICHET_ADMIN_TOKEN and GUICHET_PRINT_TOKEN (one token, one kind of caller)");

    if (auto error = read_key(env, "GUICHET_DATA_KEY", true, config.data_key)) return error;
    const bool serving = needs == ConfigNeeds::everything;
    if (auto error = read_key(env, "GUICHET_SIGNING_KEY", serving, config.signing_key)) return error;
    if (env("GUICHET_SIGNING_KEY") && config.signing_key == config.data_key)
        return fail("GUICHET_SIGNING_KEY", "must differ from GUICHET_DATA_KEY (one key, one purpose)");

    if (auto dir = env("GUICHET_MAIL_DIR")) config.mail_dir = std::move(*dir);
    if (auto file = env("GUICHET_SMS_FILE")) config.sms_file = std::move(*file);

    std::uint64_t number = config.max_body_bytes;
    if (auto error = read_number(env, "GUICHET_MAX_BODY_BYTES", 1024, 10485760, number)) return error;
    config.max_body_bytes = static_cast<std::size_t>(number);
    number = config.worker_threads;
    if (auto error = read_number(env, "GUICHET_WORKER_THREADS", 0, 1024, number)) return error;
    config.worker_threads = static_cast<unsigned>(number);
    number = config.hashing_threads;
    if (auto error = read_number(env, "GUICHET_HASHING_THREADS", 0, 256, number)) return error;
    config.hashing_threads = static_cast<unsigned>(number);
    number = config.db_pool_size;
    if (auto error = read_number(env, "GUICHET_DB_POOL_SIZE", 1, 256, number)) return error;
    config.db_pool_size = static_cast<std::size_t>(number);
    number = static_cast<std::uint64_t>(config.session_cache_ttl.count());
    if (auto error = read_number(env, "GUICHET_SESSION_CACHE_TTL_MS", 0, 60000, number)) return error;
    config.session_cache_ttl = std::chrono::milliseconds(number);

    // Delivery of the outbox (see domain/notifications/retry_policy.hpp for the defaults).
    number = config.outbox_workers;
    if (auto error = read_number(env, "GUICHET_OUTBOX_WORKERS", 0, 64, number)) return error;
    config.outbox_workers = static_cast<unsigned>(number);
    number = static_cast<std::uint64_t>(config.outbox_retry_base.count());
    if (auto error = read_number(env, "GUICHET_OUTBOX_RETRY_BASE_MS", 10, 20000, number)) return error;
    config.outbox_retry_base = std::chrono::milliseconds(number);
    number = static_cast<std::uint64_t>(config.outbox_poll.count());
    if (auto error = read_number(env, "GUICHET_OUTBOX_POLL_MS", 10, 60000, number)) return error;
    config.outbox_poll = std::chrono::milliseconds(number);
    number = static_cast<std::uint64_t>(config.outbox_lease.count());
    if (auto error = read_number(env, "GUICHET_OUTBOX_LEASE_SECONDS", 2, 3600, number)) return error;
    config.outbox_lease = std::chrono::seconds(number);
    number = config.outbox_batch;
    if (auto error = read_number(env, "GUICHET_OUTBOX_BATCH", 1, 1000, number)) return error;
    config.outbox_batch = static_cast<std::size_t>(number);

    number = static_cast<std::uint64_t>(config.shutdown_delay.count());
    if (auto error = read_number(env, "GUICHET_SHUTDOWN_DELAY_SECONDS", 0, 300, number)) return error;
    config.shutdown_delay = std::chrono::seconds(number);
    number = static_cast<std::uint64_t>(config.shutdown_grace.count());
    if (auto error = read_number(env, "GUICHET_SHUTDOWN_GRACE_SECONDS", 1, 3600, number)) return error;
    config.shutdown_grace = std::chrono::seconds(number);
    if (config.shutdown_grace <= config.shutdown_delay)
        return fail("GUICHET_SHUTDOWN_GRACE_SECONDS", "must be longer than GUICHET_SHUTDOWN_DELAY_SECONDS (" +
                                                          std::to_string(config.shutdown_delay.count()) + " s)");

    // Retention (domain/retention/retention.hpp).
    number = static_cast<std::uint64_t>(config.purge_interval.count());
    if (auto error = read_number(env, "GUICHET_PURGE_INTERVAL_SECONDS", 0, 86400, number)) return error;
    config.purge_interval = std::chrono::seconds(number);
    number = static_cast<std::uint64_t>(config.event_retention.count());
    if (auto error = read_number(env, "GUICHET_EVENT_RETENTION_DAYS", 30, 3650, number)) return error;
    config.event_retention = std::chrono::days(number);

    if (auto mode = env("GUICHET_IDENTIFIER_SWITCH")) {
        if (*mode != "required" && *mode != "offered") return fail("GUICHET_IDENTIFIER_SWITCH", "must be required or offered" + got(*mode));
        config.identifier_switch_required = *mode == "required";
    }

    if (auto limits = env("GUICHET_RATE_LIMITS"))
        if (auto error = read_rate_limits(*limits, config)) return error;
    if (auto proxies = env("GUICHET_TRUSTED_PROXIES")) {
        for (const auto item : split_list(*proxies)) {
            if (!Cidr::parse(item))
                return fail("GUICHET_TRUSTED_PROXIES", "must be comma-separated addresses or CIDR blocks, e.g. 10.0.0.0/8,::1" + got(item));
            config.trusted_proxies.emplace_back(item);
        }
    }

    if (auto origins = env("GUICHET_CORS_ORIGINS"))
        if (auto error = read_cors_origins(*origins, config)) return error;

    if (auto level = env("GUICHET_LOG_LEVEL")) {
        static constexpr std::string_view levels[] = {"trace", "debug", "info", "warn", "error"};
        if (std::find(std::begin(levels), std::end(levels), *level) == std::end(levels))
            return fail("GUICHET_LOG_LEVEL", "must be one of trace, debug, info, warn, error" + got(*level));
        config.log_level = std::move(*level);
    }
    return std::nullopt;
}

}  // namespace

std::expected<Config, ConfigError> load_config(const Getenv& getenv, ConfigNeeds needs) {
    const Environment env(getenv);
    Config config;
    if (auto error = check(env, needs, config)) {
        // Do not leave half-read keys in memory when start-up is abandoned.
        sodium_memzero(config.data_key.data(), config.data_key.size());
        sodium_memzero(config.signing_key.data(), config.signing_key.size());
        return std::unexpected(std::move(*error));
    }
    return config;
}

std::optional<std::string> process_getenv(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

}  // namespace guichet::infra
