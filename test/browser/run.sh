#!/usr/bin/env bash
# test/browser/run.sh [TEST FILE…] — the reference portal (examples/portal/) in a real browser
# (issue 16): Debian's chromium, headless, driven by playwright-core, against a real
# `guichet serve` on a fresh database, with a real SMTP server and the SMS sink (test/e2e/lib.sh)
# to read what members receive, and the portal served by examples/portal/serve.py from another
# origin (CORS). Screenshots of the main pages go to build/browser-artefacts/.
#
#   GUICHET_BIN                 the guichet to run; default /tmp/bins/guichet (ctest passes its build)
#   GUICHET_TEST_PG_ADMIN_URL   a PostgreSQL to create the test database on (./scripts/test's);
#                               unset, a private one is started and stopped here
#   GUICHET_BROWSER_ARTEFACTS   where screenshots go; default build/browser-artefacts
# Arguments: test files (default every test/browser/*.test.mjs).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/lib.sh"

ensure_packages chromium
command -v npm >/dev/null || ensure_packages nodejs npm
PLAYWRIGHT_DIR=${GUICHET_PLAYWRIGHT_DIR:-$DATA_DIR/tools/playwright}
bash "$ROOT/test/browser/install.sh" "$PLAYWRIGHT_DIR"

export GUICHET_BIN=${GUICHET_BIN:-/tmp/bins/guichet} GUICHET_SOURCE_DIR=$ROOT
[ -x "$GUICHET_BIN" ] || die "no guichet at $GUICHET_BIN (set GUICHET_BIN)"
PG_HOME=""
if [ -z "${GUICHET_TEST_PG_ADMIN_URL:-}" ]; then
  PG_HOME=$(mktemp -d "${TMPDIR:-/tmp}/guichet-browser-pg.XXXXXX")
  chmod 755 "$PG_HOME"  # the cluster runs as postgres when we are root
  GUICHET_PG_PORT=$(free_port) pg_start "$PG_HOME"
  export GUICHET_TEST_PG_ADMIN_URL=$PG_ADMIN_URL
fi

source "$ROOT/test/e2e/lib.sh"
cleanup() {
  e2e_cleanup
  if [ -n "$PG_HOME" ]; then pg_stop; rm -rf "$PG_HOME"; fi
}
trap cleanup EXIT

start_real_delivery  # SMTP into $MAILDIR, SMS to the sink, links to https://espace.exemple.fr
PORTAL_PORT=$(free_port)
PORTAL="http://127.0.0.1:$PORTAL_PORT"
export GUICHET_CORS_ORIGINS=$PORTAL GUICHET_LOGIN_URL="$PORTAL/login.html"
# The issuer (GUICHET_PUBLIC_URL) is the API's own address: the browser follows the provider's
# redirects there (single_sign_on.test.mjs). Mail links start with it too; the tests read their tokens.
E2E_PORT=$(free_port)
export GUICHET_PUBLIC_URL="http://127.0.0.1:$E2E_PORT"
start_server
/usr/bin/python3 "$ROOT/examples/portal/serve.py" --listen "127.0.0.1:$PORTAL_PORT" --api "$BASE" >"$E2E_DIR/portal.log" 2>&1 &
HELPER_PIDS+=("$!")
portal_up() { curl -fs -o /dev/null "$PORTAL/login.html"; }
wait_for 10 portal_up || { cat "$E2E_DIR/portal.log" >&2; die "the portal did not start"; }

ARTEFACTS=${GUICHET_BROWSER_ARTEFACTS:-$ROOT/build/browser-artefacts}
rm -rf "$ARTEFACTS"
mkdir -p "$ARTEFACTS"
export GUICHET_API=$BASE GUICHET_PORTAL=$PORTAL GUICHET_PLAYWRIGHT_DIR=$PLAYWRIGHT_DIR \
  GUICHET_BROWSER_ARTEFACTS=$ARTEFACTS GUICHET_TEST_MAILDIR=$MAILDIR GUICHET_TEST_SMS_LOG="$E2E_DIR/sms-sink.jsonl"

cd "$ROOT"
if [ $# -eq 0 ]; then set -- test/browser/*.test.mjs; fi
status=0
# One test file at a time: one chromium, one guichet and one PostgreSQL share the 2 cores.
node --test --test-concurrency=1 "$@" || status=$?
if [ "$status" -ne 0 ]; then
  FAILURES=1  # e2e_cleanup keeps $E2E_DIR: mail, SMS and the server's log
  echo "--- last errors of the server"; grep -E '"level":"(error|warning)"' "$SERVER_LOG" | tail -n 5 || true
fi
echo "screenshots: $ARTEFACTS"
exit "$status"
