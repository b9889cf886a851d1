#pragma once
// libsodium must be initialised once before any use (it picks implementations and seeds its
// RNG). Every adapter that calls libsodium calls this from its constructor.
#include <sodium.h>

#include <stdexcept>

namespace guichet::infra {

inline void ensure_sodium() {
    // A function-local static is initialised exactly once, even with concurrent callers.
    static const bool ready = sodium_init() >= 0;  // 0: done now, 1: done earlier, -1: failed
    if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace guichet::infra
