#pragma once
// IP addresses and CIDR blocks (IPv4 and IPv6), for GUICHET_TRUSTED_PROXIES and the client
// address that per-address limits count (SPEC.md §4). An IPv4 address written as IPv6
// (::ffff:10.0.0.1, what a dual-stack socket reports) is the same IPv4 address.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace guichet {

class IpAddress {
public:
    static std::optional<IpAddress> parse(std::string_view text);
    const std::string& text() const { return text_; }  // canonical form
    bool operator==(const IpAddress&) const = default;

private:
    friend class Cidr;
    std::array<unsigned char, 16> bytes_{};  // IPv4 mapped into ::ffff:0:0/96
    bool v4_ = false;
    std::string text_;
};

class Cidr {
public:
    // "10.0.0.0/8", "2001:db8::/32", or one address ("127.0.0.1": /32, "::1": /128).
    static std::optional<Cidr> parse(std::string_view text);
    bool contains(const IpAddress& address) const;

private:
    IpAddress base_;
    int prefix_ = 0;  // over the 128 bits of the mapped form
};

}  // namespace guichet
