#!/usr/bin/env bash
# Outbox benchmark (issue 3), on the Release build:
#  1. throughput: N messages enqueued with the dispatcher stopped, then one `guichet serve`
#     delivers them to a local SMTP server (aiosmtpd, Sink handler); messages/s from the first to
#     the last acceptance, read from the outbox's own timestamps;
#  2. latency: with the dispatcher idle, messages enqueued one at a time; delay from commit
#     to acceptance by the SMTP server (sent_at − created_at), p50/p99/max;
#  3. recovery: the SMTP server stopped for OUTAGE seconds while OUTAGE_MESSAGES are queued
#     (one every 0.2 s at first), then started again; time from its restart to the last delivery.
# Usage: bench/outbox.sh [N=2000] [LATENCY_SAMPLES=200] [OUTAGE=60] [OUTAGE_MESSAGES=100]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/lib.sh"
N=${1:-2000}
SAMPLES=${2:-200}
OUTAGE=${3:-60}
OUTAGE_MESSAGES=${4:-100}

ensure_packages
build release >/dev/null
BIN="$ROOT/build/release/guichet"
ENQUEUE="$ROOT/build/release/guichet_test_enqueue"

bench_environment 54331
SMTP_PORT=$(free_port)
start_sink() {
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Sink >/dev/null 2>&1 &
  SMTP_PID=$!
  BENCH_PIDS+=("$SMTP_PID")
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && return 0; sleep 0.05; done
}
start_sink
export GUICHET_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" GUICHET_MAIL_FROM="no-reply@bench.test"
export GUICHET_LISTEN="127.0.0.1:$(free_port)"
"$BIN" migrate >/dev/null
sql() { psql -qtA "$GUICHET_DATABASE_URL" -c "$1"; }

wait_sent() {  # wait_sent COUNT
  for _ in $(seq 1 1200); do
    [ "$(sql "SELECT count(*) FROM outbox WHERE status = 'sent'")" -ge "$1" ] && return 0
    sleep 0.1
  done
  echo "timed out waiting for $1 sent messages" >&2; exit 1
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "workers: ${GUICHET_OUTBOX_WORKERS:-2}, poll: ${GUICHET_OUTBOX_POLL_MS:-250} ms"

# The baseline sends the very message the dispatcher sends: one rendered by `guichet serve`
# into a mail directory (the same bytes as over SMTP; aiosmtpd's work grows with its lines).
env -u GUICHET_SMTP_URL GUICHET_MAIL_DIR="$WORK/sample" "$BIN" serve >"$WORK/sample.log" 2>&1 &
SAMPLE_PID=$!
BENCH_PIDS+=("$SAMPLE_PID")
"$ENQUEUE" 1 email "bench@exemple.fr" >/dev/null
for _ in $(seq 1 100); do compgen -G "$WORK/sample/*.eml" >/dev/null && break; sleep 0.1; done
kill "$SAMPLE_PID"; wait "$SAMPLE_PID" 2>/dev/null || true
SAMPLE=$(compgen -G "$WORK/sample/*.eml" | head -n 1)
[ -n "$SAMPLE" ] || { echo "no sample message rendered" >&2; exit 1; }
sql "TRUNCATE outbox" >/dev/null
echo "message: $(wc -c <"$SAMPLE") bytes, $(wc -l <"$SAMPLE") lines"

# 1. Throughput.
"$ENQUEUE" "$N" email "bench@exemple.fr" >/dev/null
"$BIN" serve >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
BENCH_PIDS+=("$SERVER_PID")
wait_sent "$N"
echo "guichet CPU: $(awk "{printf \"%.2f s\", (\$14 + \$15) / $(getconf CLK_TCK)}" /proc/$SERVER_PID/stat)"
sql "SELECT format('throughput: %s messages in %s s = %s messages/s',
                   count(*), round(extract(epoch FROM max(sent_at) - min(sent_at))::numeric, 2),
                   round((count(*) / extract(epoch FROM max(sent_at) - min(sent_at)))::numeric, 0))
     FROM outbox WHERE status = 'sent'"

# Side by side: the same SMTP server fed directly by Python's smtplib, two clients in parallel
# as the two dispatcher threads, each keeping one connection as each of those threads does.
/usr/bin/python3 - "$SMTP_PORT" "$N" "$SAMPLE" "${GUICHET_OUTBOX_WORKERS:-2}" <<'PY'
import smtplib, sys, time, threading
port, n, clients = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[4])
msg = open(sys.argv[3], "rb").read()
def client(count):
    with smtplib.SMTP("127.0.0.1", port) as s:
        for _ in range(count):
            s.sendmail("no-reply@bench.test", ["bench@exemple.fr"], msg)
start = time.monotonic()
threads = [threading.Thread(target=client, args=(n // clients,)) for _ in range(clients)]
[t.start() for t in threads]; [t.join() for t in threads]
elapsed = time.monotonic() - start
print(f"baseline (smtplib, {clients} clients, one connection each): {n // clients * clients} messages in {elapsed:.2f} s = {n // clients * clients / elapsed:.0f} messages/s")
PY

# 2. Latency with an idle dispatcher.
sql "TRUNCATE outbox" >/dev/null
sleep 1
for _ in $(seq 1 "$SAMPLES"); do
  "$ENQUEUE" 1 email "bench@exemple.fr" >/dev/null
  sleep 0.05
done
wait_sent "$SAMPLES"
sql "SELECT format('latency commit→SMTP (%s samples): p50 %s ms, p99 %s ms, max %s ms', count(*),
                   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d)::numeric, 1),
                   round(percentile_cont(0.99) WITHIN GROUP (ORDER BY d)::numeric, 1),
                   round(max(d)::numeric, 1))
     FROM (SELECT extract(epoch FROM sent_at - created_at) * 1000 AS d FROM outbox WHERE status = 'sent') t"

# 3. Recovery after an outage of the SMTP server.
sql "TRUNCATE outbox" >/dev/null
kill "$SMTP_PID"; wait "$SMTP_PID" 2>/dev/null || true
for _ in $(seq 1 "$OUTAGE_MESSAGES"); do
  "$ENQUEUE" 1 email "bench@exemple.fr" >/dev/null
  sleep 0.2
done
sleep "$(awk -v o="$OUTAGE" -v m="$OUTAGE_MESSAGES" 'BEGIN { s = o - m * 0.2; print (s > 0 ? s : 0) }')"
start_sink
restarted=$(date +%s.%N)
wait_sent "$OUTAGE_MESSAGES"
sql "SELECT format('recovery: %s messages queued during a %s s outage, the last delivered %s s after the SMTP server came back (max attempts of one: %s)',
                   count(*), $OUTAGE, round((extract(epoch FROM max(sent_at)) - $restarted)::numeric, 2), max(attempts))
     FROM outbox WHERE status = 'sent'"
