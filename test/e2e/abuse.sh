#!/usr/bin/env bash
# End to end (issue 14): the open internet's attacks on the flows, through the real binary,
# PostgreSQL, the SMTP server and the SMS sink, with the limits of SPEC.md §2 on. Each section is
# one finding of the issue; each failed on the main of before the issue. The attacker knows a
# member's NIR and birth date (Jean Martin's: 184027512345674, 29/02/1984).
source "$(dirname "$0")/lib.sh"

start_real_delivery
# The limits as shipped (lib.sh turns the request rates off for the other scripts), behind a
# trusted proxy on 127.0.0.1 so that each section can be its own client address.
# The destination cap lowered to 2 an hour, so that it is reached within the identity checks a NIR
# has (5 a day) and the resend cooldown (60 s).
export GUICHET_RATE_LIMITS="destination_hour=2/1h" GUICHET_TRUSTED_PROXIES="127.0.0.1"
start_server
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null

OLD='Ancien-Mot2passe!'
BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('$OLD', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
for nir in 184027512345674 201047511405244 293026938112301 285022B03300113; do
  admin_call POST /v1/admin/accounts "{\"nir\":\"$nir\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}"
  [ "$STATUS" = 201 ] || { echo "import of $nir failed: $STATUS $BODY" >&2; exit 1; }
done
JEAN=184027512345674 JEAN_BIRTH=29/02/1984 NOBODY=2990175123456

# Each request of a section comes from its own address, as a proxy of ours would say.
FROM=198.51.100.1
as() { FROM=$1; }
post() { json_call POST "$1" "$2" -H "X-Forwarded-For: $FROM" "${@:3}"; }
login() { post /v1/sessions "{\"identifier\":\"$1\",\"password\":\"$2\"}"; }
start() { post "/v1/flows/$1" "$2"; FLOW=$(jq -r .id <<<"$BODY"); }
step() { post "/v1/flows/$FLOW/steps/$1" "$2"; }
sms_count() { sms_texts "$1" | grep -c "$2" || true; }
outbox_settled() { [ "$(psql -qtA "$GUICHET_DATABASE_URL" -c "SELECT count(*) FROM outbox WHERE status IN ('pending','sending') AND channel <> 'letter'")" = 0 ]; }

# 1. A stranger cuts a member off with a NIR and a birth date: a letter no longer does.
as 198.51.100.1
login "$JEAN" "$OLD"
check "1. Jean logs in" status_is 200
start recovery "{\"identifier\":\"$JEAN\",\"birth_date\":\"$JEAN_BIRTH\"}"
step channel '{"channel":"letter"}'
check "1. a stranger asks a letter for him" json_true '.state == "letter_sent"'
login "$JEAN" "$OLD"
check "1. … and Jean's password still works (the letter's waits beside it, SPEC.md §3.4)" status_is 200

# 2. Birth dates for the asking: 5 checks a day per NIR, counted before comparing, known or not.
as 198.51.100.2
for d in 01 02 03 04 05; do post /v1/flows/unlock "{\"nir\":\"285022B03300113\",\"birth_date\":\"$d/02/1985\"}"; done
post /v1/flows/unlock '{"nir":"285022B03300113","birth_date":"11/02/1985"}'
check "2. the sixth check of a NIR is refused, even with the right birth date" is_problem 429 too_many_attempts
check "2. … with when to try again" header_has Retry-After
KNOWN="$(jq -c 'del(.instance, .detail, .retry_after)' <<<"$BODY")|$(grep -i '^RateLimit-Policy:' "$HEADERS" | tr -d '\r')"
for d in 01 02 03 04 05; do post /v1/flows/unlock "{\"nir\":\"$NOBODY\",\"birth_date\":\"$d/02/1985\"}"; done
post /v1/flows/unlock "{\"nir\":\"$NOBODY\",\"birth_date\":\"11/02/1985\"}"
check "2. a NIR nobody has is refused the same way" is_problem 429 too_many_attempts
check "2. … same body and policy: no tell" \
  test "$(jq -c 'del(.instance, .detail, .retry_after)' <<<"$BODY")|$(grep -i '^RateLimit-Policy:' "$HEADERS" | tr -d '\r')" = "$KNOWN"

# 3. SMS and mail pumping: messages carrying a secret are capped per destination, across flows.
as 198.51.100.3
STATUSES=""
for _ in 1 2 3; do
  start recovery "{\"identifier\":\"$JEAN\",\"birth_date\":\"$JEAN_BIRTH\"}"
  step channel '{"channel":"sms"}'
  STATUSES="$STATUSES $STATUS"
done
check "3. codes to Jean's phone: the first two flows send one, the third is refused" test "$STATUSES" = " 200 200 429"
check "3. … by the destination's cap" sh -c "grep -qi '^RateLimit-Policy: \"destination_hour\";q=2;w=3600' '$HEADERS' && grep -qi '^Retry-After:' '$HEADERS'"
wait_for 30 outbox_settled
check "3. … and the phone got two codes, no more" test "$(sms_count +33612345678 'code de')" = 2
admin_call POST /v1/admin/identities "{\"email\":\"connect@exemple.fr\",\"password_hash\":\"$BCRYPT\",\"validated\":true}"
pump() {  # EMAIL: three reset-link requests, and the statuses
  local i out=""
  for i in 1 2 3; do post /v1/flows/recovery "{\"identifier\":\"$1\"}"; out="$out $STATUS"; done
  echo "$out"
}
check "3. reset links to a Connect identity: the third within the hour is refused" test "$(pump connect@exemple.fr)" = " 201 201 429"
check "3. … and to an address nobody has, alike (decoys count)" test "$(pump personne@exemple.fr)" = " 201 201 429"

# 4. Registration tells nothing of an address that is already a Connect identity.
as 198.51.100.4
IDENTITY='{"mode":"new","email":"%s","password":"Autre-Mot2passe!","password_confirmation":"Autre-Mot2passe!","secret_question_id":"birth_city","secret_answer":"Brest"}'
registration_identity() {  # EMAIL: the identity step's status and flow state
  start registration '{"nir":"2690299350042"}'
  # shellcheck disable=SC2059
  step identity "$(printf "$IDENTITY" "$1")"
  echo "$STATUS $(jq -c '{state, next: [.next_steps[].name]}' <<<"$BODY")"
}
TAKEN=$(registration_identity connect@exemple.fr)
check "4. a taken address and a free one get the same answer" test "$TAKEN" = "$(registration_identity libre@exemple.fr)"

# 5. A password replaced by a recovery ends the sessions of before (a stolen refresh token).
as 198.51.100.5
login 201047511405244 "$OLD"
STOLEN=$(jq -r .refresh_token <<<"$BODY")
start recovery '{"identifier":"201047511405244","birth_date":"22/04/2001"}'
step channel '{"channel":"email"}'
code_of() { mail_texts camille.roux@exemple.fr | grep -oE 'code de sécurité est : [0-9]{6}' | tail -n 1 | grep -oE '[0-9]{6}$'; }
wait_for 30 code_of >/dev/null
step code "{\"code\":\"$(code_of)\"}"
check "5. Camille recovers her account with the code mailed to her" json_true '.state == "temp_password_sent"'
post /v1/sessions/refresh "{\"refresh_token\":\"$STOLEN\"}"
check "5. … and the session of before is over" is_problem 401 unauthorized
told() { [ "$(sms_count +33761234567 'mot de passe a bien')" -ge 1 ]; }
check "5. … and her phone is told" wait_for 30 told

# 6. Contacts do not change silently: the current password, and the previous contacts told
# (a server where the switch to an email is only offered, so a NIR login opens a full session).
FIRST=$BASE
export GUICHET_IDENTIFIER_SWITCH=offered
launch_server
unset GUICHET_IDENTIFIER_SWITCH
as 198.51.100.6
login 293026938112301 "$OLD"
ANNE=$(jq -r .access_token <<<"$BODY")
contacts() { json_call PUT /v1/me/contacts "$1" -H "Authorization: Bearer $ANNE" -H "X-Forwarded-For: $FROM"; }
contacts '{"email":"voleur@exemple.fr"}'
check "6. a new email needs the current password" json_true '.status == 400 and .field == "current_password"'
contacts '{"email":"voleur@exemple.fr","current_password":"Pas-Le-Bon1!"}'
check "6. … the right one" is_problem 401 invalid_credentials
contacts '{"email":"voleur@exemple.fr","current_password":"'"$OLD"'"}'
check "6. with it, the change is made" status_is 200
moved() { mail_texts anne.bernard@exemple.fr | grep -q 'ont été modifiées'; }
check "6. … and the previous address is told" wait_for 30 moved
BASE=$FIRST

# 7. Client addresses are limited across processes: 31 logins from one address over 3 servers.
# Their quota is the login rate's (30) over an hour rather than a minute, so that a slow machine
# taking seconds over the 31 logins never sees the window free a slot (a flaky test otherwise).
export GUICHET_RATE_LIMITS="destination_hour=2/1h,login=30/1h"
launch_server; FIRST=$BASE
launch_server; SECOND=$BASE
launch_server; THIRD=$BASE
SERVERS=("$FIRST" "$SECOND" "$THIRD")
CODES=""
for i in $(seq 1 31); do
  BASE=${SERVERS[$((i % 3))]}
  json_call POST /v1/sessions "{\"identifier\":\"flood$i@exemple.fr\",\"password\":\"Pas-Le-Bon1!\"}" -H "X-Forwarded-For: 203.0.113.77"
  CODES="$CODES $STATUS"
done
check "7. the 30 first logins of one address are answered, over 3 processes" test "$(grep -o 401 <<<"$CODES" | wc -l)" = 30
check "7. the 31st within the minute is refused" is_problem 429 rate_limited
check "7. … with Retry-After and the RateLimit headers" sh -c "grep -qi '^Retry-After:' '$HEADERS' && grep -qi '^RateLimit: \"login\";r=0' '$HEADERS'"
BASE=$FIRST
json_call POST /v1/sessions '{"identifier":"flood@exemple.fr","password":"Pas-Le-Bon1!"}' -H "X-Forwarded-For: 203.0.113.78"
check "7. another address is answered meanwhile, and told what it has left" \
  sh -c "[ $STATUS = 401 ] && grep -qi '^RateLimit: \"login\";r=29' '$HEADERS'"
json_call POST /v1/sessions '{"identifier":"flood@exemple.fr","password":"Pas-Le-Bon1!"}' -H "X-Forwarded-For: 10.9.9.9, 203.0.113.77"
check "7. an address the client writes left of our proxy's changes nothing" is_problem 429 rate_limited

# 10. Counters with holes: a reset link's secret answer is counted before it is compared, so 10
# wrong answers sent at once get 5 tries between them, not 10.
as 198.51.100.10
start registration '{"nir":"2690299350042"}'
# shellcheck disable=SC2059
step identity "$(printf "$IDENTITY" elodie.secret@exemple.fr)"
step personal_info '{"nir_key":"20","last_name":"LEFEVRE","birth_date":"01/02/1969"}'
check "10. Élodie has an identity with a secret answer" json_true '.state == "activation_sent"'
post /v1/flows/recovery '{"identifier":"elodie.secret@exemple.fr"}'
wait_link /reinitialisation elodie.secret@exemple.fr 1
mkdir -p "$E2E_DIR/answers"
pids=()
for i in $(seq 1 10); do
  curl -s -o "$E2E_DIR/answers/$i.json" -X POST -H 'Content-Type: application/json' -H "X-Forwarded-For: $FROM" \
    --data-binary "{\"token\":\"$TOKEN\",\"password\":\"Printemps-Pluie29!\",\"password_confirmation\":\"Printemps-Pluie29!\",\"secret_answer\":\"Mauvaise$i\"}" \
    "$BASE/v1/password-resets" &
  pids+=("$!")
done
wait "${pids[@]}"
ANSWERS=$(cat "$E2E_DIR"/answers/*.json | jq -s -c 'group_by(.code) | map({(.[0].code): length}) | add')
# The 5th try spends the link; answers that arrive after it find it spent (link_expired).
check "10. of 10 wrong answers at once, only 4 are told wrong, the rest refused: 5 tries in all ($ANSWERS)" \
  test "$(jq -c '[.identity_check_failed, (.too_many_attempts // 0) + (.link_expired // 0), (keys - ["identity_check_failed", "too_many_attempts", "link_expired"] | length)]' <<<"$ANSWERS")" = '[4,6,0]'
post /v1/password-resets "{\"token\":\"$TOKEN\",\"password\":\"Printemps-Pluie29!\",\"password_confirmation\":\"Printemps-Pluie29!\",\"secret_answer\":\"Brest\"}"
check "10. … and the link is spent, even for the right answer" is_problem 410 link_expired

# 11. Headers: nothing personal cached, no sniffing, tokens with an audience.
as 198.51.100.11
login "$JEAN" "$OLD"
ACCESS=$(jq -r .access_token <<<"$BODY")
AUD=$(/usr/bin/python3 -c "import base64, json, sys; p = sys.argv[1].split('.')[1]; print(json.loads(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4)))['aud'])" "$ACCESS")
check "11. the access token names its audience" test "$AUD" = "https://espace.exemple.fr/v1"
call GET /v1/me -H "Authorization: Bearer $ACCESS"
check "11. GET /v1/me is never cached, nor sniffed" \
  sh -c "grep -qi '^Cache-Control: no-store' '$HEADERS' && grep -qi '^X-Content-Type-Options: nosniff' '$HEADERS'"

finish
