#!/usr/bin/env bash
# Retention benchmark (issue 15), on the Release build: rows purged per second.
#  1. `guichet purge` on N due rows spread over every kind (flows, links, codes, failed logins,
#     request rates, exact windows, sent and dead messages, ended sessions with two refresh tokens
#     each, security events), beside as many live rows of the same tables, which it must keep:
#     rows per second, whole and per kind (each kind alone, in its own round);
#  2. the same rows purged by one `guichet serve` in the background (batches of 1,000, 10 ms
#     between two batches): rows per second, read from its log line, and GET /health/ready
#     (a PostgreSQL query each) before and during that purge.
# Usage: bench/purge.sh [N=300000]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/lib.sh"
N=${1:-300000}

ensure_packages
build release >/dev/null
BIN="$ROOT/build/release/guichet"

bench_environment "${GUICHET_PG_PORT:-54336}"
"$BIN" migrate >/dev/null
sql() { psql -qtA -v ON_ERROR_STOP=1 "$GUICHET_DATABASE_URL" -c "$1"; }

KINDS=(flows links codes login_throttle rate_limits limit_windows sent_messages dead_messages sessions security_events)
sql "INSERT INTO members (nir_index, nir_cipher, last_name, first_name, birth_date, member_type)
     SELECT decode(md5('m' || i), 'hex'), '\x00', 'Martin', 'Jean', '1984-02-29', 'particulier' FROM generate_series(1, 1000) i;
     INSERT INTO accounts (member_id, status) SELECT id, 'active' FROM members ORDER BY id;" >/dev/null

# fill KIND COUNT: COUNT due rows of KIND and COUNT live ones (the live ones once per kind).
fill() {
  local n=$2 tag; tag="$1-$RANDOM$RANDOM"
  local now_us="(extract(epoch FROM now()) * 1e6)::bigint"
  case $1 in
    flows) sql "INSERT INTO flows (id, type, state, sealed, expires_at)
                SELECT '$tag-' || i, 'registration', 'identity', '\x00', now() + CASE WHEN i % 2 = 0 THEN interval '-2 days' ELSE interval '1 hour' END
                FROM generate_series(1, 2 * $n) i" ;;
    links) sql "INSERT INTO link_tokens (token_hash, purpose, account_id, expires_at, used_at, created_at)
                SELECT decode(md5('$tag' || i), 'hex'), 'password_reset', 1 + i % 1000,
                       now() + CASE WHEN i % 2 = 0 THEN interval '-2 days' ELSE interval '1 day' END, NULL, now() - interval '3 days'
                FROM generate_series(1, 2 * $n) i" ;;
    codes) sql "INSERT INTO codes (owner, purpose, code_hash, expires_at, used_at)
                SELECT '$tag-' || i, 'security', '\x00', now() + interval '20 minutes',
                       CASE WHEN i % 2 = 0 THEN now() - interval '2 days' END
                FROM generate_series(1, 2 * $n) i" ;;
    login_throttle) sql "INSERT INTO login_throttle (identifier_key, failures, updated_at)
                SELECT decode(md5('$tag' || i), 'hex'), 1, now() - CASE WHEN i % 2 = 0 THEN interval '31 days' ELSE interval '1 day' END
                FROM generate_series(1, 2 * $n) i" ;;
    rate_limits) sql "INSERT INTO rate_limits (key, tat_us, allowed)
                SELECT decode(md5('$tag' || i), 'hex'), $now_us + CASE WHEN i % 2 = 0 THEN -1000000 ELSE 3600000000 END, true
                FROM generate_series(1, 2 * $n) i" ;;
    limit_windows) sql "INSERT INTO limit_windows (key, events_us, allowed, expires_us)
                SELECT decode(md5('$tag' || i), 'hex'), ARRAY[$now_us - 86400000000], true,
                       $now_us + CASE WHEN i % 2 = 0 THEN -1000000 ELSE 3600000000 END
                FROM generate_series(1, 2 * $n) i" ;;
    sent_messages) sql "INSERT INTO outbox (channel, recipient, kind, status, created_at, sent_at, next_attempt_at)
                SELECT 'email', 'bench@exemple.fr', 'security_code', 'sent', now() - interval '40 days',
                       now() - CASE WHEN i % 2 = 0 THEN interval '31 days' ELSE interval '1 day' END, now() - interval '40 days'
                FROM generate_series(1, 2 * $n) i" ;;
    dead_messages) sql "INSERT INTO outbox (channel, recipient, kind, status, created_at, next_attempt_at)
                SELECT 'sms', '+33612345678', 'security_code', 'dead', now() - interval '100 days',
                       now() - CASE WHEN i % 2 = 0 THEN interval '91 days' ELSE interval '1 day' END
                FROM generate_series(1, 2 * $n) i" ;;
    sessions) sql "INSERT INTO sessions (id, account_id, created_at, last_used_at, expires_at, revoked_at, opened_by)
                SELECT '$tag-' || i, 1 + i % 1000, now() - interval '40 days', now() - interval '32 days',
                       now() + interval '1 day', CASE WHEN i % 2 = 0 THEN now() - interval '31 days' END, 'password'
                FROM generate_series(1, 2 * $n) i;
                INSERT INTO refresh_tokens (token_hash, session_id, used_at)
                SELECT decode(md5('$tag' || i || '-' || r), 'hex'), '$tag-' || i, now() - interval '40 days'
                FROM generate_series(1, 2 * $n) i, generate_series(1, 2) r" ;;
    security_events) sql "INSERT INTO security_events (account_id, kind, detail, created_at)
                SELECT 1 + i % 1000, 'login_failed', '', now() - CASE WHEN i % 2 = 0 THEN interval '401 days' ELSE interval '1 day' END
                FROM generate_series(1, 2 * $n) i" ;;
  esac >/dev/null
}
fill_all() { local k; for k in "${KINDS[@]}"; do fill "$k" "$(($1 / ${#KINDS[@]}))"; done; sql "VACUUM ANALYZE" >/dev/null; }
table_rows() { sql "SELECT (SELECT count(*) FROM flows) + (SELECT count(*) FROM link_tokens) + (SELECT count(*) FROM codes)
                         + (SELECT count(*) FROM login_throttle) + (SELECT count(*) FROM rate_limits) + (SELECT count(*) FROM limit_windows)
                         + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM sessions) + (SELECT count(*) FROM security_events)"; }
# purged_line OUT: the "purged N rows in S s" line of `guichet purge`, as "N S".
purged_of() { sed -n 's/^purged \([0-9]*\) rows in \([0-9.e+-]*\) s$/\1 \2/p' <<<"$1"; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

# 1. guichet purge, every kind together.
fill_all "$N"
before=$(table_rows)
OUT=$("$BIN" purge)
read -r purged seconds < <(purged_of "$OUT")
echo "guichet purge: $purged due rows among $before in $seconds s = $(rate "$purged" "$seconds") rows/s ($(table_rows) rows left: the live ones, and a login event per purged session)"
grep -E '^[a-z_]+ \(' <<<"$OUT" | sed 's/^/  /'

# … and each kind alone, N / 10 due rows beside as many live ones (and what the rounds before kept).
for kind in "${KINDS[@]}"; do
  fill "$kind" "$((N / ${#KINDS[@]}))"
  sql "VACUUM ANALYZE" >/dev/null
  read -r purged seconds < <(purged_of "$("$BIN" purge)")
  printf '  %-16s %7d rows in %6.2f s = %6d rows/s\n' "$kind" "$purged" "$seconds" "$(rate "$purged" "$seconds")"
done

# 2. The background purge of a serve: the same rows, batches of 1,000 with 10 ms between them.
# Its first purge starts 6 s after it does: `GET /health/ready` (one PostgreSQL query per
# request), 3 s before and 3 s during the purge, shows what the purge costs the requests.
fill_all "$N"
export GUICHET_PURGE_INTERVAL_SECONDS=6 GUICHET_LOG_LEVEL=info GUICHET_LISTEN="127.0.0.1:$(free_port)" GUICHET_RATE_LIMITS=off
"$BIN" serve >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
BENCH_PIDS+=("$SERVER_PID")
URL="http://$GUICHET_LISTEN"
for _ in $(seq 1 100); do curl -fs "$URL/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
ready() { wrk -t1 -c4 -d3s --latency "$URL/health/ready" | awk '/Requests\/sec/ { r = $2 } /^ +99%/ { p = $2 } END { printf "%.0f req/s, p99 %s", r, p }'; }
wrk -t1 -c4 -d1s "$URL/health/ready" >/dev/null  # warm-up: the pool's connections open
echo "GET /health/ready, no purge:     $(ready)"
sleep 2
echo "GET /health/ready, while purging: $(ready)"
for _ in $(seq 1 1200); do grep -q '"event":"purge"' "$WORK/serve.log" && break; sleep 0.5; done
line=$(grep -m1 '"event":"purge"' "$WORK/serve.log")
rows=$(jq .rows <<<"$line"); seconds=$(jq '.ms / 1000' <<<"$line")
echo "guichet serve (background): $rows rows in $seconds s = $(rate "$rows" "$seconds") rows/s"
