// API: the trace id of a W3C traceparent header (issue 15), or none when it is not one.
#include <catch2/catch.hpp>

#include "api/http/trace_context.hpp"

using guichet::api::trace_id_of;

TEST_CASE("traceparent: the caller's trace id is kept", "[api][trace]") {
    CHECK(trace_id_of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(trace_id_of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00") == "4bf92f3577b34da6a3ce929d0e0e4736");
    // A later version may append fields after the flags.
    CHECK(trace_id_of("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra") == "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_CASE("traceparent: anything else starts a trace here", "[api][trace]") {
    for (const char* bad : {"", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // upper case
                            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // zero trace id
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // zero parent id
                            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // version ff
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", // 00 has no more fields
                            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"})
        CHECK_FALSE(trace_id_of(bad));
}
