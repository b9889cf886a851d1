#!/usr/bin/env bash
# test/fuzz/run.sh NAME RUNS [libFuzzer options…]: runs the harness fuzz_NAME of the fuzz build
# ($GUICHET_FUZZ_DIR: ./scripts/test and bench/fuzz.sh set it) on RUNS inputs, starting from its
# seed corpus test/fuzz/corpus/NAME with a fixed seed, so a run is repeatable. The inputs it finds go
# to a scratch corpus ($GUICHET_FUZZ_CORPUS/NAME when set, kept for the next run; otherwise a
# temporary folder), never to the seed corpus; a crash is saved in $GUICHET_FUZZ_DIR/artifacts/.
# Exit status: 0 clean, 77 without a fuzz build (ctest: skipped), anything else a failure.
set -euo pipefail
name=$1 runs=$2
shift 2
[ -n "${GUICHET_FUZZ_DIR:-}" ] || { echo "GUICHET_FUZZ_DIR unset: run ./scripts/test"; exit 77; }
here="$(cd "$(dirname "$0")" && pwd)"
binary="$GUICHET_FUZZ_DIR/fuzz_$name"
[ -x "$binary" ] || { echo "$binary missing: build the fuzz preset"; exit 1; }

if [ -n "${GUICHET_FUZZ_CORPUS:-}" ]; then
  corpus="$GUICHET_FUZZ_CORPUS/$name"
  mkdir -p "$corpus"
else
  corpus=$(mktemp -d "${TMPDIR:-/tmp}/guichet-fuzz-$name.XXXXXX")
  trap 'rm -rf "$corpus"' EXIT
fi
mkdir -p "$GUICHET_FUZZ_DIR/artifacts"
# A crash must fail the run whatever ASAN_OPTIONS the caller set; leaks are reported per input.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}abort_on_error=0:detect_leaks=1"
# libFuzzer exits 77 on a crash by default: the code ctest reads as "skipped".
"$binary" -runs="$runs" -seed=1 -timeout=60 -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
  -artifact_prefix="$GUICHET_FUZZ_DIR/artifacts/$name-" "$@" "$corpus" "$here/corpus/$name"
