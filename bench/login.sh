#!/usr/bin/env bash
# Login benchmark (issue 4), Release build, in one run on one machine:
#  1. logins/s: wrk posts right NIR + password pairs to POST /v1/sessions (Argon2id m=19456 KiB,
#     t=2, p=1 after a first login rehashed each imported bcrypt hash), over CONNECTIONS
#     connections (default 4) rotating over the 10 members of examples/members.csv: the lockout
#     counts attempts in flight per member, and a login also waits on PostgreSQL, so more requests
#     in flight than cores keep the cores hashing meanwhile;
#  2. raw Argon2id verifications with the same library and parameters (bench/argon2_raw.c), one
#     thread per core: what the server's hashing can reach at best.
# The two take turns ROUNDS times, so that the drift of this shared machine falls on both alike.
# Ratio 1 / 2 is the goal of issue 4 (≥ 0.9): printed as the ratio of the totals and as the median
# and range of the rounds' own ratios. Each round also tells where the machine's time went, read
# from /proc: CPU per raw verification, and per login the CPU of guichet (all its threads, Argon2id
# included), of every postgres process, of wrk, and the machine's idle time; the last line compares
# the CPU spent per verification and per login over all the rounds.
# Usage: bench/login.sh [SECONDS=15] [CONNECTIONS=4] [ROUNDS=3]. GUICHET_BIN=path runs another
# guichet build (e.g. an older commit's, to compare builds side by side), as bench/me.sh does.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/lib.sh"
DURATION=${1:-15}
CONNECTIONS=${2:-4}
ROUNDS=${3:-3}

ensure_packages
for tool in wrk bc; do command -v "$tool" >/dev/null || as_root apt-get install -y -qq "$tool" >/dev/null; done
if [ -n "${GUICHET_BIN:-}" ]; then BIN=$GUICHET_BIN; else build release >/dev/null; BIN="$ROOT/build/release/guichet"; fi

bench_serve "$BIN" 54332
bench_member_accounts "$WORK/login.lua"
cc -O2 -o "$WORK/argon2_raw" "$ROOT/bench/argon2_raw.c" -largon2 -lpthread

HZ=$(getconf CLK_TCK)
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime
postgres_ticks() {
  local pid total=0
  for pid in $(pgrep -x postgres); do [ -r "/proc/$pid/stat" ] && total=$((total + $(ticks_of "$pid"))); done
  echo "$total"
}
idle_ticks() { awk '/^cpu / {print $5 + $6}' /proc/stat; }
ms_per() { echo "scale=2; $1 * 1000 / $HZ / $2" | bc; }  # TICKS COUNT → ms each
ticks_from_time() { awk -v hz="$HZ" '{printf "%d", ($1 + $2) * hz}' "$1"; }  # /usr/bin/time "%U %S"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
# The server stays up, idle, while the raw hashing runs.
total_logins=0; total_raw=0; ratios=()
total_raw_ticks=0; total_raw_count=0; total_login_ticks=0; total_login_count=0
for round in $(seq 1 "$ROUNDS"); do
  i0=$(idle_ticks)
  /usr/bin/time -f "%U %S" -o "$WORK/raw.time" "$WORK/argon2_raw" "$DURATION" "$(nproc)" > "$WORK/raw.txt"
  i1=$(idle_ticks)
  read -r raw raw_count < "$WORK/raw.txt"
  raw_ticks=$(ticks_from_time "$WORK/raw.time")
  raw_cpu=$(ms_per "$raw_ticks" "$raw_count"); raw_idle=$(ms_per $((i1 - i0)) "$raw_count")
  total_raw_ticks=$((total_raw_ticks + raw_ticks)); total_raw_count=$((total_raw_count + raw_count))

  g0=$(ticks_of "$SERVER_PID"); p0=$(postgres_ticks); i0=$(idle_ticks)
  /usr/bin/time -f "%U %S" -o "$WORK/wrk.time" \
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/login.lua" "$URL/v1/sessions" > "$WORK/wrk.txt"
  g1=$(ticks_of "$SERVER_PID"); p1=$(postgres_ticks); i1=$(idle_ticks)
  logins=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  count=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
  errors=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.txt"); errors=${errors:-0}
  ratio=$(echo "scale=3; $logins / $raw" | bc); ratios+=("$ratio")
  wrk_ticks=$(ticks_from_time "$WORK/wrk.time")
  echo "round $round: raw $raw/s (CPU $raw_cpu ms each, idle $raw_idle ms); logins $logins/s, non-2xx $errors" \
       "(per login: guichet $(ms_per $((g1 - g0)) "$count") ms, postgres $(ms_per $((p1 - p0)) "$count") ms," \
       "wrk $(ms_per "$wrk_ticks" "$count") ms, idle $(ms_per $((i1 - i0)) "$count") ms); ratio $ratio"
  total_login_ticks=$((total_login_ticks + g1 - g0 + p1 - p0 + wrk_ticks)); total_login_count=$((total_login_count + count))
  total_logins=$(echo "$total_logins + $logins" | bc); total_raw=$(echo "$total_raw + $raw" | bc)
done
sorted=$(printf '%s\n' "${ratios[@]}" | sort -n)
median=$(echo "$sorted" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "ratio logins / raw over $ROUNDS rounds: $(echo "scale=3; $total_logins / $total_raw" | bc) (totals);" \
     "median of the rounds $median, range $(echo "$sorted" | head -1)–$(echo "$sorted" | tail -1)"
# What the machine's other tenants cannot move as much: CPU spent per raw verification against CPU
# spent per login by guichet, PostgreSQL and wrk together (idle and stolen time left out).
echo "CPU per raw verification $(ms_per "$total_raw_ticks" "$total_raw_count") ms; per login (guichet + postgres + wrk)" \
     "$(ms_per "$total_login_ticks" "$total_login_count") ms; CPU ratio" \
     "$(echo "scale=3; $total_raw_ticks * $total_login_count / ($total_login_ticks * $total_raw_count)" | bc)"
