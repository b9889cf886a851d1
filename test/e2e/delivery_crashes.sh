#!/usr/bin/env bash
# End to end (issue 3): delivery survives a dispatcher killed mid-send, and two `guichet serve`
# processes on one database share the work without sending a message twice.
source "$(dirname "$0")/lib.sh"

start_sms_sink
SMTP_PORT=$(free_port)
MAILDIR="$E2E_DIR/maildir"
start_smtp "$SMTP_PORT" "$MAILDIR"
export GUICHET_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" GUICHET_MAIL_FROM="no-reply@guichet.test"
export GUICHET_SMS_URL="$SINK/sms"
export GUICHET_OUTBOX_RETRY_BASE_MS=200 GUICHET_OUTBOX_POLL_MS=50 GUICHET_OUTBOX_LEASE_SECONDS=3

# 1. SIGKILL while sending: every message is delivered after a restart.
sink_control '{"delay_ms": 400}'   # each SMS takes a while, so the kill lands mid-send
start_server
"$GUICHET_ENQUEUE" 20 sms "+33612345678" >/dev/null
wait_for 20 bash -c "[ \$(curl -s '$SINK/_messages' | jq length) -ge 3 ]" || true
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
before=$(sink_count)
check "the kill happened mid-way" bash -c "[ $before -ge 1 ] && [ $before -lt 20 ]"
sink_control '{"delay_ms": 0}'
launch_server
wait_for 60 bash -c "[ \$(curl -s '$SINK/_messages' | jq '[.[].json.text] | unique | length') -ge 20 ]" || true
check "after the restart all 20 SMS are delivered" \
  test "$(curl -s "$SINK/_messages" | jq '[.[].json.text] | unique | length')" = 20
call GET "/v1/admin/messages?status=sent" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN"
check "and recorded as sent" json_is 'length' 20
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true

# 2. Two serve processes on one database: every message once.
launch_server; first=$SERVER_PID
launch_server; second=$SERVER_PID
"$GUICHET_ENQUEUE" 200 email "marie.santoni@exemple.fr" >/dev/null
wait_for 90 bash -c "[ \$(find '$MAILDIR/new' -type f | wc -l) -ge 200 ]" || true
sleep 1   # let a duplicate, if any, arrive
check "two dispatchers deliver all 200 emails" test "$(mail_count "$MAILDIR")" = 200
check "none twice (200 distinct Message-IDs)" \
  test "$(grep -hi '^Message-ID:' "$MAILDIR"/new/* | sort -u | wc -l)" = 200
emailing_logs=$(grep -l '"channel":"email".*"outcome":"sent"' "$E2E_DIR"/server-*.log | wc -l)
check "both processes took part" test "$emailing_logs" = 2
kill "$first" "$second"

finish
