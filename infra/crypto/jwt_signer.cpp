#include "infra/crypto/jwt_signer.hpp"

#include <algorithm>

namespace guichet::infra {

namespace {
// 2200-01-01T00:00:00Z: far beyond any token of ours, and before the system clock's nanoseconds
// overflow (2262).
constexpr std::uint64_t kLatestExp = 7'258'118'400;
std::int64_t epoch_seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
}  // namespace

std::string JwtSigner::sign(const AccessClaims& claims) const {
    auto actions = nlohmann::json::array();
    for (auto a : claims.required_actions) actions.push_back(to_string(a));
    const auto exp = epoch_seconds(claims.expires_at);
    return jws_.sign({{"iss", issuer_},
                      {"aud", audience_},
                      {"sub", std::to_string(claims.account_id)},
                      {"sid", claims.session_id},
                      {"act", actions},
                      {"iat", epoch_seconds(std::chrono::system_clock::now())},
                      {"exp", exp}});
}

std::optional<AccessClaims> JwtSigner::verify(std::string_view token, std::chrono::system_clock::time_point now) const {
    const std::string key(token);
    {
        std::lock_guard lock(memo_mutex_);
        if (const auto it = memo_.find(key); it != memo_.end()) {
            if (epoch_seconds(it->second.expires_at) > epoch_seconds(now)) return it->second;
            memo_.erase(it);
            return std::nullopt;
        }
    }
    auto claims = check(token, now);
    if (!claims) return std::nullopt;
    std::lock_guard lock(memo_mutex_);
    if (memo_.size() >= kMemo) memo_.clear();  // the memo only saves time
    memo_.emplace(key, *claims);
    return claims;
}

std::optional<AccessClaims> JwtSigner::check(std::string_view token, std::chrono::system_clock::time_point now) const {
    auto claims = jws_.verify(token, epoch_seconds(now));
    if (!claims) return std::nullopt;
    try {
        const auto& c = *claims;
        if (c.value("iss", "") != issuer_) return std::nullopt;
        // RFC 7519 §4.1.3: one audience, or a list that holds ours.
        const auto& aud = c.at("aud");
        const bool ours = aud.is_string() ? aud.get<std::string>() == audience_
                                          : aud.is_array() && std::ranges::find(aud, nlohmann::json(audience_)) != aud.end();
        if (!ours) return std::nullopt;
        // Our tokens' exp is whole seconds; anything else would wrap (an unsigned beyond int64) or
        // overflow the clock's nanoseconds (past 2262) on its way to a time_point.
        const auto& exp = c.at("exp");
        if (!exp.is_number_integer()) return std::nullopt;
        const bool representable = exp.is_number_unsigned()
                                       ? exp.get<std::uint64_t>() <= kLatestExp
                                       : exp.get<std::int64_t>() >= 0 && static_cast<std::uint64_t>(exp.get<std::int64_t>()) <= kLatestExp;
        if (!representable) return std::nullopt;
        AccessClaims out{std::stoll(c.at("sub").get<std::string>()), c.at("sid").get<std::string>(), {},
                         std::chrono::system_clock::time_point(std::chrono::seconds(exp.get<std::int64_t>()))};
        for (const auto& a : c.at("act")) {
            auto action = required_action_from(a.get<std::string>());
            if (!action) return std::nullopt;
            out.required_actions.push_back(*action);
        }
        return out;
    } catch (const std::exception&) {
        return std::nullopt;  // a well-signed token of another shape is not ours
    }
}

}  // namespace guichet::infra
