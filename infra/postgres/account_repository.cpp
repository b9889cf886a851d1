#include "infra/postgres/account_repository.hpp"

#include <pqxx/binarystring>
#include <pqxx/result>

#include "infra/postgres/account_sql.hpp"

namespace guichet::infra {

namespace {
pqxx::binarystring bytes(const std::string& s) { return pqxx::binarystring(s.data(), s.size()); }
}  // namespace

std::optional<AccountId> PgAccountRepository::create_legacy(const LegacyAccount& a) {
    const auto expires = a.temporary_password_expires_at
                             ? std::optional<double>(std::chrono::duration<double>(
                                                         a.temporary_password_expires_at->time_since_epoch())
                                                         .count())
                             : std::nullopt;
    const auto expires_text = expires ? std::optional<std::string>(std::to_string(*expires)) : std::nullopt;
    const auto result = tx_.exec_prepared(account_sql::create_legacy.name, bytes(cipher_.blind_index(a.nir.value())),
                                          a.nir_password_hash ? a.nir_password_hash->c_str() : nullptr,
                                          a.password_is_temporary, expires_text ? expires_text->c_str() : nullptr,
                                          a.has_logged_in);
    if (result.empty()) return std::nullopt;
    return result[0][0].as<AccountId>();
}

std::string PgLoginThrottle::index(const IdentifierKey& key) const { return cipher_.blind_index("login:" + key.normalised); }

int PgLoginThrottle::count_attempt(const IdentifierKey& key) {
    return tx_.exec_prepared1(throttle_sql::count_attempt.name, bytes(index(key)), policy_.max_failures + 1)[0].as<int>();
}

void PgLoginThrottle::clear_unless_locked(const IdentifierKey& key) {
    tx_.exec_prepared(throttle_sql::clear_unless_locked.name, bytes(index(key)), policy_.max_failures);
}

void PgLoginThrottle::set_locked(const IdentifierKey& key, bool locked) {
    tx_.exec_prepared(throttle_sql::set_failures.name, bytes(index(key)), locked ? policy_.max_failures : 0);
}

bool PgLoginThrottle::is_locked(const IdentifierKey& key) {
    const auto result = tx_.exec_prepared(throttle_sql::failures.name, bytes(index(key)));
    return !result.empty() && result[0][0].as<int>() >= policy_.max_failures;
}

}  // namespace guichet::infra
