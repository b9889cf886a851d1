#pragma once
// Temporary passwords (SPEC.md §2, seed 004 "mot de passe provisoire"): random, satisfying the
// policy, to be personalised at the first login.
#include <chrono>
#include <string>

#include "domain/notifications/message.hpp"
#include "domain/random.hpp"

namespace guichet {

// 12 characters, at least one of each class the policy asks for, drawn from an alphabet without
// look-alikes (no 0/O, 1/l/I) because letters are typed from paper: about 70 bits of entropy.
std::string generate_temporary_password(RandomSource& random);

// Temporary passwords by letter live 30 days, by SMS or email 24 hours (SPEC.md §2).
inline std::chrono::hours temporary_password_lifetime(Channel channel) {
    return channel == Channel::letter ? std::chrono::hours(24 * 30) : std::chrono::hours(24);
}

}  // namespace guichet
