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
mapfile -t NIRS < <(/usr/bin/python3 -c "import csv,sys; [print(r['nir']) for r in csv.DictReader(open(sys.argv[1]))]" "$ROOT/examples/members.csv")
BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('$PASSWORD', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
for nir in "${NIRS[@]}"; do
  curl -fs -X POST "http://127.0.0.1:$PORT/v1/admin/accounts" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" \
    -H 'Content-Type: application/json' -d "{\"nir\":\"$nir\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}" >/dev/null
  curl -fs -X POST "http://127.0.0.1:$PORT/v1/sessions" -H 'Content-Type: application/json' \
    -d "{\"identifier\":\"$nir\",\"password\":\"$PASSWORD\"}" >/dev/null   # rehash to Argon2id
done

ids_lua=$(printf '"%s",' "${NIRS[@]}")
cat > "$WORK/login.lua" <<LUA
local ids = {${ids_lua%,}}
local n = 0
request = function()
  n = n + 1
  local body = '{"identifier":"' .. ids[n % #ids + 1] .. '","password":"$PASSWORD"}'
  return wrk.format("POST", "/v1/sessions", {["Content-Type"] = "application/json", ["Connection"] = "keep-alive"}, body)
end
LUA
# Raw hashing with the same library and parameters, one thread per core. The two measures take
# turns, ROUNDS times, so that drift of this shared machine falls on both alike; the ratio is of
# the totals. (The server stays up, idle, while the raw hashing runs.)
cc -O2 -o "$WORK/argon2_raw" "$ROOT/bench/argon2_raw.c" -largon2 -lpthread
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
total_logins=0; total_raw=0
for round in $(seq 1 "$ROUNDS"); do
  raw=$("$WORK/argon2_raw" "$DURATION" "$(nproc)")
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/login.lua" "http://127.0.0.1:$PORT/v1/sessions" > "$WORK/wrk.txt"
  logins=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  errors=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.txt"); errors=${errors:-0}
  latency=$(awk '/Latency/ {print $2; exit}' "$WORK/wrk.txt")
  echo "round $round: raw Argon2id (libargon2, $(nproc) threads) $raw/s; logins $logins/s (mean latency $latency, non-2xx: $errors)"
  total_logins=$(echo "$total_logins + $logins" | bc); total_raw=$(echo "$total_raw + $raw" | bc)
done
echo "ratio logins / raw over $ROUNDS rounds: $(echo "scale=2; $total_logins / $total_raw" | bc)"
