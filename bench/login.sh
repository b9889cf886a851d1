#!/usr/bin/env bash
# Login benchmark (issue 4), Release build, in one run on one machine:
#  1. logins/s: wrk posts right NIR + password pairs to POST /v1/sessions (Argon2id m=19456 KiB,
#     t=2, p=1 after a first login rehashed each imported bcrypt hash), over CONNECTIONS
#     connections (default 4) rotating over the 10 members of examples/members.csv: the lockout
#     counts attempts in flight per member, and a login also waits on PostgreSQL (3 short
#     transactions), so more requests in flight than cores keep the cores hashing meanwhile;
#  2. raw Argon2id verifications with the same library and parameters (bench/argon2_raw.c), one
#     thread per core: what the server's hashing can reach at best.
# Ratio 1 / 2 is the goal of issue 4 (≥ 0.9). Usage: bench/login.sh [SECONDS=15] [CONNECTIONS=4] [ROUNDS=3]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/lib.sh"
DURATION=${1:-15}
CONNECTIONS=${2:-4}
ROUNDS=${3:-3}

ensure_packages
for tool in wrk bc; do command -v "$tool" >/dev/null || as_root apt-get install -y -qq "$tool" >/dev/null; done
build release >/dev/null
BIN="$ROOT/build/release/guichet"

bench_serve "$BIN" 54332
bench_member_accounts "$WORK/login.lua"

# Raw hashing with the same library and parameters, one thread per core. The two measures take
# turns, ROUNDS times, so that drift of this shared machine falls on both alike; the ratio is of
# the totals. (The server stays up, idle, while the raw hashing runs.)
cc -O2 -o "$WORK/argon2_raw" "$ROOT/bench/argon2_raw.c" -largon2 -lpthread
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
total_logins=0; total_raw=0
for round in $(seq 1 "$ROUNDS"); do
  raw=$("$WORK/argon2_raw" "$DURATION" "$(nproc)")
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/login.lua" "$URL/v1/sessions" > "$WORK/wrk.txt"
  logins=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  errors=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.txt"); errors=${errors:-0}
  latency=$(awk '/Latency/ {print $2; exit}' "$WORK/wrk.txt")
  echo "round $round: raw Argon2id (libargon2, $(nproc) threads) $raw/s; logins $logins/s (mean latency $latency, non-2xx: $errors)"
  total_logins=$(echo "$total_logins + $logins" | bc); total_raw=$(echo "$total_raw + $raw" | bc)
done
echo "ratio logins / raw over $ROUNDS rounds: $(echo "scale=2; $total_logins / $total_raw" | bc)"
