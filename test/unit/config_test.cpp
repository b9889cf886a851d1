// Configuration from GUICHET_* variables (SPEC.md §4): defaults, every malformed value refused
// with one line that names the variable and never repeats a secret.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "infra/config.hpp"

using guichet::infra::Config;
using guichet::infra::ConfigError;
using guichet::infra::ConfigNeeds;
using guichet::infra::load_config;

namespace {

const std::string data_key_b64 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";     // bytes 1..32
const std::string signing_key_b64 = "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q=";  // bytes 101..132

using Env = std::map<std::string, std::string>;

Env minimal() {
    return {{"GUICHET_DATABASE_URL", "postgresql://guichet:s3cret-db@localhost:5432/guichet"},
            {"GUICHET_DATA_KEY", data_key_b64},
            {"GUICHET_SIGNING_KEY", signing_key_b64}};
}

std::expected<Config, ConfigError> load(const Env& env, ConfigNeeds needs = ConfigNeeds::everything) {
    return load_config(
        [&env](const char* name) -> std::optional<std::string> {
            const auto found = env.find(name);
            if (found == env.end()) return std::nullopt;
            return found->second;
        },
        needs);
}

// Loads env with one variable changed and expects a refusal that names it.
ConfigError refused(const std::string& variable, const std::string& value,
                    ConfigNeeds needs = ConfigNeeds::everything) {
    Env env = minimal();
    env[variable] = value;
    const auto result = load(env, needs);
    INFO(variable << "=" << value);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().variable == variable);
    CHECK(result.error().message.starts_with(variable + ": "));
    CHECK(result.error().message.find('\n') == std::string::npos);
    return result.error();
}

}  // namespace

TEST_CASE("config: the documented defaults apply when only the required variables are set", "[config]") {
    const auto config = load(minimal());
    REQUIRE(config.has_value());
    CHECK(config->listen_host == "127.0.0.1");
    CHECK(config->listen_port == 8080);
    CHECK(config->database_url == "postgresql://guichet:s3cret-db@localhost:5432/guichet");
    CHECK(config->public_url == "http://127.0.0.1:8080");
    CHECK(config->brand == "MGEN");
    CHECK_FALSE(config->smtp_url);
    CHECK_FALSE(config->smtp_user);
    CHECK_FALSE(config->smtp_password);
    CHECK(config->mail_from == "no-reply@127.0.0.1");
    CHECK_FALSE(config->sms_url);
    CHECK_FALSE(config->sms_token);
    CHECK_FALSE(config->admin_token);  // admin API disabled
    CHECK_FALSE(config->print_token);  // print queue disabled
    CHECK_FALSE(config->metrics_token);
    CHECK(config->cors_origins.empty());  // no CORS headers
    CHECK(config->mail_dir == "data/mail");
    CHECK(config->sms_file == "data/sms.log");
    CHECK(config->max_body_bytes == 65536);
    CHECK(config->worker_threads == 0);
    CHECK(config->hashing_threads == 0);
    CHECK(config->db_pool_size == 8);
    CHECK(config->purge_interval == std::chrono::minutes(5));
    CHECK(config->event_retention == std::chrono::days(400));  // issue 15: security events kept 400 days
    CHECK(config->log_level == "info");
    for (std::size_t i = 0; i < 32; ++i) {
        CHECK(config->data_key[i] == i + 1);
        CHECK(config->signing_key[i] == i + 101);
    }
}

TEST_CASE("config: every variable is read when set", "[config]") {
    Env env = minimal();
    env["GUICHET_LISTEN"] = "0.0.0.0:9090";
    env["GUICHET_PUBLIC_URL"] = "https://espace.mgen.fr/portail/";
    env["GUICHET_BRAND"] = "MSA";
    env["GUICHET_SMTP_URL"] = "smtps://smtp.example.fr:465";
    env["GUICHET_SMTP_USER"] = "mailer";
    env["GUICHET_SMTP_PASSWORD"] = "p4ss word";
    env["GUICHET_SMS_URL"] = "https://sms.example.fr/v1/messages";
    env["GUICHET_SMS_TOKEN"] = "sms-token-123";
    env["GUICHET_ADMIN_TOKEN"] = "0123456789abcdef";
    env["GUICHET_PRINT_TOKEN"] = "print-0123456789abcdef";
    env["GUICHET_METRICS_TOKEN"] = "metrics-0123456789abcdef";
    env["GUICHET_CORS_ORIGINS"] = "https://espace.mgen.fr, HTTPS://Appli.MGEN.fr:8443,http://localhost:3000";
    env["GUICHET_MAIL_DIR"] = "/var/lib/guichet/mail";
    env["GUICHET_SMS_FILE"] = "/var/lib/guichet/sms.log";
    env["GUICHET_MAX_BODY_BYTES"] = "1024";
    env["GUICHET_WORKER_THREADS"] = "4";
    env["GUICHET_HASHING_THREADS"] = "6";
    env["GUICHET_DB_POOL_SIZE"] = "256";
    env["GUICHET_PURGE_INTERVAL_SECONDS"] = "60";
    env["GUICHET_EVENT_RETENTION_DAYS"] = "730";
    env["GUICHET_LOG_LEVEL"] = "debug";
    const auto config = load(env);
    REQUIRE(config.has_value());
    CHECK(config->listen_host == "0.0.0.0");
    CHECK(config->listen_port == 9090);
    CHECK(config->public_url == "https://espace.mgen.fr/portail");  // trailing slash dropped
    CHECK(config->brand == "MSA");
    CHECK(config->smtp_url == "smtps://smtp.example.fr:465");
    CHECK(config->smtp_user == "mailer");
    CHECK(config->smtp_password == "p4ss word");
    CHECK(config->mail_from == "no-reply@espace.mgen.fr");  // host of the public URL
    CHECK(config->sms_url == "https://sms.example.fr/v1/messages");
    CHECK(config->sms_token == "sms-token-123");
    CHECK(config->admin_token == "0123456789abcdef");
    CHECK(config->print_token == "print-0123456789abcdef");
    CHECK(config->metrics_token == "metrics-0123456789abcdef");
    CHECK(config->cors_origins == std::vector<std::string>{"https://espace.mgen.fr", "https://appli.mgen.fr:8443", "http://localhost:3000"});
    CHECK(config->mail_dir == "/var/lib/guichet/mail");
    CHECK(config->sms_file == "/var/lib/guichet/sms.log");
    CHECK(config->max_body_bytes == 1024);
    CHECK(config->worker_threads == 4);
    CHECK(config->hashing_threads == 6);
    CHECK(config->db_pool_size == 256);
    CHECK(config->purge_interval == std::chrono::seconds(60));
    CHECK(config->event_retention == std::chrono::days(730));
    CHECK(config->log_level == "debug");

    env["GUICHET_MAIL_FROM"] = "Espace adhérent <ne-pas-repondre@mgen.fr>";
    env["GUICHET_LISTEN"] = "[::1]:8443";
    const auto other = load(env);
    REQUIRE(other.has_value());
    CHECK(other->mail_from == "Espace adhérent <ne-pas-repondre@mgen.fr>");
    CHECK(other->listen_host == "::1");
    CHECK(other->listen_port == 8443);
}

TEST_CASE("config: an empty value counts as unset", "[config]") {
    Env env = minimal();
    env["GUICHET_SMTP_URL"] = "";
    env["GUICHET_BRAND"] = "";
    env["GUICHET_ADMIN_TOKEN"] = "";
    const auto config = load(env);
    REQUIRE(config.has_value());
    CHECK_FALSE(config->smtp_url);
    CHECK(config->brand == "MGEN");
    CHECK_FALSE(config->admin_token);
}

TEST_CASE("config: GUICHET_LISTEN must be host:port with a port from 1 to 65535", "[config]") {
    CHECK(refused("GUICHET_LISTEN", "127.0.0.1:x").message.find("port") != std::string::npos);
    refused("GUICHET_LISTEN", "127.0.0.1:0");
    refused("GUICHET_LISTEN", "127.0.0.1:70000");
    refused("GUICHET_LISTEN", "127.0.0.1:-1");
    refused("GUICHET_LISTEN", "127.0.0.1:");
    refused("GUICHET_LISTEN", "127.0.0.1: 80");
    refused("GUICHET_LISTEN", "127.0.0.1:99999999999999999999999");
    CHECK(refused("GUICHET_LISTEN", "8080").message.find("host:port") != std::string::npos);
    refused("GUICHET_LISTEN", "localhost");
    refused("GUICHET_LISTEN", ":8080");
    refused("GUICHET_LISTEN", "::1:8080");  // IPv6 needs brackets
    refused("GUICHET_LISTEN", "[::1]8080");
    refused("GUICHET_LISTEN", "[]:8080");
    refused("GUICHET_LISTEN", "bad host:8080");
}

TEST_CASE("config: GUICHET_DATABASE_URL is required and never echoed", "[config]") {
    for (const auto needs : {ConfigNeeds::database_only, ConfigNeeds::everything}) {
        Env env = minimal();
        env.erase("GUICHET_DATABASE_URL");
        const auto result = load(env, needs);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().variable == "GUICHET_DATABASE_URL");
        CHECK(result.error().message.find("required") != std::string::npos);
    }
    const auto error = refused("GUICHET_DATABASE_URL", "mysql://root:hunter2@db/guichet");
    CHECK(error.message.find("hunter2") == std::string::npos);
    refused("GUICHET_DATABASE_URL", "just-a-word");
    const auto keywords = [] {
        Env env = minimal();
        env["GUICHET_DATABASE_URL"] = "host=/tmp dbname=guichet";
        return load(env);
    }();
    REQUIRE(keywords.has_value());
    CHECK(keywords->database_url == "host=/tmp dbname=guichet");
}

TEST_CASE("config: GUICHET_PUBLIC_URL must be an http(s) base URL", "[config]") {
    refused("GUICHET_PUBLIC_URL", "ftp://espace.mgen.fr");
    refused("GUICHET_PUBLIC_URL", "espace.mgen.fr");
    refused("GUICHET_PUBLIC_URL", "http://");
    refused("GUICHET_PUBLIC_URL", "https://:443");
    refused("GUICHET_PUBLIC_URL", "https://espace.mgen.fr:0");
    refused("GUICHET_PUBLIC_URL", "https://espace.mgen.fr:https");
    refused("GUICHET_PUBLIC_URL", "https://espace.mgen.fr/?x=1");  // links append /activation?token=
    refused("GUICHET_PUBLIC_URL", "https://espace.mgen.fr/#top");
    refused("GUICHET_PUBLIC_URL", "https://user:pw@espace.mgen.fr");
    refused("GUICHET_PUBLIC_URL", "https://espace mgen.fr");
    refused("GUICHET_PUBLIC_URL", "https://espace.mgen.fr\r\nX-Injected: 1");
}

TEST_CASE("config: GUICHET_BRAND must be a non-blank name on one line", "[config]") {
    refused("GUICHET_BRAND", "   ");
    refused("GUICHET_BRAND", "MGEN\r\nBcc: victim@example.fr");
    refused("GUICHET_BRAND", std::string(65, 'M'));
}

TEST_CASE("config: SMTP settings are checked and their secrets never echoed", "[config]") {
    CHECK(refused("GUICHET_SMTP_URL", "http://smtp.example.fr").message.find("smtp://") != std::string::npos);
    const auto with_credentials = refused("GUICHET_SMTP_URL", "imap://mailer:t0ps3cret@smtp.example.fr");
    CHECK(with_credentials.message.find("t0ps3cret") == std::string::npos);
    refused("GUICHET_SMTP_URL", "smtp://");
    refused("GUICHET_SMTP_URL", "smtp://smtp.example.fr:99999");

    // A password without a user (or the reverse) is a half-done configuration.
    {
        Env env = minimal();
        env["GUICHET_SMTP_PASSWORD"] = "t0ps3cret";
        const auto result = load(env);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().variable == "GUICHET_SMTP_USER");
        CHECK(result.error().message.find("t0ps3cret") == std::string::npos);
    }
    {
        Env env = minimal();
        env["GUICHET_SMTP_USER"] = "mailer";
        const auto result = load(env);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().variable == "GUICHET_SMTP_PASSWORD");
    }
    {
        Env env = minimal();
        env["GUICHET_SMTP_USER"] = "mailer";
        env["GUICHET_SMTP_PASSWORD"] = "line\nbreak-secret";
        const auto result = load(env);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().variable == "GUICHET_SMTP_PASSWORD");
        CHECK(result.error().message.find("break-secret") == std::string::npos);
    }
    refused("GUICHET_MAIL_FROM", "no-reply");
    refused("GUICHET_MAIL_FROM", "no-reply@mgen.fr\r\nBcc: x@y.z");
}

TEST_CASE("config: GUICHET_SMS_URL and GUICHET_SMS_TOKEN are checked without echo", "[config]") {
    const auto error = refused("GUICHET_SMS_URL", "ftp://sms.example.fr/?key=apikey-777");
    CHECK(error.message.find("apikey-777") == std::string::npos);
    refused("GUICHET_SMS_URL", "sms.example.fr");
    const auto token = refused("GUICHET_SMS_TOKEN", "tok en-888");  // goes into a header
    CHECK(token.message.find("en-888") == std::string::npos);
}

TEST_CASE("config: the back-office tokens must be at least 16 characters on one line, never echoed", "[config]") {
    for (const std::string variable : {"GUICHET_ADMIN_TOKEN", "GUICHET_PRINT_TOKEN", "GUICHET_METRICS_TOKEN"}) {
        INFO(variable);
        const auto error = refused(variable, "short-adm1n");
        CHECK(error.message.find("16") != std::string::npos);
        CHECK(error.message.find("short-adm1n") == std::string::npos);
        const auto spaced = refused(variable, "0123456789 abcdef-secret");
        CHECK(spaced.message.find("abcdef-secret") == std::string::npos);
        refused(variable, "0123456789abcdef\x01");
        Env env = minimal();
        env[variable] = std::string(16, 'a');
        CHECK(load(env).has_value());
    }
}

TEST_CASE("config: one token per kind of back-office caller", "[config]") {
    // The agents' token must not also be the print provider's (it would read the letters) nor a
    // scraper's (a leaked scraper configuration would reset passwords).
    Env env = minimal();
    env["GUICHET_ADMIN_TOKEN"] = "same-token-0123456789";
    env["GUICHET_PRINT_TOKEN"] = "same-token-0123456789";
    auto same = load(env);
    REQUIRE_FALSE(same.has_value());
    CHECK(same.error().variable == "GUICHET_PRINT_TOKEN");
    CHECK(same.error().message.find("same-token") == std::string::npos);
    env["GUICHET_PRINT_TOKEN"] = "print-token-0123456789";
    env["GUICHET_METRICS_TOKEN"] = "print-token-0123456789";
    same = load(env);
    REQUIRE_FALSE(same.has_value());
    CHECK(same.error().variable == "GUICHET_METRICS_TOKEN");
    env["GUICHET_METRICS_TOKEN"] = "same-token-0123456789";
    CHECK_FALSE(load(env).has_value());
    env["GUICHET_METRICS_TOKEN"] = "metrics-token-0123456789";
    CHECK(load(env).has_value());
}

TEST_CASE("config: GUICHET_CORS_ORIGINS lists exact origins, scheme://host[:port] and nothing more", "[config]") {
    for (const char* bad : {"*", "null", "espace.mgen.fr", "https://espace.mgen.fr/", "https://espace.mgen.fr/portail",
                            "https://espace.mgen.fr?x=1", "https://espace.mgen.fr#top", "ftp://espace.mgen.fr",
                            "https://user@espace.mgen.fr", "https://espace.mgen.fr:0", "https://espace.mgen.fr:70000",
                            "https://espace.mgen.fr:443", "http://espace.mgen.fr:80", "https://", "https://espace.mgen.fr,https://*.mgen.fr",
                            "https://[*]:8443"}) {
        const auto error = refused("GUICHET_CORS_ORIGINS", bad);
        CHECK(error.message.find("origin") != std::string::npos);
    }
    Env env = minimal();
    env["GUICHET_CORS_ORIGINS"] = "https://[::1]:8443,http://127.0.0.1:8080,https://espace.mgen.fr:8443";
    const auto config = load(env);
    REQUIRE(config.has_value());
    CHECK(config->cors_origins == std::vector<std::string>{"https://[::1]:8443", "http://127.0.0.1:8080", "https://espace.mgen.fr:8443"});
}

TEST_CASE("config: keys must be base64 of exactly 32 bytes, never echoed", "[config]") {
    for (const std::string variable : {"GUICHET_DATA_KEY", "GUICHET_SIGNING_KEY"}) {
        INFO(variable);
        const auto not_base64 = refused(variable, "not*base64*at*all");
        CHECK(not_base64.message.find("base64") != std::string::npos);
        CHECK(not_base64.message.find("not*base64*at*all") == std::string::npos);

        const std::string short_key = "AQIDBAUGBwgJCgsM";  // 12 bytes
        const auto twelve = refused(variable, short_key);
        CHECK(twelve.message == variable + ": must be 32 bytes encoded in base64 (got 12 bytes)");
        CHECK(twelve.message.find(short_key) == std::string::npos);

        const std::string key31 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==";
        CHECK(refused(variable, key31).message.find("got 31 bytes") != std::string::npos);
        const std::string key33 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAh";
        CHECK(refused(variable, key33).message.find("got 33 bytes") != std::string::npos);
    }
    // One key, one purpose: the token-signing seed must not be the data key.
    const auto same = refused("GUICHET_SIGNING_KEY", data_key_b64);
    CHECK(same.message.find("GUICHET_DATA_KEY") != std::string::npos);
    CHECK(same.message.find(data_key_b64) == std::string::npos);

    // Unpadded and URL-safe forms are the same bytes.
    Env env = minimal();
    env["GUICHET_DATA_KEY"] = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA";
    const auto config = load(env);
    REQUIRE(config.has_value());
    CHECK(config->data_key[31] == 32);
}

TEST_CASE("config: required keys depend on the subcommand", "[config]") {
    Env env = minimal();
    env.erase("GUICHET_SIGNING_KEY");
    // migrate and import-members do not sign tokens.
    CHECK(load(env, ConfigNeeds::database_only).has_value());
    const auto serve = load(env, ConfigNeeds::everything);
    REQUIRE_FALSE(serve.has_value());
    CHECK(serve.error().variable == "GUICHET_SIGNING_KEY");
    CHECK(serve.error().message.find("required") != std::string::npos);

    env = minimal();
    env.erase("GUICHET_DATA_KEY");
    for (const auto needs : {ConfigNeeds::database_only, ConfigNeeds::everything}) {
        const auto result = load(env, needs);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().variable == "GUICHET_DATA_KEY");
    }

    // A variable that is set is checked even when the subcommand does not need it.
    refused("GUICHET_SIGNING_KEY", "AQIDBAUGBwgJCgsM", ConfigNeeds::database_only);
    refused("GUICHET_LOG_LEVEL", "loud", ConfigNeeds::database_only);
}

TEST_CASE("config: numbers must be whole and within their range", "[config]") {
    refused("GUICHET_MAX_BODY_BYTES", "1023");
    refused("GUICHET_MAX_BODY_BYTES", "10485761");
    refused("GUICHET_MAX_BODY_BYTES", "64k");
    refused("GUICHET_MAX_BODY_BYTES", "-1");
    refused("GUICHET_MAX_BODY_BYTES", "+2048");
    refused("GUICHET_MAX_BODY_BYTES", "18446744073709551616");  // 2^64
    const auto error = refused("GUICHET_MAX_BODY_BYTES", "1e6");
    CHECK(error.message == "GUICHET_MAX_BODY_BYTES: must be a whole number from 1024 to 10485760 (got \"1e6\")");
    refused("GUICHET_WORKER_THREADS", "-2");
    refused("GUICHET_WORKER_THREADS", "1025");
    refused("GUICHET_WORKER_THREADS", "auto");
    refused("GUICHET_HASHING_THREADS", "257");
    refused("GUICHET_HASHING_THREADS", "-1");
    refused("GUICHET_DB_POOL_SIZE", "0");
    refused("GUICHET_DB_POOL_SIZE", "257");
    refused("GUICHET_DB_POOL_SIZE", " 8");
    refused("GUICHET_SESSION_CACHE_TTL_MS", "60001");
    refused("GUICHET_SESSION_CACHE_TTL_MS", "5s");
    refused("GUICHET_PURGE_INTERVAL_SECONDS", "86401");
    refused("GUICHET_PURGE_INTERVAL_SECONDS", "5m");
    refused("GUICHET_EVENT_RETENTION_DAYS", "29");  // events must outlive the month an agent may need to look back
    refused("GUICHET_EVENT_RETENTION_DAYS", "3651");
    refused("GUICHET_EVENT_RETENTION_DAYS", "0");
    refused("GUICHET_IDENTIFIER_SWITCH", "optional");
    refused("GUICHET_IDENTIFIER_SWITCH", "Required");

    Env env = minimal();
    env["GUICHET_MAX_BODY_BYTES"] = "10485760";
    env["GUICHET_WORKER_THREADS"] = "0";
    env["GUICHET_HASHING_THREADS"] = "0";
    env["GUICHET_DB_POOL_SIZE"] = "1";
    env["GUICHET_SESSION_CACHE_TTL_MS"] = "0";  // no cache
    env["GUICHET_PURGE_INTERVAL_SECONDS"] = "0";  // this process does not purge
    env["GUICHET_EVENT_RETENTION_DAYS"] = "30";
    env["GUICHET_IDENTIFIER_SWITCH"] = "offered";
    const auto config = load(env);
    REQUIRE(config.has_value());
    CHECK(config->max_body_bytes == 10485760);
    CHECK(config->worker_threads == 0);
    CHECK(config->hashing_threads == 0);
    CHECK(config->db_pool_size == 1);
    CHECK(config->session_cache_ttl.count() == 0);
    CHECK(config->purge_interval.count() == 0);
    CHECK(config->event_retention == std::chrono::days(30));
    CHECK(load(minimal())->session_cache_ttl == std::chrono::seconds(5));
    CHECK_FALSE(config->identifier_switch_required);
    CHECK(load(minimal())->identifier_switch_required);  // seed 002: the NIR may no longer identify members
}

TEST_CASE("config: a shutdown's delay and grace, the grace longer", "[config]") {
    CHECK(load(minimal())->shutdown_delay == std::chrono::seconds(5));
    CHECK(load(minimal())->shutdown_grace == std::chrono::seconds(25));
    refused("GUICHET_SHUTDOWN_DELAY_SECONDS", "301");
    refused("GUICHET_SHUTDOWN_GRACE_SECONDS", "0");
    const auto error = refused("GUICHET_SHUTDOWN_GRACE_SECONDS", "5");  // not longer than the default delay
    CHECK(error.message.find("longer than GUICHET_SHUTDOWN_DELAY_SECONDS") != std::string::npos);
    Env env = minimal();
    env["GUICHET_SHUTDOWN_DELAY_SECONDS"] = "0";  // no load balancer in front
    env["GUICHET_SHUTDOWN_GRACE_SECONDS"] = "3";
    const auto config = load(env);
    REQUIRE(config.has_value());
    CHECK(config->shutdown_delay.count() == 0);
    CHECK(config->shutdown_grace.count() == 3);
}

TEST_CASE("config: GUICHET_LOG_LEVEL is one of the five levels", "[config]") {
    for (const std::string level : {"trace", "debug", "info", "warn", "error"}) {
        Env env = minimal();
        env["GUICHET_LOG_LEVEL"] = level;
        const auto config = load(env);
        REQUIRE(config.has_value());
        CHECK(config->log_level == level);
    }
    CHECK(refused("GUICHET_LOG_LEVEL", "verbose").message.find("trace, debug, info, warn, error") !=
          std::string::npos);
    refused("GUICHET_LOG_LEVEL", "INFO");
    refused("GUICHET_LOG_LEVEL", "warning");
}
