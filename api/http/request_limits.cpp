#include "api/http/request_limits.hpp"

#include <algorithm>

namespace guichet::api {

namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

bool trusted(const std::string& address, const std::vector<Cidr>& proxies) {
    const auto ip = IpAddress::parse(address);
    return ip && std::ranges::any_of(proxies, [&](const Cidr& c) { return c.contains(*ip); });
}

// The canonical text of an address (so ::ffff:10.0.0.1 and 10.0.0.1 count as one), or the text
// itself, bounded, when it is not one.
std::string canonical(const std::string& address) {
    if (const auto ip = IpAddress::parse(address)) return ip->text();
    return address.substr(0, 64);
}

}  // namespace

std::string client_address(const std::string& peer, const std::optional<std::string>& forwarded_for,
                           const std::vector<Cidr>& trusted_proxies) {
    if (!forwarded_for || !trusted(peer, trusted_proxies)) return canonical(peer);
    // Right to left: each trusted proxy appended the address it received the request from.
    std::string_view list = *forwarded_for;
    std::string nearest = peer;
    while (!list.empty()) {
        const auto comma = list.rfind(',');
        const auto entry = trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(0, comma);
        if (entry.empty()) continue;
        if (!trusted(entry, trusted_proxies)) return canonical(entry);
        nearest = entry;
    }
    return canonical(nearest);  // every hop is a proxy of ours: the first of them is the client
}

const LimitPolicy* RequestLimits::policy(AddressRate rate) const {
    switch (rate) {
        case AddressRate::login: return &rates_.login;
        case AddressRate::flows: return &rates_.flows;
        case AddressRate::strength: return &rates_.strength;
        case AddressRate::public_routes: return &rates_.public_routes;
        case AddressRate::none: break;
    }
    return nullptr;
}

std::optional<LimitInfo> RequestLimits::take(AddressRate rate, const HttpRequest& request) const {
    const auto* p = policy(rate);
    if (p == nullptr || !p->enabled()) return std::nullopt;
    const auto client = client_address(request.peer, request.header("x-forwarded-for"), trusted_);
    LimitDecision decision;
    uow_.autocommit([&](Transaction& tx) { decision = tx.limits().take(*p, client, clock_.now()); });
    return limit_info(*p, decision);
}

}  // namespace guichet::api
