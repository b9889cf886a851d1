#include "domain/password/temporary_password.hpp"

#include <array>
#include <string_view>
#include <utility>

namespace guichet {

std::string generate_temporary_password(RandomSource& random) {
    constexpr std::string_view upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    constexpr std::string_view lower = "abcdefghijkmnopqrstuvwxyz";
    constexpr std::string_view digits = "23456789";
    constexpr std::string_view special = "!#$%&*+-=?@";
    constexpr std::size_t length = 12;
    const std::array<std::string_view, 4> classes{upper, lower, digits, special};
    auto pick = [&](std::string_view from) { return from[random.uniform(static_cast<std::uint32_t>(from.size()))]; };

    std::string password;
    for (auto c : classes) password += pick(c);  // one of each class the policy requires
    std::string all;
    for (auto c : classes) all += c;
    while (password.size() < length) password += pick(all);
    for (std::size_t i = password.size() - 1; i > 0; --i)  // Fisher-Yates: the classes land anywhere
        std::swap(password[i], password[random.uniform(static_cast<std::uint32_t>(i + 1))]);
    return password;
}

}  // namespace guichet
