#!/usr/bin/env bash
# Where a login's CPU goes (issue 4), Release build: wrk -t2 -c4 posts right NIR + password pairs
# for SECONDS, ROUNDS times; for each round, the CPU time of guichet (all its threads, Argon2id
# included), of every postgres process, of wrk, and the machine's idle time, read from /proc and
# divided by the number of logins. Usage: bench/login_cpu.sh [SECONDS=10] [ROUNDS=2]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/lib.sh"
DURATION=${1:-10}
ROUNDS=${2:-2}

ensure_packages
for tool in wrk bc; do command -v "$tool" >/dev/null || as_root apt-get install -y -qq "$tool" >/dev/null; done
build release >/dev/null
bench_serve "$ROOT/build/release/guichet" 54333
bench_member_accounts "$WORK/login.lua"

HZ=$(getconf CLK_TCK)
process_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime
postgres_ticks() {
  local pid total=0
  for pid in $(pgrep -x postgres); do [ -r "/proc/$pid/stat" ] && total=$((total + $(process_ticks "$pid"))); done
  echo "$total"
}
idle_ticks() { awk '/^cpu / {print $5 + $6}' /proc/stat; }
per_login() { echo "scale=2; $1 * 1000 / $HZ / $2" | bc; }  # TICKS LOGINS → ms

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for round in $(seq 1 "$ROUNDS"); do
  g0=$(process_ticks "$SERVER_PID"); p0=$(postgres_ticks); i0=$(idle_ticks)
  /usr/bin/time -f "%U %S" -o "$WORK/wrk.time" wrk -t2 -c4 -d"${DURATION}s" -s "$WORK/login.lua" "$URL/v1/sessions" > "$WORK/wrk.txt"
  g1=$(process_ticks "$SERVER_PID"); p1=$(postgres_ticks); i1=$(idle_ticks)
  logins=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
  wrk_ticks=$(awk -v hz="$HZ" '{printf "%d", ($1 + $2) * hz}' "$WORK/wrk.time")
  echo "round $round: $logins logins; CPU per login: guichet $(per_login $((g1 - g0)) "$logins") ms," \
       "postgres $(per_login $((p1 - p0)) "$logins") ms, wrk $(per_login "$wrk_ticks" "$logins") ms," \
       "idle $(per_login $((i1 - i0)) "$logins") ms"
done
