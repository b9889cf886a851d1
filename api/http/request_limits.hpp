#pragma once
// The per-client-address limits of SPEC.md §2, taken by HttpApp before a public route's handler
// runs (the per-session limit is taken by Sessions, which knows the session). The client is the
// TCP peer, or, when the peer is one of GUICHET_TRUSTED_PROXIES, the rightmost X-Forwarded-For
// entry that is not a trusted proxy: entries further left are whatever the client wrote.
#include <optional>
#include <string>
#include <vector>

#include "api/http/message.hpp"
#include "api/http/router.hpp"
#include "domain/clock.hpp"
#include "domain/network_address.hpp"
#include "domain/rules.hpp"
#include "domain/unit_of_work.hpp"

namespace guichet::api {

std::string client_address(const std::string& peer, const std::optional<std::string>& forwarded_for,
                           const std::vector<Cidr>& trusted_proxies);

class RequestLimits {
public:
    RequestLimits(UnitOfWork& uow, const Clock& clock, const RequestRates& rates, std::vector<Cidr> trusted_proxies)
        : uow_(uow), clock_(clock), rates_(rates), trusted_(std::move(trusted_proxies)) {}
    // The limit `rate` names, taken for the request's client (allowed or not); nothing for
    // AddressRate::none or a policy turned off. Inside a NoWaiting scope, answers only a refusal
    // this process remembers and throws WouldWait otherwise (infra/postgres/limit_memory.hpp).
    std::optional<LimitInfo> take(AddressRate rate, const HttpRequest& request) const;

private:
    const LimitPolicy* policy(AddressRate rate) const;
    UnitOfWork& uow_;
    const Clock& clock_;
    const RequestRates& rates_;
    std::vector<Cidr> trusted_;
};

}  // namespace guichet::api
