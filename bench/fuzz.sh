#!/usr/bin/env bash
# Long fuzzing (issue 15): each harness of test/fuzz/ in turn, RUNS inputs each (default 10
# million), niced, from its seed corpus plus what earlier runs found (build/fuzz/corpus/NAME, not in
# git: it makes the next run start further), one harness at a time. Prints a line per harness: runs
# done, seconds, executions a second, and whether it ran clean; stops at the first crash (the input
# is in build/fuzz/artifacts/). docs/FUZZING.md records the figures.
# Usage: bench/fuzz.sh [RUNS=10000000] [HARNESS…]   (default: every harness)
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
RUNS=${1:-10000000}
shift || true

ensure_packages clang-19 libclang-rt-19-dev
cmake --preset fuzz -S "$ROOT" >/dev/null
nice -n 10 cmake --build --preset fuzz -j "$(nproc)" >/dev/null
export GUICHET_FUZZ_DIR="$ROOT/build/fuzz"
export GUICHET_FUZZ_CORPUS="$GUICHET_FUZZ_DIR/corpus"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$ROOT/test/lsan.supp:print_suppressions=0}"

harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  for file in "$ROOT"/test/fuzz/*.cpp; do harnesses+=("$(basename "$file" .cpp)"); done
fi

printf '%-12s %12s %9s %9s  %s\n' harness runs seconds exec/s result
for name in "${harnesses[@]}"; do
  log_file="$GUICHET_FUZZ_DIR/fuzz-$name.log"
  start=$(date +%s)
  if nice -n 10 bash "$ROOT/test/fuzz/run.sh" "$name" "$RUNS" >"$log_file" 2>&1; then result=clean; else result="FAILED: see $log_file"; fi
  seconds=$(( $(date +%s) - start ))
  done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log_file" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log_file" | tail -n 1)
  printf '%-12s %12s %9s %9s  %s\n' "$name" "${done_runs:-?}" "$seconds" "${rate:-?}" "$result"
  [ "$result" = clean ] || exit 1
done
