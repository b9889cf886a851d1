// Test tool: enqueues messages through the Notifier port (one transaction each), as the flows
// of Guichet will, so end-to-end tests and benchmarks can load the outbox of a real database.
//   guichet_test_enqueue COUNT email|sms|letter RECIPIENT   (GUICHET_DATABASE_URL, GUICHET_DATA_KEY)
// Emails and SMS carry a security code (100000 + i, so each message is distinct); letters a
// temporary password.
#include <charconv>
#include <cstdlib>
#include <iostream>

#include "infra/config.hpp"
#include "infra/crypto/data_cipher.hpp"
#include "infra/postgres/pg_unit_of_work.hpp"

int main(int argc, char** argv) {
    using namespace guichet;
    if (argc != 4) {
        std::cerr << "usage: guichet_test_enqueue COUNT email|sms|letter RECIPIENT\n";
        return 2;
    }
    auto config = infra::load_config(infra::process_getenv, infra::ConfigNeeds::database_only);
    if (!config) {
        std::cerr << config.error().message << "\n";
        return 2;
    }
    const auto channel = channel_from(argv[2]);
    int count = 0;
    std::from_chars(argv[1], argv[1] + std::char_traits<char>::length(argv[1]), count);
    if (!channel || count <= 0) return 2;
    infra::DataCipher cipher(config->data_key);
    infra::ConnectionPool pool(config->database_url, 1);
    infra::PgUnitOfWork uow(pool, cipher);
    for (int i = 0; i < count; ++i) {
        const auto code = std::to_string(100000 + i);
        const auto message = *channel == Channel::letter
                                 ? OutgoingMessage{*channel, argv[3], MessageKind::temporary_password,
                                                   {{"password", "Tmp-" + code + "-xQ!"}, {"valid_for", "30 jours"}}}
                                 : OutgoingMessage{*channel, argv[3], MessageKind::security_code, {{"code", code}}};
        uow.run([&](Transaction& tx) { tx.notifier().enqueue(message); });
    }
    std::cout << count << " enqueued\n";
    return 0;
}
