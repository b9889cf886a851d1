#pragma once
// Every use case the API calls, built over the in-memory fakes, as app/main.cpp builds them over
// the real adapters: the one test root of the API layer.
#include "api/routes/routes.hpp"
#include "infra/crypto/jwt_signer.hpp"
#include "infra/crypto/oidc_keys.hpp"
#include "infra/flows/json_flow_data.hpp"
#include "service/identifier_switch/identifier_switch.hpp"
#include "service/recovery/recovery.hpp"
#include "service/unlock/unlock.hpp"
#include "support/fakes.hpp"

namespace guichet::testing {

struct ServiceGraph {
    FakeReadiness readiness;
    Lifecycle lifecycle;
    api::Metrics metrics;
    FakeUnitOfWork uow;
    FixedClock clock = test_clock();
    PasswordStrengthCheck strength{PasswordPolicy{}};
    MemberImport member_import{uow, clock};
    FakeOutboxAdmin outbox{uow.outbox_rows()};
    DeliveryCounters counters;
    BrandSettings brand;
    SequenceRandom random;
    PlainHasher hasher;
    AccountImport account_import{uow, hasher, random, clock};
    infra::JwtSigner signer{infra::SigningKey{.kid = "", .seed = {7}}, "http://127.0.0.1:8080"};
    Sessions sessions{uow, hasher, signer, random, clock, test_rules()};
    // One RSA key for every graph of the process (making one takes tens of milliseconds).
    static const std::string& rsa_jwk() {
        static const std::string jwk = infra::generate_rsa_jwk();
        return jwk;
    }
    infra::JwsSigner oidc_access_signer{infra::signing_key_from_seed({7})};
    infra::OidcKeys oidc_keys{rsa_jwk(), oidc_access_signer};
    nlohmann::json jwks = oidc_keys.jwks();
    infra::JsonFlowDataCodec flow_codec;
    Flows flows{uow, clock, flow_codec};
    Registration registration{uow, flows, hasher, strength, random, clock, test_rules()};
    PasswordChange password_change{uow, hasher, strength, sessions, clock, test_rules()};
    ContactDetails contact_details{uow, sessions, hasher, random, clock, test_rules()};
    Unlock unlock{uow, flows, hasher, random, clock, test_rules()};
    FakeDigest digest;
    Recovery recovery{uow, flows, hasher, random, digest, clock, test_rules()};
    AgentActions agent_actions{uow, hasher, random, clock, test_rules()};
    IdentifierSwitch identifier_switch{uow, flows, sessions, hasher, strength, random, clock, test_rules(), "MGEN"};
    OutboxActions outbox_actions{uow};
    OidcProvider oidc{uow, clock, random, sessions, oidc_keys, OidcSettings{"http://127.0.0.1:8080", "https://espace.exemple.fr/connexion"}};
    api::Services services{.readiness = readiness,
                           .lifecycle = lifecycle,
                           .metrics = metrics,
                           .password_strength = strength,
                           .member_import = member_import,
                           .outbox = outbox,
                           .delivery_counters = counters,
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
};

}  // namespace guichet::testing
