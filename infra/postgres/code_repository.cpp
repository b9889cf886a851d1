#include "infra/postgres/code_repository.hpp"

#include <sodium.h>

#include <pqxx/binarystring>
#include <pqxx/result>

#include "infra/postgres/conversions.hpp"

namespace guichet::infra {

namespace {
std::string hash_of(const DataCipher& cipher, const std::string& owner, const std::string& code) {
    return cipher.blind_index("code:" + owner + ":" + code);
}
}  // namespace

void PgCodeRepository::issue(CodePurpose purpose, const std::string& owner, const std::string& code,
                             std::chrono::system_clock::time_point expires_at) {
    const std::string kind(to_string(purpose));
    tx_.exec_prepared(code_sql::discard.name, owner, kind);
    tx_.exec_prepared(code_sql::issue.name, owner, kind, bytes(hash_of(cipher_, owner, code)), epoch(expires_at));
}

std::optional<std::chrono::system_clock::time_point> PgCodeRepository::last_issued(CodePurpose purpose, const std::string& owner) {
    const auto r = tx_.exec_prepared(code_sql::last_issued.name, owner, std::string(to_string(purpose)));
    return optional_time(r[0][0]);
}

CodeCheck PgCodeRepository::check(CodePurpose purpose, const std::string& owner, const std::string& code,
                                  std::chrono::system_clock::time_point now, int max_attempts) {
    const std::string kind(to_string(purpose));
    const auto counted = tx_.exec_prepared(code_sql::count_try.name, owner, kind, max_attempts);
    if (counted.empty()) {
        const bool live = !tx_.exec_prepared(code_sql::live.name, owner, kind).empty();
        return {live ? CodeOutcome::exhausted : CodeOutcome::none};
    }
    const auto row = counted[0];
    if (from_epoch(row[2].as<double>()) <= now) return {CodeOutcome::expired};
    const pqxx::binarystring stored(row[1]);
    const auto presented = hash_of(cipher_, owner, code);
    const bool same = stored.size() == presented.size() &&
                      sodium_memcmp(stored.data(), presented.data(), presented.size()) == 0;
    if (same && !tx_.exec_prepared(code_sql::use.name, row[0].as<std::int64_t>()).empty()) return {CodeOutcome::valid};
    const int left = max_attempts - row[3].as<int>();
    return {left > 0 ? CodeOutcome::invalid : CodeOutcome::exhausted, left};
}

}  // namespace guichet::infra
