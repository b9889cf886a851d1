#!/usr/bin/env bash
# GET /v1/me benchmark (issue 4), Release build, in one run on one machine:
#  1. a bare Pistache 0.0.5 route (bench/bare_pistache.cpp, 2 threads) answering the very bytes
#     guichet answers to GET /v1/me: wrk -t2 -c64, requests/s and p99;
#  2. guichet's GET /v1/me with a member's access token (token check, session look-up, profile):
#     same wrk; ratio 2 / 1 (goal ≥ 0.5), p99 (goal ≤ 10 ms);
#  3. the same GET /v1/me while a second wrk keeps the password hashing busy: 8 connections
#     posting right passwords to POST /v1/sessions, rotating over the 10 members of
#     examples/members.csv (the lockout counts attempts in flight per member, so one member alone
#     could not take 8); p99 (goal ≤ 10 ms: Argon2id must not run on the threads of cheap requests);
#  4. 1,000 logins sent at the same instant on 1,000 connections: peak RSS of the guichet process
#     (VmHWM, reset just before; goal ≤ 256 MB) and the answers: the excess must be 503 with
#     Retry-After, not queued without bound.
# Every request says Connection: keep-alive: Pistache 0.0.5 closes the connection after each
# answer otherwise (HTTP/1.1 default notwithstanding), and we measure the server, not TCP set-up.
# Usage: bench/me.sh [SECONDS=10]. GUICHET_BIN=path runs another guichet build (e.g. an older
# commit, for a before/after) instead of building the release preset.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/lib.sh"
DURATION=${1:-10}
BURST=1000

ensure_packages
for tool in wrk bc; do command -v "$tool" >/dev/null || as_root apt-get install -y -qq "$tool" >/dev/null; done
if [ -n "${GUICHET_BIN:-}" ]; then BIN=$GUICHET_BIN; else build release >/dev/null; BIN="$ROOT/build/release/guichet"; fi
hard=$(ulimit -Hn); [ "$hard" = unlimited ] && hard=8192
ulimit -n "$(( hard < 8192 ? hard : 8192 ))"  # 1,000 connections on each side, in this shell and its children
[ "$(ulimit -n)" -ge $((BURST + 200)) ] || die "ulimit -n is $(ulimit -n): $BURST connections need more"

bench_serve "$BIN" 54333
bench_member_accounts "$WORK/logins.lua"
TOKEN=$(jq -r .access_token "$WORK/login.json")
curl -fs "$URL/v1/me" -H "Authorization: Bearer $TOKEN" -o "$WORK/me.json"

# wrk_field FILE WHAT: requests/s, p99 in ms, or non-2xx count from a wrk --latency report.
wrk_field() {
  case $2 in
    rps) awk '/Requests\/sec/ {print $2}' "$1" ;;
    p99) awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) sub(/ms$/, "", v);
                           else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; printf "%.2f", v}' "$1" ;;
    non2xx) awk '/Non-2xx/ {n = $5} END {print n + 0}' "$1" ;;
  esac
}
ME=(wrk -t2 -c64 -d"${DURATION}s" --latency -H "Connection: keep-alive")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
echo "guichet: $BIN"

# 1. The bare route, same machine, same moment, same body.
BARE_PORT=$(free_port)
read -ra PISTACHE <<< "$(pkg-config --cflags --libs libpistache 2>/dev/null || echo -lpistache)"
g++ -O2 -std=c++17 -o "$WORK/bare_pistache" "$ROOT/bench/bare_pistache.cpp" "${PISTACHE[@]}" -lpthread
"$WORK/bare_pistache" "$BARE_PORT" "$WORK/me.json" 2 &
BARE_PID=$!
BENCH_PIDS+=("$BARE_PID")
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$BARE_PORT/v1/me" >/dev/null 2>&1 && break; sleep 0.1; done
"${ME[@]}" "http://127.0.0.1:$BARE_PORT/v1/me" > "$WORK/bare.txt"
kill "$BARE_PID"; wait "$BARE_PID" 2>/dev/null || true
bare=$(wrk_field "$WORK/bare.txt" rps)
echo "1. bare Pistache GET (2 threads, $(wc -c < "$WORK/me.json")-byte body): $bare req/s, p99 $(wrk_field "$WORK/bare.txt" p99) ms"

# 2. GET /v1/me alone.
"${ME[@]}" -H "Authorization: Bearer $TOKEN" "$URL/v1/me" > "$WORK/me.txt"
me=$(wrk_field "$WORK/me.txt" rps)
echo "2. guichet GET /v1/me: $me req/s, p99 $(wrk_field "$WORK/me.txt" p99) ms, non-2xx $(wrk_field "$WORK/me.txt" non2xx)," \
     "ratio to bare $(echo "scale=2; $me / $bare" | bc) (goals: ratio ≥ 0.5, p99 ≤ 10 ms)"

# 3. GET /v1/me while logins keep the hashing busy (the login load starts first and ends last).
wrk -t1 -c8 -d"$((DURATION + 2))s" -s "$WORK/logins.lua" "$URL/v1/sessions" > "$WORK/logins.txt" &
LOGINS_PID=$!
sleep 1
"${ME[@]}" -H "Authorization: Bearer $TOKEN" "$URL/v1/me" > "$WORK/me_loaded.txt"
wait "$LOGINS_PID"
echo "3. GET /v1/me under login load: $(wrk_field "$WORK/me_loaded.txt" rps) req/s, p99 $(wrk_field "$WORK/me_loaded.txt" p99) ms," \
     "non-2xx $(wrk_field "$WORK/me_loaded.txt" non2xx) (goal p99 ≤ 10 ms);" \
     "logins alongside: $(wrk_field "$WORK/logins.txt" rps)/s, non-2xx $(wrk_field "$WORK/logins.txt" non2xx)"

# 4. 1,000 logins at once. VmHWM is the peak RSS since it was last reset (clear_refs 5).
sleep 2  # let the queued logins of phase 3 drain
echo 5 > "/proc/$SERVER_PID/clear_refs" || echo "(VmHWM not reset: the peak below is since start-up)"
rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
cat > "$WORK/burst.py" <<'PY'
# Opens N connections, then sends one login on each at the same instant; tallies the answers.
import asyncio, collections, json, sys, time
port, n, password, ids = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]

async def connect():
    for _ in range(20):
        try:
            return await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.2)
    return None

async def login(conn, i):
    if conn is None:
        return "no connection"
    reader, writer = conn
    body = json.dumps({"identifier": ids[i % len(ids)], "password": password}).encode()
    writer.write(b"POST /v1/sessions HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 300)
        status = head.split(b" ", 2)[1].decode()
        if status == "503" and b"\r\nretry-after:" in head.lower():
            status += " with Retry-After"
        return status
    except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError) as e:
        return type(e).__name__
    finally:
        writer.close()

async def main():
    conns = await asyncio.gather(*(connect() for _ in range(n)))
    start = time.monotonic()
    answers = await asyncio.gather(*(login(c, i) for i, c in enumerate(conns)))
    counts = collections.Counter(answers)
    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + f" (all answered in {time.monotonic() - start:.1f} s)")

asyncio.run(main())
PY
burst=$(/usr/bin/python3 "$WORK/burst.py" "$PORT" "$BURST" "$PASSWORD" "${NIRS[@]}")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
echo "4. $BURST simultaneous logins: peak RSS $((hwm / 1024)) MiB (before: $((rss_before / 1024)) MiB; goal ≤ 256 MB); answers: $burst"
