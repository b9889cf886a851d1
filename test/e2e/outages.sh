#!/usr/bin/env bash
# End to end (issue 15): delivery after outages, with the default retry policy.
#  1. The SMTP server down and the SMS provider answering 500 for 60 s while members register
#     and recover their passwords: once both are back, every message is delivered within 30 s,
#     and the codes still work.
#  2. Meanwhile, a code whose 30 minutes run out before the SMTP server is back is `expired`,
#     listed as such, and never sent.
#  3. `kill -9` of one of two `guichet serve` during a load: what it had claimed is delivered by
#     the other.
source "$(dirname "$0")/lib.sh"

SMTP_PORT=$(free_port)
MAILDIR="$E2E_DIR/maildir"
start_smtp "$SMTP_PORT" "$MAILDIR"
start_sms_sink
export GUICHET_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" GUICHET_MAIL_FROM="no-reply@guichet.test"
export GUICHET_SMS_URL="$SINK/sms" GUICHET_OUTBOX_POLL_MS=50 GUICHET_PUBLIC_URL="https://espace.exemple.fr"
unset GUICHET_OUTBOX_RETRY_BASE_MS  # the defaults are what this test is about
start_server
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null
sql() { psql -qtA "$(db_url)" -c "$1"; }

BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('Ancien-Mot2passe!', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
for account in '184027512345674 true' '201047511405244 false' '162033306304551 false'; do  # Jean, Camille, Marcel
  read -r nir logged_in <<<"$account"
  admin_call POST /v1/admin/accounts "{\"nir\":\"$nir\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":$logged_in}"
  [ "$STATUS" = 201 ] || { echo "import of $nir failed: $STATUS $BODY" >&2; exit 1; }
done
call GET /v1/secret-questions
QUESTION=$(jq -r '.[0].id' <<<"$BODY")
step() { json_call POST "/v1/flows/$1/steps/$2" "$3"; }
register() {  # NIR13 KEY LAST_NAME BIRTH_DATE EMAIL
  json_call POST /v1/flows/registration "{\"nir\":\"$1\"}"
  local flow; flow=$(jq -r .id <<<"$BODY")
  step "$flow" identity "{\"mode\":\"new\",\"email\":\"$5\",\"password\":\"Vacances-Ete2026!\",\"password_confirmation\":\"Vacances-Ete2026!\",\"secret_question_id\":\"$QUESTION\",\"secret_answer\":\"Quimper\"}"
  step "$flow" personal_info "{\"nir_key\":\"$2\",\"last_name\":\"$3\",\"birth_date\":\"$4\"}"
}
recover() {  # NIR BIRTH_DATE CHANNEL: sets FLOW
  json_call POST /v1/flows/recovery "{\"identifier\":\"$1\",\"birth_date\":\"$2\"}"
  FLOW=$(jq -r .id <<<"$BODY")
  step "$FLOW" channel "{\"channel\":\"$3\"}"
}
CODE_RE='code de sécurité est :? ?[0-9]{6}'
code_in() { grep -oE "$CODE_RE" | tail -n 1 | grep -oE '[0-9]{6}$'; }
received() {  # received WHO COUNT: WHO (an address, or a number starting with +) got COUNT messages
  if [[ $1 == +* ]]; then [ "$(sms_texts "$1" | wc -l)" -ge "$2" ]; else [ "$(mail_texts "$1" | wc -l)" -ge "$2" ]; fi
}

# 1 and 2. Both providers down for 60 s.
outage_start=$SECONDS
kill "$SMTP_PID"; wait "$SMTP_PID" 2>/dev/null || true
sink_control '{"failing": 500}'
register 2690299350042 20 Lefèvre 01/02/1969 elodie.lefevre@exemple.fr
check "a registration during the outage is answered at once" json_true '.state == "activation_sent"'
register 285022B033001 13 Santoni 11/02/1985 marie.santoni@exemple.fr
recover 184027512345674 29/02/1984 email
JEAN=$FLOW
check "a recovery during the outage is answered at once" json_true '.state == "code_sent"'
recover 201047511405244 22/04/2001 sms
CAMILLE=$FLOW
recover 162033306304551 09/03/1962 email   # Marcel: his code will outlive the outage
check "a third recovery too" json_true '.state == "code_sent"'
"$GUICHET_ENQUEUE" 10 email "volume@exemple.fr" >/dev/null
"$GUICHET_ENQUEUE" 10 sms "+33611111111" >/dev/null

wait_for 30 bash -c "[ \$(curl -s '$SINK/_messages' | jq length) -ge 3 ]" || true
check "the SMS provider is tried during the outage" test "$(sink_count)" -ge 3
check "… and refuses every SMS" test -z "$(sms_texts +33761234567)"

# Marcel's code has been waiting 31 minutes (created_at moved back): its life is over.
sql "UPDATE outbox SET created_at = created_at - interval '31 minutes', next_attempt_at = now()
     WHERE recipient = 'marcel.petit@exemple.fr'" >/dev/null
expired() {
  curl -s -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" "$BASE/v1/admin/messages?status=expired" \
    | jq -e 'length == 1 and .[0].kind == "security_code" and .[0].channel == "email"' >/dev/null
}
check "a code past its 30 minutes is expired while the SMTP server is still down" wait_for 20 expired
check "… its code erased from the outbox" \
  test "$(sql "SELECT count(*) FROM outbox WHERE status = 'expired' AND params_cipher IS NULL")" = 1

sleep $((60 - (SECONDS - outage_start) > 0 ? 60 - (SECONDS - outage_start) : 0))
"$GUICHET_ENQUEUE" 10 email "volume@exemple.fr" >/dev/null   # the last ones, queued as it ends
"$GUICHET_ENQUEUE" 10 sms "+33611111111" >/dev/null
check "every message was tried during the outage" \
  test "$(sql "SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 0 AND created_at < now() - interval '5 seconds'")" = 0
pending_before=$(sql "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")
start_smtp "$SMTP_PORT" "$MAILDIR"
sink_control '{"failing": null}'
back=$(sql "SELECT extract(epoch FROM clock_timestamp())")
echo "  (outage of $((SECONDS - outage_start)) s; $pending_before messages waiting)"

all_received() {
  received elodie.lefevre@exemple.fr 1 && received marie.santoni@exemple.fr 1 && received jean.martin@exemple.fr 1 \
    && received +33761234567 1 && received volume@exemple.fr 20 && received +33611111111 20
}
wait_for 60 all_received || true
check "after the outage, every message is delivered" all_received
check "… none still waiting" test "$(sql "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")" = 0
last=$(sql "SELECT round((extract(epoch FROM max(sent_at)) - $back)::numeric, 1) FROM outbox WHERE status = 'sent'")
echo "  (the last one $last s after both came back)"
check "… within 30 s of the end of the outage (by the outbox's own clock)" \
  awk -v t="$last" 'BEGIN { exit !(t <= 30) }'
no_mail_to() { [ -z "$(mail_texts "$1")" ]; }
check "the expired code never went out" no_mail_to marcel.petit@exemple.fr
step "$JEAN" code "{\"code\":\"$(mail_texts jean.martin@exemple.fr | code_in)\"}"
check "Jean's code, delivered late, still works" json_true '.state == "temp_password_sent"'
step "$CAMILLE" code "{\"code\":\"$(sms_texts +33761234567 | code_in)\"}"
check "Camille's SMS code too" json_true '.state == "security_question"'
call GET "/v1/admin/messages?status=expired" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN"
check "agents see why the expired one was not sent" json_true '.[0].last_error | test("durée de vie")'

# 3. Two serve processes; one killed (-9) mid-way through a load of slow SMS.
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
export GUICHET_OUTBOX_LEASE_SECONDS=3
launch_server; victim=$SERVER_PID
sink_control '{"clear": true, "delay_ms": 300}'
"$GUICHET_ENQUEUE" 60 sms "+33622222222" >/dev/null
claiming() { [ "$(sql "SELECT count(*) FROM outbox WHERE status = 'sending'")" -ge 4 ]; }
wait_for 20 claiming || true
claimed_by_victim=$(sql "SELECT string_agg(id::text, ' ') FROM outbox WHERE status = 'sending'")  # the only one running
launch_server; survivor_log=$SERVER_LOG
kill -KILL "$victim"; wait "$victim" 2>/dev/null || true
check "the killed process had claimed messages" test -n "$claimed_by_victim"
sink_control '{"delay_ms": 0}'
sent_of_load() { sql "SELECT count(*) FROM outbox WHERE status = 'sent' AND recipient = '+33622222222'"; }
load_sent() { [ "$(sent_of_load)" = 60 ]; }
wait_for 60 load_sent || true
check "every message of the load is sent" test "$(sent_of_load)" = 60
check "… and reached the provider, each at least once" test "$(sms_texts +33622222222 | wc -l)" = 60
sent_by_survivor=$(jq -R -r 'fromjson? | select(.event == "delivery" and .outcome == "sent") | .message_id' "$survivor_log")
taken_over=0
for id in $claimed_by_victim; do grep -qx "$id" <<<"$sent_by_survivor" && taken_over=$((taken_over + 1)); done
echo "  (the killed process had claimed $(wc -w <<<"$claimed_by_victim"); the other delivered $taken_over of them)"
check "what the killed one had claimed and not recorded was delivered by the other" test "$taken_over" -ge 1

finish
