#!/usr/bin/env bash
# Login benchmark (issue 4), Release build, in one run on one machine:
#  1. logins/s: wrk posts the right NIR + password to POST /v1/sessions (Argon2id m=19456 KiB,
#     t=2, p=1 after the first login rehashed the imported bcrypt hash), over 2 connections: one
#     member, and the lockout counts attempts in flight, so more simultaneous logins than its
#     limit (3) are refused by design; 2 connections keep the 2 cores hashing;
#  2. raw Argon2id verifications with the same library and parameters (bench/argon2_raw.c), one
#     thread per core: what the server's hashing can reach at best.
# Ratio 1 / 2 is the goal of issue 4 (≥ 0.9). Usage: bench/login.sh [SECONDS=15]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/lib.sh"
DURATION=${1:-15}

ensure_packages
for tool in wrk bc; do command -v "$tool" >/dev/null || as_root apt-get install -y -qq "$tool" >/dev/null; done
build release >/dev/null
BIN="$ROOT/build/release/guichet"

bench_environment 54332
export GUICHET_ADMIN_TOKEN="bench-admin-token-0123456789"
PORT=$(free_port); export GUICHET_LISTEN="127.0.0.1:$PORT"
"$BIN" migrate >/dev/null
"$BIN" import-members "$ROOT/examples/members.csv" >/dev/null
"$BIN" serve >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
BENCH_PIDS+=("$SERVER_PID")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done

PASSWORD='Ancien-Mot2passe!'
BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('$PASSWORD', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
curl -fs -X POST "http://127.0.0.1:$PORT/v1/admin/accounts" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" \
  -H 'Content-Type: application/json' -d "{\"nir\":\"184027512345674\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}" >/dev/null
curl -fs -X POST "http://127.0.0.1:$PORT/v1/sessions" -H 'Content-Type: application/json' \
  -d "{\"identifier\":\"184027512345674\",\"password\":\"$PASSWORD\"}" >/dev/null   # rehash to Argon2id

cat > "$WORK/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"identifier":"184027512345674","password":"$PASSWORD"}'
LUA
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
wrk -t2 -c2 -d"${DURATION}s" -s "$WORK/login.lua" "http://127.0.0.1:$PORT/v1/sessions" > "$WORK/wrk.txt"
logins=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
errors=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.txt"); errors=${errors:-0}
latency=$(awk '/Latency/ {print $2; exit}' "$WORK/wrk.txt")
echo "logins: $logins/s (mean latency $latency, non-2xx: $errors)"

kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
# Raw hashing with the same library and parameters, one thread per core, for the same duration.
cc -O2 -o "$WORK/argon2_raw" "$ROOT/bench/argon2_raw.c" -largon2 -lpthread
raw=$("$WORK/argon2_raw" "$DURATION" "$(nproc)")
echo "raw Argon2id verifications (libargon2, $(nproc) threads): $raw/s"
echo "ratio logins / raw: $(echo "scale=2; $logins / $raw" | bc)"
