#pragma once
// What the libFuzzer harnesses of this folder share (one harness per input surface, see
// docs/FUZZING.md): the input as text, and FUZZ_CHECK, which stops the run on a broken invariant
// the way a sanitizer does (abort: libFuzzer saves the input as a crash-… file).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "domain/error.hpp"

#define FUZZ_CHECK(condition) \
    ((condition) ? static_cast<void>(0) : ::guichet::fuzz::broken(#condition, __FILE__, __LINE__))

namespace guichet::fuzz {

[[noreturn]] inline void broken(const char* invariant, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, invariant);
    std::abort();
}

// A parser's refusal is the error it documents, naming the field at fault.
inline bool is_refusal(const Error& error, ErrorCode code, std::string_view field) {
    return error.code == code && error.field == field;
}

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace guichet::fuzz
