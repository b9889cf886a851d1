#include "domain/network_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace guichet {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.empty() || text.size() > 45) return std::nullopt;
    const std::string s(text);
    IpAddress a;
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        a.bytes_[10] = a.bytes_[11] = 0xff;
        std::memcpy(a.bytes_.data() + 12, &v4, 4);
        a.v4_ = true;
    } else if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
        std::memcpy(a.bytes_.data(), &v6, 16);
        static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        a.v4_ = std::memcmp(a.bytes_.data(), mapped, 12) == 0;
    } else {
        return std::nullopt;
    }
    char out[INET6_ADDRSTRLEN] = {};
    if (a.v4_)
        inet_ntop(AF_INET, a.bytes_.data() + 12, out, sizeof out);
    else
        inet_ntop(AF_INET6, a.bytes_.data(), out, sizeof out);
    a.text_ = out;
    return a;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) return std::nullopt;
    const int bits = address->v4_ ? 32 : 128;
    int prefix = bits;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() || prefix < 0 || prefix > bits)
            return std::nullopt;
    }
    Cidr c;
    c.base_ = *address;
    c.prefix_ = address->v4_ ? prefix + 96 : prefix;
    return c;
}

bool Cidr::contains(const IpAddress& address) const {
    for (std::size_t bit = 0; bit < static_cast<std::size_t>(prefix_); ++bit) {
        const unsigned char mask = static_cast<unsigned char>(0x80u >> (bit % 8));
        if ((address.bytes_[bit / 8] & mask) != (base_.bytes_[bit / 8] & mask)) return false;
    }
    return true;
}

}  // namespace guichet
