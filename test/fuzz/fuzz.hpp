#pragma once
// What the libFuzzer harnesses of this folder share (one harness per input surface, see
// docs/FUZZING.md): the input as text, and FUZZ_CHECK, which stops the run on a broken invariant
// the way a sanitizer does (abort: libFuzzer saves the input as a crash-… file).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(condition) \
    ((condition) ? static_cast<void>(0) : ::guichet::fuzz::broken(#condition, __FILE__, __LINE__))

namespace guichet::fuzz {

[[noreturn]] inline void broken(const char* invariant, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, invariant);
    std::abort();
}

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace guichet::fuzz
