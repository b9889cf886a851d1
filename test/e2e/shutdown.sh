#!/usr/bin/env bash
# End to end (issue 15): a graceful shutdown under a steady load. On SIGTERM /health/ready says
# 503 at once while requests are still served for GUICHET_SHUTDOWN_DELAY_SECONDS; then new
# connections are refused, every request that was accepted gets a whole answer (logins being
# hashed included), the delivery threads give back what they claimed, and the process exits 0.
source "$(dirname "$0")/lib.sh"

start_sms_sink
export GUICHET_SMS_URL="$SINK/sms" GUICHET_OUTBOX_POLL_MS=50
export GUICHET_SHUTDOWN_DELAY_SECONDS=2 GUICHET_SHUTDOWN_GRACE_SECONDS=20
start_server
FIRST_LOG=$SERVER_LOG
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null
BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('Ancien-Mot2passe!', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
admin_call POST /v1/admin/accounts "{\"nir\":\"184027512345674\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}"
json_call POST /v1/sessions '{"identifier":"184027512345674","password":"Ancien-Mot2passe!"}'
check "the member logs in before the load" status_is 200
sql() { psql -qtA "$(db_url)" -c "$1"; }

# Slow SMS being delivered when the signal comes: each takes 400 ms at the provider.
sink_control '{"delay_ms": 400}'
"$GUICHET_ENQUEUE" 40 sms "+33633333333" >/dev/null

LOAD_LOG="$E2E_DIR/load.jsonl"
/usr/bin/python3 "$GUICHET_SOURCE_DIR/test/support/steady_load.py" --base "$BASE" --seconds 7 --threads 3 \
  --login '{"identifier":"184027512345674","password":"Ancien-Mot2passe!"}' --log "$LOAD_LOG" >"$E2E_DIR/load.json" &
LOAD_PID=$!
sleep 2
term_at=$(date +%s.%N)
kill -TERM "$SERVER_PID"
not_ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/health/ready")" = 503 ]; }
check "on SIGTERM, /health/ready answers 503 at once" wait_for 1 not_ready
call GET /health/ready
check "… a problem saying the service stops" json_true '.code == "unavailable" and (.detail | test("arrête"))'
call GET /health/live
check "… while the process is still live" status_is 200

wait "$LOAD_PID"
set +e
wait "$SERVER_PID"
exit_code=$?
set -e
stopped_at=$(date +%s.%N)
summary=$(cat "$E2E_DIR/load.json")
echo "  (load: $summary; the process took $(awk -v a="$term_at" -v b="$stopped_at" 'BEGIN { printf "%.1f", b - a }') s to stop)"
check "the process exits 0" test "$exit_code" = 0
check "its last log line says it stopped after going idle" \
  bash -c "tail -n 1 '$SERVER_LOG' | jq -e '.event == \"stopped\" and .idle == true' >/dev/null"
check "every request accepted got a whole answer: none dropped" test "$(jq .dropped <<<"$summary")" = 0
answered_after() {  # answered_after SECONDS PATH: requests to PATH answered 200 that were sent SECONDS after the signal
  jq -s --argjson t "$term_at" --argjson d "$1" --arg p "$2" \
    '[.[] | select(.outcome == "answered" and .status == 200 and .path == $p and .t > $t + $d)] | length' "$LOAD_LOG"
}
check "logins sent after the signal are still served during the delay" test "$(answered_after 0.2 /v1/sessions)" -ge 1
check "none of the load was refused during the delay" test "$(jq -s --argjson t "$term_at" \
  '[.[] | select(.outcome == "refused" and .t < $t + 1.5)] | length' "$LOAD_LOG")" = 0
check "after the delay, new connections are refused" test "$(jq .refused <<<"$summary")" -ge 1
check "no answer of the load was a 5xx" test "$(jq -s '[.[] | select(.status != null and .status >= 500)] | length' "$LOAD_LOG")" = 0
check "nothing is left claimed by the stopped process" test "$(sql "SELECT count(*) FROM outbox WHERE status = 'sending'")" = 0

sink_control '{"delay_ms": 0}'
launch_server
delivered() { [ "$(sql "SELECT count(*) FROM outbox WHERE status = 'sent'")" = 40 ]; }
wait_for 30 delivered || true
check "the next process delivers every message, at once rather than after a lease" delivered

cp "$FIRST_LOG" /tmp/last-shutdown-server.log 2>/dev/null || true
finish
