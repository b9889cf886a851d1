// guichet: the composition root. The only file that knows every concrete type: it reads the
// configuration, builds the adapters and hands them to the use cases and the HTTP layer.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <pqxx/except>
#include <thread>

#include "api/http/app.hpp"
#include "api/http/server.hpp"
#include "api/log.hpp"
#include "api/routes/routes.hpp"
#include "infra/config.hpp"
#include "infra/crypto/argon2_hasher.hpp"
#include "infra/crypto/data_cipher.hpp"
#include "infra/crypto/jwt_signer.hpp"
#include "infra/crypto/oidc_keys.hpp"
#include "infra/crypto/sodium_random.hpp"
#include "infra/delivery/http_sms_sender.hpp"
#include "infra/delivery/local_senders.hpp"
#include "infra/delivery/smtp_sender.hpp"
#include "infra/flows/json_flow_data.hpp"
#include "infra/csv/member_csv.hpp"
#include "infra/postgres/migrations.hpp"
#include "infra/postgres/pg_outbox.hpp"
#include "infra/postgres/pg_purger.hpp"
#include "infra/postgres/pg_readiness_probe.hpp"
#include "infra/postgres/pg_unit_of_work.hpp"
#include "infra/postgres/pool.hpp"
#include "infra/system_clock.hpp"
#include "service/accounts/account_import.hpp"
#include "service/delivery/dispatcher.hpp"
#include "service/flows/flows.hpp"
#include "service/registration/registration.hpp"
#include "service/sessions/sessions.hpp"
#include "service/recovery/recovery.hpp"
#include "service/unlock/unlock.hpp"
#include "service/identifier_switch/identifier_switch.hpp"
#include "service/oidc/provider.hpp"
#include "service/members/member_import.hpp"
#include "service/passwords/password_change.hpp"
#include "service/personalisation/contact_details.hpp"
#include "service/passwords/password_strength.hpp"
#include "service/retention/purge.hpp"

namespace {

using namespace guichet;

constexpr int kExitFailure = 1;
constexpr int kExitConfig = 2;

int usage(std::ostream& out, int code) {
    out << "usage: guichet <command>\n"
           "  serve                      serve the HTTP API on GUICHET_LISTEN\n"
           "  migrate                    apply pending database migrations\n"
           "  import-members FILE.csv    upsert member records (all or nothing)\n"
           "  purge                      delete now what retention no longer keeps (docs/SECURITY.md)\n"
           "  generate-oidc-key          print a new RS256 private JWK for GUICHET_OIDC_SIGNING_KEY\n"
           "Configuration: GUICHET_* environment variables (see README.md).\n";
    return code;
}

std::optional<std::string> from_environment(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

std::optional<infra::Config> configuration(infra::ConfigNeeds needs) {
    auto config = infra::load_config(from_environment, needs);
    if (!config) {
        std::cerr << "guichet: configuration error: " << config.error().message << "\n";
        return std::nullopt;
    }
    return *config;
}

int run_migrate(const infra::Config& config) {
    const auto report = infra::migrate(config.database_url, infra::embedded_migrations());
    for (const auto& name : report.applied) std::cout << "applied " << name << "\n";
    std::cout << "database at version " << report.current_version << "\n";
    return 0;
}

int run_import(const infra::Config& config, const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::cerr << "guichet: cannot read " << file << "\n";
        return kExitFailure;
    }
    auto records = infra::read_member_csv(in);
    if (!records) {
        std::cerr << file << ":" << records.error().line << ": " << records.error().message << "\n";
        return kExitFailure;
    }
    infra::DataCipher cipher(config.data_key);
    infra::ConnectionPool pool(config.database_url, 1);
    infra::PgUnitOfWork uow(pool, cipher);
    infra::SystemClock clock;
    MemberImport import(uow, clock);
    // Whoever can run the command on the host is the operator; the event says it came from here.
    auto result = import.run("command-line", *records);
    if (!result) {
        for (const auto& e : result.error())
            std::cerr << file << ":" << e.position << ": " << e.field << ": " << to_string(e.code)
                      << (e.detail.empty() ? "" : " (" + e.detail + ")") << "\n";
        std::cerr << "guichet: " << result.error().size() << " invalid row(s); nothing was imported\n";
        return kExitFailure;
    }
    std::cout << "members: " << result->created << " created, " << result->updated << " updated, "
              << result->unchanged << " unchanged\n";
    return 0;
}

// Retention (domain/retention/retention.hpp): the one number of it that is configured.
Rules rules_from(const infra::Config& config) {
    Rules rules;
    rules.retention.security_events = config.event_retention;
    return rules;
}

int run_purge(const infra::Config& config) {
    const Rules rules = rules_from(config);
    infra::ConnectionPool pool(config.database_url, 1);
    infra::PgPurger purger(pool, rules.lockout);
    infra::SystemClock clock;
    Purge purge(purger, clock, rules.retention);
    // A `guichet serve` purging now ends within its batches: wait for it rather than fail.
    for (int waited = 0; waited <= 60; ++waited) {
        if (waited > 0) std::this_thread::sleep_for(std::chrono::seconds(1));
        const auto started = std::chrono::steady_clock::now();
        const auto counts = purge.run();
        if (!counts) {
            if (waited == 0) std::cerr << "guichet: another process is purging this database; waiting for it\n";
            continue;
        }
        for (const auto kind : kPurgeKinds)
            std::cout << to_string(kind) << " (" << infra::PgPurger::table_of(kind) << "): " << (*counts)[kind] << "\n";
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        std::cout << "purged " << counts->total() << " rows in " << took.count() << " s\n";
        return 0;
    }
    std::cerr << "guichet: another process is still purging this database after 60 s; try again later\n";
    return kExitFailure;
}

// GUICHET_RATE_LIMITS over the defaults of SPEC.md §2 (names checked by infra/config.cpp).
void apply_limit_overrides(Rules& rules, const std::vector<infra::LimitOverride>& overrides) {
    for (const auto& o : overrides)
        for (auto* policy : rules.limit_policies())
            if (policy->name == o.name) {
                policy->quota = o.quota;
                policy->window = o.window;
                // A leased policy leases 1 % of its quota, at most 100 events (domain/rules.hpp); the
                // others stay exact.
                if (policy->lease > 1) policy->lease = std::clamp(o.quota / 100, 1, 100);
            }
}

// What /metrics reads from the parts the API does not see: the security events committed (logins
// failed, lockouts...), the database pool, the session cache, and which build this is.
void add_process_metrics(api::Metrics& metrics, infra::ConnectionPool& pool, const infra::SessionCache* cache,
                         const SecurityEventCounters& events) {
    using api::counter_family;
    using api::gauge_family;
    metrics.add_collector([&pool, cache, &events] {
        api::Samples by_kind;
        for (std::size_t i = 0; i < SecurityEventCounters::kinds; ++i)
            by_kind.push_back({{{"kind", std::string(to_string(static_cast<SecurityEventKind>(i)))}},
                               static_cast<double>(events.by_kind[i].load())});
        const auto p = pool.stats();
        return std::vector{
            counter_family("guichet_security_events_total", "Security events committed by this process, by kind (lockouts: account_locked).",
                           by_kind),
            gauge_family("guichet_db_pool_connections", "PostgreSQL connections of the pool, by state.",
                         {{{{"state", "in_use"}}, static_cast<double>(p.in_use)},
                          {{{"state", "idle"}}, static_cast<double>(p.open - p.in_use)}}),
            gauge_family("guichet_db_pool_size", "Most connections the pool opens (GUICHET_DB_POOL_SIZE).", {{{}, static_cast<double>(p.size)}}),
            counter_family("guichet_db_pool_waits_total", "Units of work that found every connection in use and waited.",
                           {{{}, static_cast<double>(p.waits)}}),
            counter_family("guichet_db_pool_wait_seconds_total", "Time those units of work waited for a connection.", {{{}, p.wait_seconds}}),
            counter_family("guichet_session_cache_lookups_total", "Reads of a live session or profile, served from memory (hit) or not.",
                           {{{{"result", "hit"}}, cache ? static_cast<double>(cache->hits()) : 0.0},
                            {{{"result", "miss"}}, cache ? static_cast<double>(cache->misses()) : 0.0}}),
            gauge_family("guichet_build_info", "The build of this process (always 1).",
                         {{{{"version", GUICHET_VERSION}, {"commit", GUICHET_COMMIT}}, 1.0}}),
        };
    });
}

// The convention of Kubernetes and load balancers: not ready at once, still serving during the
// delay (a second signal cuts it short: Ctrl-C twice), then no new connection, the requests in
// flight finished (hashes included), the delivery threads' sends finished and their claims
// released, the purge stopped between two batches; all within the grace, or the process exits 1 at its end.
int stop_gracefully(int signal, const sigset_t& signals, const infra::Config& config, Lifecycle& lifecycle,
                    api::HttpServer& server, DispatchLoop* delivery, PurgeLoop* purging) {
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + config.shutdown_grace;
    lifecycle.stopping = true;
    api::log_json(spdlog::level::info, {{"event", "stopping"}, {"signal", signal}, {"delay_s", config.shutdown_delay.count()},
                                        {"grace_s", config.shutdown_grace.count()}});
    std::thread watchdog([deadline] {
        std::this_thread::sleep_until(deadline);
        api::log_json(spdlog::level::err, {{"event", "stop_timeout"}, {"detail", "GUICHET_SHUTDOWN_GRACE_SECONDS reached"}});
        std::_Exit(kExitFailure);
    });
    watchdog.detach();

    const auto delay = config.shutdown_delay;
    const timespec wait{static_cast<time_t>(delay.count()), 0};
    if (delay.count() > 0 && sigtimedwait(&signals, nullptr, &wait) > 0)
        api::log_json(spdlog::level::info, {{"event", "stopping"}, {"detail", "second signal: delay cut short"}});
    server.stop_accepting();
    if (delivery) delivery->request_stop();
    const bool idle = server.wait_idle(deadline);
    server.stop();
    if (delivery) delivery->stop();
    if (purging) purging->stop();  // ends between two batches
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    api::log_json(spdlog::level::info, {{"event", "stopped"}, {"idle", idle}, {"duration_ms", took.count()}});
    return 0;
}

int run_serve(const infra::Config& config) {
    spdlog::set_pattern("%v");
    spdlog::set_level(spdlog::level::from_str(config.log_level));

    // Signals are blocked before any thread starts, so only sigwait below receives them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    infra::DataCipher cipher(config.data_key);
    infra::ConnectionPool pool(config.database_url, config.db_pool_size);
    pool.warm_up();  // a wrong URL or a statement that does not prepare stops start-up here
    // Live sessions are kept in memory while a listener hears every change (session_cache.hpp).
    std::optional<infra::SessionCache> session_cache;
    std::optional<infra::CacheInvalidation> cache_invalidation;
    if (config.session_cache_ttl.count() > 0) {
        session_cache.emplace(20000, config.session_cache_ttl);
        cache_invalidation.emplace(config.database_url, *session_cache, [](const std::string& state) {
            api::log_json(state == "listening" ? spdlog::level::info : spdlog::level::warn, {{"event", "session_cache"}, {"state", state}});
        });
        cache_invalidation->wait_listening(std::chrono::seconds(5));
    }
    // The rules of SPEC.md §2, one object for every use case (domain/rules.hpp).
    Rules rules = rules_from(config);
    rules.sessions.identifier_switch_required = config.identifier_switch_required;
    apply_limit_overrides(rules, config.rate_limits);
    infra::LimitMemory limit_memory;  // refusals and leases this process knows (limit_memory.hpp)
    SecurityEventCounters event_counters;
    infra::PgUnitOfWork uow(pool, cipher, rules.lockout, session_cache ? &*session_cache : nullptr, &limit_memory, &event_counters);
    api::Metrics metrics;
    add_process_metrics(metrics, pool, session_cache ? &*session_cache : nullptr, event_counters);
    infra::PgReadinessProbe readiness(pool);
    infra::SystemClock clock;

    // Delivery: SMTP and the SMS provider when configured, local files otherwise (./scripts/run).
    const BrandSettings brand{config.brand, config.public_url};
    std::unique_ptr<MessageSender> email_sender, sms_sender;
    if (config.smtp_url)
        email_sender = std::make_unique<infra::SmtpSender>(
            infra::SmtpSettings{*config.smtp_url, config.smtp_user, config.smtp_password, config.mail_from});
    else
        email_sender = std::make_unique<infra::MailboxDirSender>(config.mail_dir, config.mail_from);
    if (config.sms_url)
        sms_sender = std::make_unique<infra::HttpSmsSender>(infra::SmsSettings{*config.sms_url, config.sms_token, config.brand});
    else
        sms_sender = std::make_unique<infra::SmsFileSender>(config.sms_file, config.brand);
    infra::PgOutbox outbox(pool, cipher);
    DeliveryCounters delivery_counters;
    RetryPolicy retry;
    retry.base = config.outbox_retry_base;
    const auto at = config.mail_from.find('@');
    Dispatcher dispatcher(outbox, {{Channel::email, email_sender.get()}, {Channel::sms, sms_sender.get()}},
                          DispatcherSettings{brand, retry, at == std::string::npos ? "guichet.invalid" : config.mail_from.substr(at + 1),
                                             config.outbox_lease, config.outbox_batch},
                          delivery_counters, rules);

    PasswordStrengthCheck password_strength{PasswordPolicy{}};
    MemberImport member_import(uow, clock);
    const infra::Argon2idHasher hasher;  // m=19456 KiB, t=2, p=1
    infra::SodiumRandom random;
    AccountImport account_import(uow, hasher, random, clock);
    const infra::JwtSigner signer(infra::SigningKey{.kid = "", .seed = config.signing_key}, config.public_url);
    // OpenID Connect: id_tokens RS256 (GUICHET_OIDC_SIGNING_KEY), access tokens EdDSA with the API's key.
    const infra::JwsSigner oidc_access_signer(infra::signing_key_from_seed(config.signing_key));
    if (!config.oidc_signing_key)
        api::log_json(spdlog::level::warn, {{"event", "oidc_key_generated"},
                                       {"detail", "GUICHET_OIDC_SIGNING_KEY unset: id_tokens signed with a key made now, "
                                                  "which other processes and the next start will not know"}});
    const infra::OidcKeys oidc_keys(config.oidc_signing_key.value_or(infra::generate_rsa_jwk()), oidc_access_signer);
    const auto jwks = oidc_keys.jwks();
    Sessions sessions(uow, hasher, signer, random, clock, rules);
    const infra::JsonFlowDataCodec flow_codec;
    Flows flows(uow, clock, flow_codec);
    // Each flow type, once built, is served by the flow routes (service/flows/flow_type.hpp).
    Registration registration(uow, flows, hasher, password_strength, random, clock, rules);
    PasswordChange password_change(uow, hasher, password_strength, sessions, clock, rules);
    ContactDetails contact_details(uow, sessions, hasher, random, clock, rules);
    Unlock unlock(uow, flows, hasher, random, clock, rules);
    const infra::BlindDigest digest(cipher);
    Recovery recovery(uow, flows, hasher, random, digest, clock, rules);
    AgentActions agent_actions(uow, hasher, random, clock, rules);
    IdentifierSwitch identifier_switch(uow, flows, sessions, hasher, password_strength, random, clock, rules, config.brand);
    OutboxActions outbox_actions(uow);
    OidcProvider oidc(uow, clock, random, sessions, oidc_keys, OidcSettings{config.public_url, config.login_url});
    Lifecycle lifecycle;
    // Retention: what is due goes every GUICHET_PURGE_INTERVAL_SECONDS, one process at a time, on
    // a connection of its own (opened at the first purge) that holds the purge's advisory lock,
    // so that a long purge takes none of the requests' connections.
    infra::ConnectionPool purge_pool(config.database_url, 1);
    infra::PgPurger purger(purge_pool, rules.lockout);
    Purge purge(purger, clock, rules.retention);
    api::Services services{.readiness = readiness,
                           .lifecycle = lifecycle,
                           .metrics = metrics,
                           .password_strength = password_strength,
                           .member_import = member_import,
                           .outbox = outbox,
                           .delivery_counters = delivery_counters,
                           .brand = brand,
                           .account_import = account_import,
                           .sessions = sessions,
                           .jwks = jwks,
                           .flows = flows,
                           .registration = registration,
                           .password_change = password_change,
                           .contact_details = contact_details,
                           .agent_actions = agent_actions,
                           .identifier_switch = identifier_switch,
                           .outbox_actions = outbox_actions,
                           .oidc = oidc};
    std::vector<Cidr> trusted_proxies;
    for (const auto& cidr : config.trusted_proxies) trusted_proxies.push_back(*Cidr::parse(cidr));
    const api::RequestLimits request_limits(uow, clock, rules.rates, std::move(trusted_proxies));
    api::HttpApp app(api::build_router(services), api::AppOptions{.max_body_bytes = config.max_body_bytes,
                                                                  .admin_token = config.admin_token,
                                                                  .limits = &request_limits,
                                                                  .print_token = config.print_token,
                                                                  .metrics_token = config.metrics_token,
                                                                  .cors_origins = config.cors_origins});
    api::ServerOptions server_options{config.listen_host, config.listen_port, 2, config.worker_threads, 1024};
    server_options.hashing_threads = config.hashing_threads;
    api::HttpServer server(app, server_options, metrics);
    server.start();
    std::optional<DispatchLoop> delivery;
    if (config.outbox_workers > 0)
        delivery.emplace(
            dispatcher, config.outbox_workers, config.outbox_poll,
            [](const DeliveryEvent& e) {
                api::log_json(e.status == MessageStatus::sent ? spdlog::level::info : spdlog::level::warn,
                              {{"event", "delivery"},
                               {"message_id", e.id},
                               {"trace_id", e.trace_id},
                               {"channel", to_string(e.channel)},
                               {"outcome", e.status == MessageStatus::pending ? "retry" : to_string(e.status)},
                               {"error", e.error}});
            },
            [](const std::string& error) { api::log_json(spdlog::level::warn, {{"event", "delivery_error"}, {"error", error}}); });
    std::optional<PurgeLoop> purging;
    if (config.purge_interval.count() > 0)
        purging.emplace(
            purge, config.purge_interval, std::chrono::milliseconds(10),
            [](const PurgeReport& report) {
                nlohmann::json line{{"event", "purge"}, {"rows", report.counts.total()}, {"ms", report.took.count()}};
                for (const auto kind : kPurgeKinds) line[std::string(to_string(kind))] = report.counts[kind];
                api::log_json(spdlog::level::info, std::move(line));
            },
            [](const std::string& error) { api::log_json(spdlog::level::warn, {{"event", "purge_error"}, {"error", error}}); });
    api::log_json(spdlog::level::info, {{"event", "listening"},
                                        {"url", "http://" + config.listen_host + ":" + std::to_string(server.port())},
                                        {"admin_api", config.admin_token.has_value()},
                                        {"print_api", config.print_token.has_value()},
                                        {"cors_origins", config.cors_origins.size()},
                                        {"email", config.smtp_url ? "smtp" : "files in " + config.mail_dir},
                                        {"sms", config.sms_url ? "provider" : "lines in " + config.sms_file},
                                        {"delivery_workers", config.outbox_workers}});

    int received = 0;
    sigwait(&signals, &received);
    return stop_gracefully(received, signals, config, lifecycle, server, delivery ? &*delivery : nullptr,
                           purging ? &*purging : nullptr);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage(std::cerr, kExitConfig);
    const std::string command = argv[1];
    try {
        if (command == "serve" && argc == 2) {
            auto config = configuration(infra::ConfigNeeds::everything);
            return config ? run_serve(*config) : kExitConfig;
        }
        if (command == "migrate" && argc == 2) {
            auto config = configuration(infra::ConfigNeeds::database_only);
            return config ? run_migrate(*config) : kExitConfig;
        }
        if (command == "purge" && argc == 2) {
            auto config = configuration(infra::ConfigNeeds::database_only);
            return config ? run_purge(*config) : kExitConfig;
        }
        if (command == "import-members" && argc == 3) {
            auto config = configuration(infra::ConfigNeeds::database_only);
            return config ? run_import(*config, argv[2]) : kExitConfig;
        }
        if (command == "generate-oidc-key" && argc == 2) {  // an RS256 private JWK for GUICHET_OIDC_SIGNING_KEY
            std::cout << infra::generate_rsa_jwk() << '\n';
            return 0;
        }
        if (command == "--help" || command == "help") return usage(std::cout, 0);
        return usage(std::cerr, kExitConfig);
    } catch (const Unavailable& e) {
        std::cerr << "guichet: database unavailable: " << e.what() << "\n";
    } catch (const pqxx::broken_connection& e) {
        std::cerr << "guichet: cannot connect to the database (GUICHET_DATABASE_URL): " << e.what() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "guichet: " << e.what() << "\n";
    }
    return kExitFailure;
}
