#!/usr/bin/env bash
# End to end (issue 15, retention): `guichet purge` deletes what is due of rows the real service
# wrote, prints it per kind and table, keeps what is live, waits while another process purges;
# every `guichet serve` purges in the background, in batches, one process at a time, and stops
# between two batches on SIGTERM, leaving the rest to the next one.
source "$(dirname "$0")/lib.sh"
export GUICHET_IDENTIFIER_SWITCH=offered
export GUICHET_PURGE_INTERVAL_SECONDS=0  # the first server does not purge: `guichet purge` does
start_server
sql() { psql -qtA -v ON_ERROR_STOP=1 "$(db_url)" -c "$1"; }
agent_get() { call GET "$1" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" -H "X-Agent-Id: agent.e2e"; }

# Rows of every kind, written by the service itself.
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null
BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('Ancien-Mot2passe!', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
admin_call POST /v1/admin/accounts "{\"nir\":\"184027512345674\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}"
JEAN=$(jq -r .id <<<"$BODY")
login() { json_call POST /v1/sessions "{\"identifier\":\"$1\",\"password\":\"$2\"}"; }
login 184027512345674 'Ancien-Mot2passe!'
ENDED=$(jq -r .access_token <<<"$BODY")
call DELETE /v1/sessions/current -H "Authorization: Bearer $ENDED"
check "a session ended by logout" status_is 204
login 184027512345674 'Ancien-Mot2passe!'
LIVE=$(jq -r .access_token <<<"$BODY")
login personne@exemple.fr 'Pas-Le-Bon1!'
check "a failed login on an unknown email is counted" is_problem 401 invalid_credentials
json_call POST /v1/flows/registration '{"nir":"2690299350042"}'
OLD_FLOW=$(jq -r .id <<<"$BODY")
json_call POST /v1/flows/registration '{"nir":"2690299350042"}'
LIVE_FLOW=$(jq -r .id <<<"$BODY")
check "two registration flows" test -n "$OLD_FLOW" -a -n "$LIVE_FLOW" -a "$OLD_FLOW" != "$LIVE_FLOW"
"$GUICHET_ENQUEUE" 3 email "jean.martin@exemple.fr" >/dev/null
sent() { [ "$(sql "SELECT count(*) FROM outbox WHERE status = 'sent'")" = 3 ]; }
check "three messages sent (to the local mailbox)" wait_for 20 sent
agent_get "/v1/admin/accounts/$JEAN/events?limit=200"
logins_before=$(jq '[.[] | select(.kind == "login_succeeded")] | length' <<<"$BODY")
first_login=$(jq -r '[.[] | select(.kind == "login_succeeded")] | last | .at' <<<"$BODY")
check "the account's events show its two logins" test "$logins_before" = 2

# Time passes: some of them are now past their retention.
sql "UPDATE flows SET expires_at = now() - interval '2 days' WHERE id = '$OLD_FLOW';
     UPDATE sessions SET revoked_at = now() - interval '31 days' WHERE revoked_at IS NOT NULL;
     UPDATE login_throttle SET updated_at = now() - interval '31 days';
     UPDATE outbox SET sent_at = now() - interval '31 days' WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT 2);
     UPDATE security_events SET created_at = now() - interval '401 days' WHERE kind = 'account_imported';" >/dev/null
# Every identifier tried has its row (the NIR's, cleared by its logins, and the unknown email's).
throttled=$(sql "SELECT count(*) FROM login_throttle")

set +e
OUT=$("$GUICHET_BIN" purge 2>&1); CODE=$?
set -e
says() { grep -qx -- "$1" <<<"$OUT" || { echo "       output: ${OUT:0:800}"; return 1; }; }
check "guichet purge exits 0" test "$CODE" = 0
check "… and prints the expired flow it deleted" says "flows (flows): 1"
check "… the ended session" says "sessions (sessions): 1"
check "… the failed login idle for 31 days, and the NIR's cleared count" says "login_throttle (login_throttle): $throttled"
check "… the two messages sent 31 days ago" says "sent_messages (outbox): 2"
check "… the security event 401 days old" says "security_events (security_events): 1"
check "… nothing of the kinds with nothing due" says "dead_messages (outbox): 0"
total=$(grep -E '^[a-z_]+ \([a-z_]+\): [0-9]+$' <<<"$OUT" | awk '{ n++; sum += $3 } END { print n, sum }')
check "… one line per kind, and their total ($total)" bash -c "[ '$total' = '15 $((5 + throttled))' ] && grep -qE '^purged $((5 + throttled)) rows in [0-9.e-]+ s\$' <<<'$OUT'"

call GET "/v1/flows/$OLD_FLOW"
check "the purged flow is gone" is_problem 404 not_found
call GET "/v1/flows/$LIVE_FLOW"
check "the live flow stays" status_is 200
call GET /v1/me -H "Authorization: Bearer $LIVE"
check "the live session stays" status_is 200
check "the message sent today stays" test "$(sql "SELECT count(*) FROM outbox")" = 1
check "the members and the account stay" test "$(sql "SELECT count(*) FROM accounts")" = 1
agent_get "/v1/admin/accounts/$JEAN/events?limit=200"
check "the account's events still show both logins, the purged session's at its time ($first_login)" \
  json_true "[.[] | select(.kind == \"login_succeeded\")] | length == $logins_before and (last | .at) == \"$first_login\""
check "… and the event past 400 days is gone" json_true '[.[] | select(.kind == "account_imported")] | length == 0'

OUT=$("$GUICHET_BIN" purge 2>&1)
check "a second purge finds nothing" grep -q '^purged 0 rows in' <<<"$OUT"

# Another process holds the purge's lock for 3 s: guichet purge waits for it, then purges.
LOCK_KEY=$((0x6775696370757267))
psql -qtA "$(db_url)" -c "SELECT pg_advisory_lock($LOCK_KEY)" -c "SELECT pg_sleep(3)" >/dev/null &
HELPER_PIDS+=("$!")
held() { [ "$(sql "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()")" = 1 ]; }
wait_for 10 held
started=$SECONDS
OUT=$("$GUICHET_BIN" purge 2>&1); CODE=$?
check "while another process purges, guichet purge says it waits" grep -q "another process is purging this database; waiting for it" <<<"$OUT"
check "… then purges once it is done" bash -c "[ $CODE = 0 ] && [ $((SECONDS - started)) -ge 1 ] && grep -q '^purged 0 rows' <<<'$OUT'"

kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true

# The background purge: 100,000 expired flows, more than one batch of many.
sql "INSERT INTO flows (id, type, state, sealed, expires_at)
     SELECT 'old-' || i, 'registration', 'identity', '\x00', now() - interval '2 days' FROM generate_series(1, 100000) i" >/dev/null
flows() { sql "SELECT count(*) FROM flows WHERE id LIKE 'old-%'"; }
export GUICHET_PURGE_INTERVAL_SECONDS=1
launch_server
FIRST_LOG=$SERVER_LOG
purging() { [ "$(flows)" -lt 100000 ]; }
check "a serve purges by itself, one interval after it started" wait_for 20 purging
call GET "/v1/flows/$LIVE_FLOW"
check "… while it answers requests" status_is 200
check "… batch by batch: there is more to purge yet" test "$(flows)" -gt 0
started=$(date +%s%N)
kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; code=$?
took_ms=$((($(date +%s%N) - started) / 1000000))
left=$(flows)
check "SIGTERM stops it within a batch: it exits 0 within 2 s (took ${took_ms} ms)" bash -c "[ $code = 0 ] && [ $took_ms -lt 2000 ]"
check "… leaving the rest for later" test "$left" -gt 0
first=$(grep '"event":"purge"' "$FIRST_LOG" | jq -s 'map(.flows) | add // 0')
check "… and it logged what it purged until then" test "$first" = $((100000 - left))

# Two more processes: one of them purges at a time, and together they purge the rest.
launch_server
SECOND_LOG=$SERVER_LOG
launch_server
THIRD_LOG=$SERVER_LOG
done_purging() { [ "$(flows)" = 0 ]; }
check "the next processes purge the rest" wait_for 60 done_purging
logged() { cat "$SECOND_LOG" "$THIRD_LOG" | grep '"event":"purge"' | jq -s 'map(.flows) | add // 0'; }
all_logged() { [ "$(logged)" = "$left" ]; }
wait_for 5 all_logged || true  # the log line comes after the last, empty batch
check "… each row once: their logs add up to what was left ($(logged) of $left)" all_logged
check "no purge failed" bash -c "! grep -h '\"event\":\"purge_error\"' '$FIRST_LOG' '$SECOND_LOG' '$THIRD_LOG' | grep -q ."

# A serve that purges every 5 minutes (the default) stops at once too.
unset GUICHET_PURGE_INTERVAL_SECONDS
launch_server
started=$(date +%s%N)
kill -TERM "${SERVER_PIDS[@]: -3}"
for pid in "${SERVER_PIDS[@]: -3}"; do wait "$pid" || true; done
took_ms=$((($(date +%s%N) - started) / 1000000))
check "three serves waiting for their next purge stop within 2 s (took ${took_ms} ms)" test "$took_ms" -lt 2000

finish
