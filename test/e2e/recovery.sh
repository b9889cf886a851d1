#!/usr/bin/env bash
# End to end (issue 5): forgot password (seed 004, seed 002 for Connect identities) with the real
# SMTP server and the SMS sink: codes, temporary passwords and links read from the delivered
# messages; the security question of each case; the letter branch in the print queue; an unknown
# identifier answered like a known one; replayed codes and links; 50 parallel wrong codes.
source "$(dirname "$0")/lib.sh"

start_real_delivery
start_server
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null

BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('Ancien-Mot2passe!', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
import_account() {  # NIR HAS_LOGGED_IN
  admin_call POST /v1/admin/accounts "{\"nir\":\"$1\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":$2}"
  [ "$STATUS" = 201 ] || { echo "import of $1 failed: $STATUS $BODY" >&2; exit 1; }
}
import_account 184027512345674 true   # Jean Martin, particulier, metropolitan mobile
import_account 201047511405244 false  # Camille Roux, particulier, never logged in
import_account 162033306304551 false  # Marcel Petit, exploitant, never logged in, no mobile
import_account 293026938112301 true   # Anne Bernard, a Guadeloupe mobile
import_account 175057505612393 false  # Pierre Dubois, exploitant, never logged in, SMS only
login() { json_call POST /v1/sessions "{\"identifier\":\"$1\",\"password\":\"$2\"}"; }
start() { json_call POST /v1/flows/recovery "$1"; FLOW=$(jq -r .id <<<"$BODY"); }
step() { json_call POST "/v1/flows/$1/steps/$2" "$3"; }

# wait_secret KIND RECIPIENT COUNT PATTERN: waits for the COUNT-th message to RECIPIENT (by SMS
# when it starts with +) and sets SECRET to the first capture of PATTERN in the newest one.
wait_secret() {
  local source=mail_texts n
  [[ $2 == +* ]] && source=sms_texts
  SECRET=""
  for _ in $(seq 1 150); do
    n=$($source "$2" | grep -cE "$4" || true)
    if [ "$n" -ge "$3" ]; then
      SECRET=$($source "$2" | grep -oE "$4" | tail -n 1 | grep -oE '[^ ]+$' | tr -d '.()')
      return 0
    fi
    sleep 0.1
  done
  return 1
}
CODE_RE='code de sécurité est :? ?[0-9]{6}'      # SMS: "… est 123456."; email: "… est : 123456"
TEMP_RE='mot de passe temporaire est [^ ]+'        # SMS
MAIL_TEMP_RE='temporaire pour accéder à votre [^:]+: [^ ]+'

# 1. Logged in before (Jean): code by SMS, then a temporary password by SMS.
start '{"identifier":"184027512345674"}'
check "a NIR needs the birth date" is_problem 400 validation_error
start '{"identifier":"184027512345674","birth_date":"29/02/1984"}'
check "the member's channels, masked, and the letter" \
  json_true '.state == "choose_channel" and [.channels[].channel] == ["sms","email","letter"] and .channels[0].destination == "06 •• •• •• 78"'
JEAN=$FLOW
step "$JEAN" code '{"code":"123456"}'
check "the code step before a code was sent" is_problem 409 step_not_allowed
TRACE=4bf92f3577b34da6a3ce929d0e0e4736
json_call POST "/v1/flows/$JEAN/steps/channel" '{"channel":"sms"}' -H "traceparent: 00-$TRACE-00f067aa0ba902b7-01"
check "SMS: a 6-digit security code is sent" json_true '.state == "code_sent" and ([.next_steps[].name] == ["code","resend"])'
wait_secret sms +33612345678 1 "$CODE_RE"
check "… and arrives at the SMS provider" test "${#SECRET}" = 6
JEAN_CODE=$SECRET
traced() {  # the request's log line and its message's delivery line carry the caller's trace id
  jq -e -s --arg t "$TRACE" '(map(select(.event == "http_request" and .trace_id == $t)) | length == 1)
    and (map(select(.event == "delivery" and .trace_id == $t and .outcome == "sent")) | length == 1)' "$SERVER_LOG" >/dev/null
}
check "… the caller's traceparent is in its log line and in its SMS's delivery line" wait_for 10 traced
step "$JEAN" resend '{}'
check "a new code at once is refused (cooldown)" is_problem 429 rate_limited
login 184027512345674 'Ancien-Mot2passe!'
check "the current password still works while the code is not used" status_is 200
WRONG=$([ "$JEAN_CODE" = 000000 ] && echo 111111 || echo 000000)
step "$JEAN" code "{\"code\":\"$WRONG\"}"
check "a wrong code: code_invalid…" is_problem 422 code_invalid
check "… with the tries left" json_true '.detail | test("4 essai")'
step "$JEAN" code "{\"code\":\"$JEAN_CODE\"}"
check "the right code: a temporary password on the same channel" json_true '.state == "temp_password_sent" and .messages[0].code == "temp_password_sent"'
step "$JEAN" code "{\"code\":\"$JEAN_CODE\"}"
check "a used code cannot be replayed" is_problem 409 step_not_allowed
wait_secret sms +33612345678 1 "$TEMP_RE"
TEMP=$SECRET
login 184027512345674 'Ancien-Mot2passe!'
check "once the code is used, the old password is over" is_problem 401 invalid_credentials
login 184027512345674 "$TEMP"
check "the temporary password logs in, to be personalised" json_true '.required_actions[0] == "change_password"'
RESTRICTED=$(jq -r .access_token <<<"$BODY")
call GET /v1/sessions -H "Authorization: Bearer $RESTRICTED"
check "a forced personalisation blocks every other route" is_problem 403 forbidden

# 2. Never logged in (Camille, particulier): code by email, security question, right answer.
start '{"identifier":"201047511405244","birth_date":"22/04/2001"}'
CAMILLE=$FLOW
step "$CAMILLE" channel '{"channel":"email"}'
wait_secret mail camille.roux@exemple.fr 1 "$CODE_RE"
step "$CAMILLE" code "{\"code\":\"$SECRET\"}"
check "never logged in: the security question of a particulier" \
  json_true '.state == "security_question" and .question.kind == "carte_vitale_or_benefit" and .next_steps[0].name == "security_answer"'
step "$CAMILLE" security_answer '{"answer":"12,00 €"}'
check "the amount of a benefit of the last 6 months: a temporary password by email" json_true '.state == "temp_password_sent"'
step "$CAMILLE" security_answer '{"answer":"444555666"}'
check "one answer only" is_problem 409 step_not_allowed
wait_secret mail camille.roux@exemple.fr 1 "$MAIL_TEMP_RE"
login 201047511405244 "$SECRET"
check "… which logs in" json_true '.required_actions[0] == "change_password"'

# 3. Never logged in, wrong answer (Marcel, exploitant): a letter, and an email saying so.
start '{"identifier":"162033306304551","birth_date":"09/03/1962"}'
check "no mobile: email and letter only" json_true '[.channels[].channel] == ["email","letter"]'
MARCEL=$FLOW
step "$MARCEL" channel '{"channel":"sms"}'
check "SMS was not offered" is_problem 422 sms_not_available
step "$MARCEL" channel '{"channel":"email"}'
wait_secret mail marcel.petit@exemple.fr 1 "$CODE_RE"
step "$MARCEL" code "{\"code\":\"$SECRET\"}"
check "the question of an exploitant" json_true '.question.kind == "contribution_invoice"'
step "$MARCEL" security_answer '{"answer":"1,00"}'
check "a wrong answer: the temporary password goes by letter" \
  json_true '.state == "letter_sent" and ([.messages[].code] == ["identity_not_verified","letter_sent","letter_notice"])'
wait_secret mail marcel.petit@exemple.fr 1 'envoyé par courrier'
check "… and an email says a letter is on its way" test -n "$SECRET"
print_call GET "/v1/admin/letters?status=pending"
check "the letter waits in the print queue, with the temporary password" \
  json_true 'map(select(.postal_address | test("Marcel Petit"))) | length == 1 and (.[0].text | test("temporaire"))'
LETTER_PASSWORD=$(jq -r 'map(select(.postal_address | test("Marcel Petit"))) | .[0].text' <<<"$BODY" | grep -oE 'temporaire : [^ ]{12}' | head -n1 | cut -d' ' -f3)
login 162033306304551 "$LETTER_PASSWORD"
check "the letter's password logs in (valid 30 days)" json_true '.required_actions[0] == "change_password"'

# 3b. One answer to the security question, even sent 10 times at once (Pierre, exploitant).
start '{"identifier":"175057505612393","birth_date":"20/05/1975"}'
PIERRE=$FLOW
step "$PIERRE" channel '{"channel":"sms"}'
wait_secret sms +33645123456 1 "$CODE_RE"
step "$PIERRE" code "{\"code\":\"$SECRET\"}"
check "the question of an exploitant, by SMS" json_true '.state == "security_question"'
seq 1 10 | xargs -P 10 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
  --data-binary '{"answer":"1250,00"}' "$BASE/v1/flows/$PIERRE/steps/security_answer" > "$E2E_DIR/answers"
check "10 parallel answers: exactly one is judged, the others refused (429 or 409)" \
  test "$(grep -c '^200$' "$E2E_DIR/answers"):$(grep -cE '^(409|429)$' "$E2E_DIR/answers")" = "1:9"
call GET "/v1/flows/$PIERRE"
check "… and the flow ended once" json_true '.state == "temp_password_sent" or .state == "letter_sent"'

# 4. An overseas mobile is never offered for SMS (Anne, Guadeloupe).
start '{"identifier":"293026938112301","birth_date":"18/02/1993"}'
check "a Guadeloupe mobile: no SMS offered" json_true '[.channels[].channel] == ["email","letter"]'

# 5. An unknown NIR, a wrong birth date: the same answers, and nothing sent.
mails_before=$(mail_count "$MAILDIR"); sms_before=$(sink_count)
start '{"identifier":"191107400122294","birth_date":"07/10/1991"}'   # a member without an account
NOBODY=$FLOW
check "an identifier without an account gets a flow like any other" json_true '.state == "choose_channel" and .channels[-1].channel == "letter"'
first_channels=$(jq -c .channels <<<"$BODY")
start '{"identifier":"191107400122294","birth_date":"07/10/1991"}'
check "… showing the same channels when asked again" test "$(jq -c .channels <<<"$BODY")" = "$first_channels"
start '{"identifier":"184027512345674","birth_date":"01/01/1984"}'   # a wrong birth date
WRONG_BIRTH=$FLOW
check "a wrong birth date too" json_true '.state == "choose_channel"'
first=$(jq -r '.channels[0].channel' <<<"$BODY")
if [ "$first" != letter ]; then
  step "$WRONG_BIRTH" channel "{\"channel\":\"$first\"}"
  check "… down to the code step" json_true '.state == "code_sent"'
fi
step "$NOBODY" channel '{"channel":"letter"}'
check "the letter branch answers alike" json_true '.state == "letter_sent"'
sleep 1
check "no message left for any of them" test "$(mail_count "$MAILDIR"):$(sink_count)" = "$mails_before:$sms_before"

# 6. 50 parallel wrong codes on one flow: at most 5 are evaluated.
start '{"identifier":"293026938112301","birth_date":"18/02/1993"}'
ANNE=$FLOW
step "$ANNE" channel '{"channel":"email"}'
wait_secret mail anne.bernard@exemple.fr 1 "$CODE_RE"
ANNE_CODE=$SECRET
WRONG=$([ "$ANNE_CODE" = 000000 ] && echo 111111 || echo 000000)
seq 1 50 | xargs -P 25 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
  --data-binary "{\"code\":\"$WRONG\"}" "$BASE/v1/flows/$ANNE/steps/code" > "$E2E_DIR/parallel"
check "50 parallel wrong codes: 4 are told wrong, all the others too_many_attempts" \
  test "$(grep -c '^422$' "$E2E_DIR/parallel"):$(grep -c '^429$' "$E2E_DIR/parallel")" = "4:46"
step "$ANNE" code "{\"code\":\"$ANNE_CODE\"}"
check "after 5 tries even the right code is refused" is_problem 429 too_many_attempts

# 6b. An expired code: 30 minutes have passed (the code's expiry moved back in the database).
start '{"identifier":"184027512345674","birth_date":"29/02/1984"}'
EXPIRING=$FLOW
step "$EXPIRING" channel '{"channel":"email"}'
wait_secret mail jean.martin@exemple.fr 1 "$CODE_RE"
psql -q "$(db_url)" -c "UPDATE codes SET expires_at = now() - interval '1 second' WHERE owner = 'flow:$EXPIRING'" >/dev/null
step "$EXPIRING" code "{\"code\":\"$SECRET\"}"
check "a code past its 30 minutes: code_expired" is_problem 410 code_expired

# 7. An email identifier (Connect identity): a reset link, the same answer for an unknown email.
OTHER_HASH=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('Forum-Mot2passe!', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
admin_call POST /v1/admin/identities "{\"email\":\"s.moreau@exemple.fr\",\"password_hash\":\"$OTHER_HASH\",\"validated\":true}"
start '{"identifier":"S.Moreau@exemple.fr"}'
known=$(jq -c '{state, next_steps, messages}' <<<"$BODY")
check "an email identifier: link_sent at once" json_true '.state == "link_sent" and .next_steps == []'
start '{"identifier":"personne@exemple.fr"}'
check "an unknown email: the same answer (but its own masked address)" \
  test "$(jq -c '{state, next_steps, m: [.messages[].code]}' <<<"$BODY")" = "$(jq -c '{state, next_steps, m: [.messages[].code]}' <<<"$known")"
wait_secret mail s.moreau@exemple.fr 1 'reinitialisation\?token=[A-Za-z0-9_-]+'
LINK=${SECRET#*token=}
login s.moreau@exemple.fr 'Forum-Mot2passe!'
check "the current password works until the link is used" is_problem 403 no_account
json_call POST /v1/password-resets "{\"token\":\"$LINK\",\"password\":\"Nouveau-Depart2026\",\"password_confirmation\":\"Nouveau-Depart2026\"}"
check "the link sets a new password" status_is 200
json_call POST /v1/password-resets "{\"token\":\"$LINK\",\"password\":\"Encore-Autre2026!\",\"password_confirmation\":\"Encore-Autre2026!\"}"
check "a used link cannot be replayed" is_problem 410 link_expired
login s.moreau@exemple.fr 'Forum-Mot2passe!'
check "the old password is over" is_problem 401 invalid_credentials
check "nobody at personne@exemple.fr was mailed" bash -c "! grep -rqi 'personne@exemple.fr' '$MAILDIR/new'"

check "logs hold no code, temporary password or NIR" \
  bash -c "! grep -qE '$JEAN_CODE|$TEMP|184027512345674' $E2E_DIR/server-*.log"

finish
