# Shared by the end-to-end tests: a fresh database on the PostgreSQL of scripts/test, a real
# `guichet serve` on a free port, and curl helpers. Sourced, not executed.
# shellcheck shell=bash
set -euo pipefail

: "${GUICHET_BIN:?set by ctest}" "${GUICHET_SOURCE_DIR:?set by ctest}"
: "${GUICHET_TEST_PG_ADMIN_URL:?run ./scripts/test}"

E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/guichet-e2e.XXXXXX")
E2E_DB="e2e_$(basename "$E2E_DIR" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z')"
FAILURES=0
CHECKS=0

SERVER_PIDS=()
HELPER_PIDS=()
e2e_cleanup() {
  local pid
  for pid in "${SERVER_PIDS[@]}" "${HELPER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}" "${HELPER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -q "$GUICHET_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $E2E_DB WITH (FORCE)" >/dev/null 2>&1 || true
  # A failed run keeps its mail, SMS and server logs for whoever reads the failure.
  if [ "$FAILURES" -gt 0 ]; then echo "kept for inspection: $E2E_DIR" >&2; else rm -rf "$E2E_DIR"; fi
}
trap e2e_cleanup EXIT

db_url() {  # the admin URL with our database name in place of /postgres
  echo "$GUICHET_TEST_PG_ADMIN_URL" | sed "s#/postgres?#/$E2E_DB?#"
}

key() { head -c 32 /dev/urandom | base64; }

# The environment of a configured service; tests override what they are about.
export_service_env() {
  export GUICHET_DATABASE_URL; GUICHET_DATABASE_URL=$(db_url)
  export GUICHET_DATA_KEY; GUICHET_DATA_KEY=$(key)
  export GUICHET_SIGNING_KEY; GUICHET_SIGNING_KEY=$(key)
  export GUICHET_ADMIN_TOKEN="e2e-admin-token-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export GUICHET_PRINT_TOKEN="e2e-print-token-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export GUICHET_METRICS_TOKEN="e2e-metrics-token-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export GUICHET_MAIL_DIR="$E2E_DIR/mail" GUICHET_SMS_FILE="$E2E_DIR/sms.log"
  # Every request of a test comes from 127.0.0.1: the per-address and per-session rates are off
  # unless the test is about them (abuse.sh). The per-NIR and per-destination limits stay on.
  export GUICHET_RATE_LIMITS="${GUICHET_RATE_LIMITS:-off}"
  # Nothing to warn before a test stops a server (shutdown.sh is about the delay).
  export GUICHET_SHUTDOWN_DELAY_SECONDS="${GUICHET_SHUTDOWN_DELAY_SECONDS:-0}"
}

create_database() {
  psql -q -v ON_ERROR_STOP=1 "$GUICHET_TEST_PG_ADMIN_URL" -c "CREATE DATABASE $E2E_DB" >/dev/null
}

# Starts `guichet serve` (migrating first) and waits until /health/ready answers.
start_server() {
  create_database
  export_service_env
  "$GUICHET_BIN" migrate >/dev/null
  launch_server
}

# Starts one more `guichet serve` on the current database and environment, on a free port;
# sets SERVER_PID, PORT and BASE (the last one started), and SERVER_LOG.
launch_server() {
  PORT=${E2E_PORT:-$(free_port)}  # E2E_PORT: a port chosen before, for a GUICHET_PUBLIC_URL that names it
  BASE="http://127.0.0.1:$PORT"
  SERVER_LOG="$E2E_DIR/server-$PORT.log"
  GUICHET_LISTEN="127.0.0.1:$PORT" "$GUICHET_BIN" serve >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  for _ in $(seq 1 100); do
    if curl -fs "$BASE/health/ready" >/dev/null 2>&1; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; echo "server died" >&2; exit 1; }
    sleep 0.1
  done
  cat "$SERVER_LOG" >&2
  echo "server not ready" >&2
  exit 1
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A private SMTP server (aiosmtpd, writing a Maildir) that a test may stop and restart.
# start_smtp PORT DIR; its PID is in SMTP_PID. Messages land in DIR/new/.
start_smtp() {
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$1" -c aiosmtpd.handlers.Mailbox "$2" >>"$E2E_DIR/smtp.log" 2>&1 &
  SMTP_PID=$!
  HELPER_PIDS+=("$SMTP_PID")
  for _ in $(seq 1 100); do
    /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "SMTP server did not start" >&2; exit 1
}
mail_count() { find "$1/new" -type f 2>/dev/null | wc -l; }

# The SMS sink of test/support/sms_sink.py on a free port: SINK is its base URL.
start_sms_sink() {
  local port; port=$(free_port)
  /usr/bin/python3 "$GUICHET_SOURCE_DIR/test/support/sms_sink.py" --port "$port" --log "$E2E_DIR/sms-sink.jsonl" \
    >"$E2E_DIR/sms-sink.out" 2>&1 &
  HELPER_PIDS+=("$!")
  SINK="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -fs "$SINK/_messages" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "SMS sink did not start" >&2; exit 1
}
sink_control() { curl -fs -X POST -H 'Content-Type: application/json' --data-binary "$1" "$SINK/_control" >/dev/null; }
sink_count() { curl -fs "$SINK/_messages" | jq length; }

# The real delivery path of the procedures' e2e tests: an SMTP server writing MAILDIR and the SMS
# sink, both configured for the next start_server, with a quick outbox and links to PUBLIC_URL.
start_real_delivery() {
  SMTP_PORT=$(free_port)
  MAILDIR="$E2E_DIR/maildir"
  start_smtp "$SMTP_PORT" "$MAILDIR"
  start_sms_sink
  export GUICHET_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" GUICHET_MAIL_FROM="no-reply@guichet.test"
  export GUICHET_SMS_URL="$SINK/sms" GUICHET_SMS_TOKEN="sms-test-token"
  # A send that fails is tried again within a second (the default starts at 2 s): the member
  # waits in front of the screen, and so does the test.
  export GUICHET_OUTBOX_POLL_MS=50 GUICHET_OUTBOX_RETRY_BASE_MS=1000 GUICHET_PUBLIC_URL="https://espace.exemple.fr"
}

# sms_texts NUMBER: the text of each SMS the sink accepted for NUMBER (E.164), in the order they
# were queued (the outbox id in Idempotency-Key; two delivery threads may deliver out of order),
# each once (delivery is at least once), one line each.
sms_texts() {
  jq -rs --arg to "$1" '
    [.[] | select(.json.to == $to and (.status // 200) < 300)]
    | map(. + {n: (try ((.idempotency_key // "") | capture("^<(?<n>[0-9]+)[.]outbox@").n | tonumber) catch 0)})
    | unique_by(.idempotency_key // .body) | sort_by(.n) | .[].json.text' "$E2E_DIR/sms-sink.jsonl" 2>/dev/null || true
}
# mail_texts RECIPIENT: the plain text of each mail in MAILDIR to RECIPIENT, in the order they
# were queued, one line each (test/support/mailbox.py).
mail_texts() { /usr/bin/python3 "$GUICHET_SOURCE_DIR/test/support/mailbox.py" "$MAILDIR" texts "$1"; }
# links_to PATH RECIPIENT: the tokens of the links to PATH mailed to RECIPIENT, in the order queued.
links_to() { /usr/bin/python3 "$GUICHET_SOURCE_DIR/test/support/mailbox.py" "$MAILDIR" links "$2" "$1"; }
# wait_link PATH RECIPIENT COUNT: waits for the COUNT-th such link and sets TOKEN to the last
# queued; TOKEN is empty when it did not come. The tokens are read once per try, so the count and
# the token are of the same reading.
wait_link() {
  local i tokens
  TOKEN=""
  for i in $(seq 1 150); do
    tokens=$(links_to "$1" "$2")
    if [ -n "$tokens" ] && [ "$(wc -l <<<"$tokens")" -ge "$3" ]; then
      TOKEN=$(tail -n 1 <<<"$tokens")
      return 0
    fi
    sleep 0.2
  done
}
# wait_for SECONDS COMMAND…: polls until COMMAND succeeds; false on time-out.
wait_for() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.2
  done
}

# call METHOD PATH [curl args…]: sets STATUS, BODY, HEADERS (file) for the last answer.
call() {
  local method=$1 path=$2; shift 2
  HEADERS="$E2E_DIR/headers"
  BODY=$(curl -s -X "$method" -D "$HEADERS" -o - -w '\n%{http_code}' --max-time 20 "$@" "$BASE$path") || true
  STATUS=${BODY##*$'\n'}
  BODY=${BODY%$'\n'*}
}

json_call() {  # json_call METHOD PATH BODY [curl args…]
  local method=$1 path=$2 body=$3; shift 3
  call "$method" "$path" -H 'Content-Type: application/json' --data-binary "$body" "$@"
}

admin_call() {  # admin_call METHOD PATH BODY [curl args…]: an agent's write, naming the agent
  local method=$1 path=$2 body=$3; shift 3
  json_call "$method" "$path" "$body" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" -H "X-Agent-Id: agent.e2e" "$@"
}

print_call() {  # print_call METHOD PATH [curl args…]: the print provider reading or acknowledging letters
  local method=$1 path=$2; shift 2
  call "$method" "$path" -H "Authorization: Bearer $GUICHET_PRINT_TOKEN" -H "X-Agent-Id: print-provider" "$@"
}

check() {  # check DESCRIPTION COMMAND…
  local what=$1; shift
  CHECKS=$((CHECKS + 1))
  if "$@"; then
    printf '  ok   %s\n' "$what"
  else
    printf '  FAIL %s\n       status=%s body=%.400s\n' "$what" "${STATUS:-}" "${BODY:-}"
    FAILURES=$((FAILURES + 1))
  fi
}

status_is() { [ "$STATUS" = "$1" ]; }
json_true() { jq -e "$1" <<<"$BODY" >/dev/null 2>&1; }  # json_true JQ_FILTER: the filter holds on BODY
json_is() { [ "$(jq -r "$1" <<<"$BODY" 2>/dev/null)" = "$2" ]; }
header_has() { grep -qi "^$1:" "$HEADERS"; }
header_is() {  # header_is NAME VALUE: the last answer's first NAME header is exactly VALUE
  [ "$(grep -i "^$1:" "$HEADERS" | head -n 1 | cut -d: -f2- | sed 's/^ *//' | tr -d '\r')" = "$2" ]
}
is_problem() {  # is_problem STATUS CODE: problem+json with that status and code, and a request id
  [ "$STATUS" = "$1" ] && grep -qi '^content-type: application/problem+json' "$HEADERS" \
    && json_is .code "$2" && json_is .status "$1" && header_has X-Request-Id
}

finish() {
  if [ "$FAILURES" -gt 0 ]; then
    local log
    for log in "$E2E_DIR"/server-*.log; do
      [ -f "$log" ] || continue
      echo "--- last errors of $(basename "$log")"; grep -E '"level":"(error|warning)"' "$log" | tail -n 5
    done
  fi
  echo "$((CHECKS - FAILURES)) passed, $FAILURES failed"
  [ "$FAILURES" -eq 0 ]
}
