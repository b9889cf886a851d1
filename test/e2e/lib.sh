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

e2e_cleanup() {
  if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  psql -q "$GUICHET_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $E2E_DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$E2E_DIR"
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
  export GUICHET_MAIL_DIR="$E2E_DIR/mail" GUICHET_SMS_FILE="$E2E_DIR/sms.log"
}

create_database() {
  psql -q -v ON_ERROR_STOP=1 "$GUICHET_TEST_PG_ADMIN_URL" -c "CREATE DATABASE $E2E_DB" >/dev/null
}

# Starts `guichet serve` (migrating first) and waits until /health/ready answers.
start_server() {
  create_database
  export_service_env
  "$GUICHET_BIN" migrate >/dev/null
  PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  export GUICHET_LISTEN="127.0.0.1:$PORT"
  BASE="http://127.0.0.1:$PORT"
  "$GUICHET_BIN" serve >"$E2E_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if curl -fs "$BASE/health/ready" >/dev/null 2>&1; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$E2E_DIR/server.log" >&2; echo "server died" >&2; exit 1; }
    sleep 0.1
  done
  cat "$E2E_DIR/server.log" >&2
  echo "server not ready" >&2
  exit 1
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

admin_call() {  # admin_call METHOD PATH BODY
  json_call "$1" "$2" "$3" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN"
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
json_is() { [ "$(jq -r "$1" <<<"$BODY" 2>/dev/null)" = "$2" ]; }
header_has() { grep -qi "^$1:" "$HEADERS"; }
is_problem() {  # is_problem STATUS CODE: problem+json with that status and code, and a request id
  [ "$STATUS" = "$1" ] && grep -qi '^content-type: application/problem+json' "$HEADERS" \
    && json_is .code "$2" && json_is .status "$1" && header_has X-Request-Id
}

finish() {
  echo "$((CHECKS - FAILURES)) passed, $FAILURES failed"
  [ "$FAILURES" -eq 0 ]
}
