# Shared by the benchmarks: a throw-away folder and PostgreSQL, and the keys guichet needs.
# Sourced after scripts/lib.sh. Stops what it started (and the PIDs in BENCH_PIDS) on exit.
# shellcheck shell=bash
bench_environment() {  # bench_environment PG_PORT
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/guichet-bench.XXXXXX"); chmod 755 "$WORK"
  BENCH_PIDS=()
  trap bench_cleanup EXIT
  GUICHET_PG_PORT=$1 pg_start "$WORK/pg"
  pg_create_db bench
  export GUICHET_DATABASE_URL; GUICHET_DATABASE_URL=$(pg_url bench)
  export GUICHET_DATA_KEY; GUICHET_DATA_KEY=$(head -c 32 /dev/urandom | base64)
  export GUICHET_SIGNING_KEY; GUICHET_SIGNING_KEY=$(head -c 32 /dev/urandom | base64)
  export GUICHET_MAIL_DIR="$WORK/mail" GUICHET_SMS_FILE="$WORK/sms.log" GUICHET_LOG_LEVEL=warn
  export GUICHET_SHUTDOWN_DELAY_SECONDS=0
}

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pg_stop; rm -rf "$WORK" "${PG_DIR:-}"
}

# bench_serve BIN PG_PORT: the environment above, then `BIN serve` migrated, with the members of
# examples/members.csv; sets PORT, URL, SERVER_PID and waits until it is ready.
bench_serve() {
  local bin=$1
  bench_environment "$2"
  export GUICHET_ADMIN_TOKEN="bench-admin-token-0123456789"
  # The limits of SPEC.md §2 stay on: wrk stands for many members behind a proxy of ours, each
  # request from its own address (X-Forwarded-For, see the Lua scripts), and the one member's
  # session of bench/me.sh gets a per-session quota that its benchmark rate fits in (each process
  # still takes it from PostgreSQL, 100 events at a time).
  export GUICHET_TRUSTED_PROXIES="127.0.0.1" GUICHET_RATE_LIMITS="${GUICHET_RATE_LIMITS:-session=10000000/1m}"
  PORT=$(free_port); export GUICHET_LISTEN="127.0.0.1:$PORT"
  URL="http://127.0.0.1:$PORT"
  "$bin" migrate >/dev/null
  "$bin" import-members "$ROOT/examples/members.csv" >/dev/null
  "$bin" serve >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  BENCH_PIDS+=("$SERVER_PID")
  for _ in $(seq 1 100); do curl -fs "$URL/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
}

# bench_member_accounts LUA_FILE: every member of examples/members.csv gets a legacy account with
# PASSWORD (bcrypt, as the old portal stored it), and a first login rehashes it to Argon2id
# m=19456 KiB, t=2, p=1 (the last login's answer is in $WORK/login.json). Sets NIRS, and writes a
# wrk script posting right passwords one member after the other, so that no member has more
# attempts in flight than its lockout limit.
bench_member_accounts() {
  PASSWORD='Ancien-Mot2passe!'
  mapfile -t NIRS < <(/usr/bin/python3 -c "import csv,sys; [print(r['nir']) for r in csv.DictReader(open(sys.argv[1]))]" "$ROOT/examples/members.csv")
  local bcrypt nir ids
  bcrypt=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('$PASSWORD', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
  for nir in "${NIRS[@]}"; do
    curl -fs -X POST "$URL/v1/admin/accounts" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" -H 'X-Agent-Id: bench' \
      -H 'Content-Type: application/json' -d "{\"nir\":\"$nir\",\"password_hash\":\"$bcrypt\",\"has_logged_in\":true}" >/dev/null
    curl -fs -X POST "$URL/v1/sessions" -H 'Content-Type: application/json' \
      -d "{\"identifier\":\"$nir\",\"password\":\"$PASSWORD\"}" > "$WORK/login.json"
  done
  ids=$(printf '"%s",' "${NIRS[@]}")
  cat > "$1" <<LUA
local ids = {${ids%,}}
-- Each wrk thread has its own Lua state: start them half a rotation apart, so that two threads do
-- not post the same member at the same moment.
local threads = 0
function setup(thread) thread:set("first", threads * 5); threads = threads + 1 end
local n
request = function()
  n = n or first or 0
  n = n + 1
  local body = '{"identifier":"' .. ids[n % #ids + 1] .. '","password":"$PASSWORD"}'
  -- Members log in from many addresses: a new one for each login (SPEC.md §2: 30 a minute each).
  local from = "10." .. (first or 0) .. "." .. (math.floor(n / 250) % 250) .. "." .. (n % 250 + 1)
  return wrk.format("POST", "/v1/sessions",
                    {["Content-Type"] = "application/json", ["Connection"] = "keep-alive", ["X-Forwarded-For"] = from}, body)
end
LUA
}
