#!/usr/bin/env bash
# End to end (issue 3): the outbox delivers through a real SMTP server and a real HTTP SMS
# endpoint, survives their outages, and gives up cleanly on permanent failures.
source "$(dirname "$0")/lib.sh"

SMTP_PORT=$(free_port)
MAILDIR="$E2E_DIR/maildir"
start_sms_sink
export GUICHET_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" GUICHET_MAIL_FROM="no-reply@guichet.test"
export GUICHET_SMS_URL="$SINK/sms" GUICHET_SMS_TOKEN="sms-test-token"
export GUICHET_OUTBOX_RETRY_BASE_MS=200 GUICHET_OUTBOX_POLL_MS=50 GUICHET_OUTBOX_LEASE_SECONDS=5
start_server   # the SMTP server is not running yet

# 1. SMTP down while 100 messages are enqueued; it comes back; all 100 arrive, none twice.
"$GUICHET_ENQUEUE" 100 email "jean.martin@exemple.fr" >/dev/null
sleep 2
check "nothing is lost while SMTP is down: the messages wait" \
  bash -c "curl -s -H 'Authorization: Bearer $GUICHET_METRICS_TOKEN' '$BASE/metrics' | grep -Eq '^guichet_outbox_pending (100|[1-9][0-9])$'"
start_smtp "$SMTP_PORT" "$MAILDIR"
wait_for 60 bash -c "[ \$(find '$MAILDIR/new' -type f 2>/dev/null | wc -l) -ge 100 ]" || true
check "all 100 emails arrive once SMTP is back" test "$(mail_count "$MAILDIR")" = 100
check "each has its own stable Message-ID (none sent twice)" \
  test "$(grep -hi '^Message-ID:' "$MAILDIR"/new/* | sort -u | wc -l)" = 100
one=$(ls "$MAILDIR"/new | head -n 1)
check "the email goes to the right recipient" grep -qi '^To: jean.martin@exemple.fr' "$MAILDIR/new/$one"
check "its subject is encoded UTF-8 (RFC 2047)" grep -qi '^Subject: =?UTF-8?' "$MAILDIR/new/$one"
body=$(/usr/bin/python3 -c "
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'))
print(str(email.header.make_header(email.header.decode_header(m['Subject']))))
print(m.get_payload(decode=True).decode('utf-8'))" "$MAILDIR/new/$one")
check "its text carries the code and the brand, in French" bash -c "grep -q 'MGEN' <<<\"\$0\" && grep -Eq '1[0-9]{5}' <<<\"\$0\" && grep -q 'code' <<<\"\$0\"" "$body"

# 2. SMS endpoint answers 500 then 200: delivered after a retry.
sink_control '{"statuses":[500]}'
"$GUICHET_ENQUEUE" 1 sms "+33612345678" >/dev/null
sent_sms() { curl -s -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" "$BASE/v1/admin/messages?status=sent" | jq '[.[] | select(.channel == "sms")]'; }
wait_for 20 bash -c "[ \$(curl -s -H 'Authorization: Bearer $GUICHET_ADMIN_TOKEN' '$BASE/v1/admin/messages?status=sent' | jq '[.[] | select(.channel == \"sms\")] | length') -ge 1 ]" || true
BODY=$(sent_sms)
check "SMS 500 then 200: delivered on the second attempt" json_true 'length == 1 and .[0].attempts == 2'
BODY=$(curl -s "$SINK/_messages")
check "the provider was called twice" json_true 'length == 2'
check "it got the E.164 number, the text and the sender" \
  json_true '.[-1].json.to == "+33612345678" and .[-1].json.sender == "MGEN" and (.[-1].json.text | test("[0-9]{6}"))'
check "with the bearer token" json_true '.[-1].authorization == "Bearer sms-test-token"'

# 3. SMS endpoint answers 400: dead after one attempt, the error recorded for agents.
sink_control '{"statuses":[400]}'
"$GUICHET_ENQUEUE" 1 sms "+33798765432" >/dev/null
wait_for 20 bash -c "curl -s -H 'Authorization: Bearer $GUICHET_ADMIN_TOKEN' '$BASE/v1/admin/messages?status=dead' | jq -e 'length == 1' >/dev/null" || true
call GET "/v1/admin/messages?status=dead" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN"
check "a 400 from the provider makes the message dead" json_is 'length' 1
check "after exactly one attempt" json_is '.[0].attempts' 1
check "with the error recorded" json_true '.[0].last_error | test("400")'
check "the listing masks the recipient" json_true '(tostring | test("798765432") | not) and (.[0].recipient | test("••"))'
check "and never shows the code" json_true 'tostring | test("1000[0-9][0-9]") | not' 

# 4. An agent retries the dead message once the provider is fixed.
dead_id=$(jq '.[0].id' <<<"$BODY")
call POST "/v1/admin/messages/$dead_id/retry" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" -H "X-Agent-Id: agent.dupont"
check "retry of a dead message answers pending" json_is .status pending
# Waits for it among the sent ones: the dead list empties as soon as the retry makes it pending.
wait_for 20 bash -c "curl -s -H 'Authorization: Bearer $GUICHET_ADMIN_TOKEN' '$BASE/v1/admin/messages?status=sent' | jq -e 'map(select(.id == $dead_id)) | length == 1' >/dev/null" || true
call GET "/v1/admin/messages?status=sent" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN"
check "it is delivered after the retry" json_true "map(select(.id == $dead_id)) | length == 1"
call POST "/v1/admin/messages/$dead_id/retry" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" -H "X-Agent-Id: agent.dupont"
check "a message that is not dead cannot be retried" is_problem 404 not_found
call POST "/v1/admin/messages/abc/retry" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" -H "X-Agent-Id: agent.dupont"
check "a malformed id is not found" is_problem 404 not_found
call GET "/v1/admin/messages?status=lost" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN"
check "an unknown status is a validation error" is_problem 400 validation_error

# 5. Letters wait in the print queue with the postal address and the text; printed once.
"$GUICHET_ENQUEUE" 1 letter $'Jean Martin\n12 rue de la Paix\n75002 Paris' >/dev/null
print_call GET "/v1/admin/letters?status=pending"
check "the letter is in the print queue with its address" json_is '.[0].postal_address' $'Jean Martin\n12 rue de la Paix\n75002 Paris'
check "and the temporary password to print" json_true '.[0].text | test("Tmp-1000[0-9][0-9]-xQ!")' 
letter_id=$(jq '.[0].id' <<<"$BODY")
print_call POST "/v1/admin/letters/$letter_id/printed"
check "the printer acknowledges it" json_is .status printed
print_call POST "/v1/admin/letters/$letter_id/printed"
check "only once" is_problem 404 not_found
print_call GET "/v1/admin/letters?status=pending"
check "the queue is then empty" json_is 'length' 0

# 6. Metrics (for a scraper's token) and logs.
call GET /metrics -H "Authorization: Bearer $GUICHET_METRICS_TOKEN"
check "metrics count what was sent" grep -q '^guichet_messages_sent_total 10[2-9]' <<<"$BODY"
check "… and what died" grep -q '^guichet_messages_dead_total 1$' <<<"$BODY"
check "… and nothing is left pending" grep -q '^guichet_outbox_pending 0$' <<<"$BODY"
check "logs never hold a recipient, a code or a password in clear" \
  bash -c "! grep -Eq 'jean.martin@|612345678|798765432|1000[0-9][0-9]' '$SERVER_LOG'"

finish
