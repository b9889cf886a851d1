#!/usr/bin/env bash
# End to end (issue 4): legacy NIR login with an imported bcrypt hash (rehashed), sessions,
# refresh rotation and reuse, logout, /v1/me, JWKS, and an exact lockout across 3 processes.
source "$(dirname "$0")/lib.sh"
# The identifier switch only offered: this test is about sessions, which a NIR login held to the
# switch could not list (test/e2e/identifier_switch.sh runs the default, required).
export GUICHET_IDENTIFIER_SWITCH=offered
start_server
first=$BASE
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null
BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('Ancien-Mot2passe!', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
admin_call POST /v1/admin/accounts "{\"nir\":\"184027512345674\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}"
check "the legacy account comes over with its bcrypt hash" status_is 201
login() { json_call POST /v1/sessions "{\"identifier\":\"$1\",\"password\":\"$2\"}"; }

login 184027512345674 'Ancien-Mot2passe!'
check "NIR + the old system's bcrypt password logs in" status_is 200
check "… with an access and a refresh token, unrestricted, the switch offered" \
  json_true '.token_type == "Bearer" and .expires_in == 900 and .required_actions == [] and .offered_actions == ["switch_identifier"] and (.refresh_token | length) > 40'
ACCESS=$(jq -r .access_token <<<"$BODY"); REFRESH=$(jq -r .refresh_token <<<"$BODY")
hash=$(psql -qtA "$(db_url)" -c "SELECT nir_password_hash FROM accounts")
check "the bcrypt hash was replaced by Argon2id (m=19456, t=2, p=1)" bash -c "[[ '$hash' == \\\$argon2id\\\$v=19\\\$m=19456,t=2,p=1\\\$* ]]"
login 1840275123456 'Ancien-Mot2passe!'
check "the rehashed password still works (13-digit NIR too)" status_is 200

call GET /v1/me -H "Authorization: Bearer $ACCESS"
check "/v1/me shows the masked NIR and contacts" json_true '.nir == "1 84 •• •• ••• ••• 74" and .identifier_kind == "nir" and .contacts.email == "jean.martin@exemple.fr"'
call GET /v1/me
check "/v1/me without a token" is_problem 401 unauthorized
call GET /v1/me -H "Authorization: Bearer ${ACCESS%?}x"
check "/v1/me with a tampered token" is_problem 401 unauthorized

call GET /.well-known/jwks.json
kid=$(/usr/bin/python3 -c "import base64,json,sys; h=sys.argv[1].split('.')[0]; print(json.loads(base64.urlsafe_b64decode(h + '=' * (-len(h) % 4)))['kid'])" "$ACCESS" 2>/dev/null || true)
check "the token's key is published as an Ed25519 JWK" json_true ".keys[0].kty == \"OKP\" and .keys[0].crv == \"Ed25519\" and .keys[0].kid == \"$kid\""

json_call POST /v1/sessions/refresh "{\"refresh_token\":\"$REFRESH\"}"
check "refresh gives new tokens" json_true ".refresh_token != \"$REFRESH\""
ACCESS2=$(jq -r .access_token <<<"$BODY")
json_call POST /v1/sessions/refresh "{\"refresh_token\":\"$REFRESH\"}"
check "reusing an old refresh token is refused" is_problem 401 unauthorized
call GET /v1/me -H "Authorization: Bearer $ACCESS2"
check "… and it revoked the whole session" is_problem 401 unauthorized

login 184027512345674 'Ancien-Mot2passe!'
ACCESS3=$(jq -r .access_token <<<"$BODY")
login 184027512345674 'Ancien-Mot2passe!'
ACCESS4=$(jq -r .access_token <<<"$BODY")
call GET /v1/sessions -H "Authorization: Bearer $ACCESS3"
check "the member lists their active sessions, the current one marked" json_true 'length >= 2 and (map(select(.current)) | length) == 1'
other=$(jq -r 'map(select(.current | not)) | .[0].id' <<<"$BODY")
call DELETE "/v1/sessions/$other" -H "Authorization: Bearer $ACCESS3"
check "and ends another one (a lost phone)" status_is 204
call DELETE "/v1/sessions/$other" -H "Authorization: Bearer $ACCESS3"
check "only once" is_problem 404 not_found
call GET /v1/me -H "Authorization: Bearer $ACCESS4"
check "the ended session (the newest other one) no longer works" is_problem 401 unauthorized
call DELETE /v1/sessions/current -H "Authorization: Bearer $ACCESS3"
check "logout" status_is 204
call GET /v1/me -H "Authorization: Bearer $ACCESS3"
check "a logged-out session's token no longer works" is_problem 401 unauthorized

# A success clears the failures before it (the statement that writes the session clears them).
login 184027512345674 'wrong0'
login 184027512345674 'wrong1'
login 184027512345674 'Ancien-Mot2passe!'
check "two failures, then the right password logs in" status_is 200
check "… and no failure is left counted" test "$(psql -qtA "$(db_url)" -c "SELECT count(*) FROM login_throttle WHERE failures > 0")" = 0

# Wrong password and unknown identifier: same status and body; 3 failures lock.
login 184027512345674 'wrong'; wrong_body=$(jq -c 'del(.instance)' <<<"$BODY"); wrong_status=$STATUS
login 282011305500701 'wrong'; unknown_body=$(jq -c 'del(.instance)' <<<"$BODY")
check "wrong password → 401 invalid_credentials" bash -c "[ $wrong_status = 401 ] && jq -e '.code == \"invalid_credentials\"' <<<'$wrong_body' >/dev/null"
check "unknown identifier gives exactly the same answer" test "$wrong_body" = "$unknown_body"
login 184027512345674 'wrong2'
login 184027512345674 'wrong3'
check "the third failure still says invalid_credentials" is_problem 401 invalid_credentials
login 184027512345674 'Ancien-Mot2passe!'
check "then the identifier is locked, even for the right password" is_problem 423 account_locked

# Self-service unlock (seed 000): NIR + birth date, a channel, a temporary password by SMS.
json_call POST /v1/flows/unlock '{"nir":"184027512345674","birth_date":"28/02/1984"}'
check "unlock: a birth date that does not match" is_problem 422 identity_check_failed
json_call POST /v1/flows/unlock '{"nir":"175057505612393","birth_date":"20/05/1975"}'
check "unlock: an account without one is not there to unlock" is_problem 422 identity_check_failed
json_call POST /v1/flows/unlock '{"nir":"184027512345674","birth_date":"29/02/1984"}'
check "unlock offers the member's channels, masked" \
  json_true '.state == "choose_channel" and .channels == [{"channel":"sms","destination":"06 •• •• •• 78"},{"channel":"email","destination":"j•••@exemple.fr"}]'
UNLOCK=$(jq -r .id <<<"$BODY")
json_call POST "/v1/flows/$UNLOCK/steps/channel" '{"channel":"sms"}'
check "the SMS channel sends a temporary password" json_true '.state == "temp_password_sent"'
json_call POST "/v1/flows/$UNLOCK/steps/channel" '{"channel":"email"}'
check "a second channel cannot be asked on the same flow" is_problem 409 step_not_allowed
# Nothing yet is not a failure: the outbox delivers a moment later (and set -e would end the test).
sms_password() { jq -r 'select(.to == "+33612345678") | .text' "$E2E_DIR/sms.log" 2>/dev/null | grep -oE 'temporaire est [^ ]+' | tail -n 1 | cut -d' ' -f3 || true; }
SMS_PASSWORD=""
for _ in $(seq 1 100); do SMS_PASSWORD=$(sms_password); [ -n "$SMS_PASSWORD" ] && break; sleep 0.1; done
login 184027512345674 "$SMS_PASSWORD"
check "the SMS's temporary password logs in (unlocked), to be personalised" json_true '.required_actions[0] == "change_password"'
json_call POST /v1/flows/unlock '{"nir":"184027512345674","birth_date":"29/02/1984"}'
check "once unlocked: « Votre compte n'est pas bloqué. »" is_problem 409 account_not_locked

# A temporary password from a letter gives a session restricted to the required actions.
admin_call POST /v1/admin/accounts '{"nir":"269029935004220","has_logged_in":false}'
print_call GET "/v1/admin/letters?status=pending"
temp=$(jq -r '.[0].text' <<<"$BODY" | grep -oE 'temporaire : [^ ]{12}$' | head -n1 | cut -d' ' -f3)
login 269029935004220 "$temp"
check "a temporary password logs in, restricted to personalising" \
  json_true '.required_actions == ["change_password", "confirm_contacts", "verify_email"]'
RESTRICTED=$(jq -r .access_token <<<"$BODY")
call GET /v1/me -H "Authorization: Bearer $RESTRICTED"
check "the restricted token reads /v1/me and its required actions" json_true '.required_actions | length == 3'
call GET /v1/sessions -H "Authorization: Bearer $RESTRICTED"
check "but opens nothing else until they are done" is_problem 403 forbidden
json_call PUT /v1/me/password '{"password":"Mon-Nouveau2026!","password_confirmation":"Mon-Nouveau2026!"}' -H "Authorization: Bearer $RESTRICTED"
check "the temporary password is personalised" json_true '.message == "Votre mot de passe a bien été modifié." and .required_actions == ["confirm_contacts", "verify_email"]'
login 269029935004220 'Mon-Nouveau2026!'
check "the next login still asks the contacts and the email" json_true '.required_actions == ["confirm_contacts", "verify_email"]'
PERSONAL=$(jq -r .access_token <<<"$BODY")
call POST /v1/me/email-verification -H "Authorization: Bearer $PERSONAL"
check "the email cannot be verified before the contacts are confirmed" is_problem 403 forbidden
json_call PUT /v1/me/contacts '{"email":"elodie.nouvelle@exemple.fr","mobile_phone":"06 11 22 33 44","fax":"0145678911"}' \
  -H "Authorization: Bearer $PERSONAL"
check "the contacts are confirmed (seed 004)" json_true '.required_actions == ["verify_email"]'
PERSONAL=$(jq -r .access_token <<<"$BODY")
call POST /v1/me/email-verification -H "Authorization: Bearer $PERSONAL"
check "a 4-digit code is mailed to the confirmed address" json_true '.destination == "e•••@exemple.fr"'
email_code() {  # the code of the newest verification mail to elodie.nouvelle@, from the local mailbox
  /usr/bin/python3 - "$E2E_DIR/mail" <<'PY'
import email, email.policy, os, re, sys
d = sys.argv[1]
codes = []
for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
    if not name.endswith(".eml"):
        continue
    with open(os.path.join(d, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    if "elodie.nouvelle@exemple.fr" not in str(m["To"]):
        continue
    found = re.search(r"Votre code de confirmation est : (\d{4})", m.get_body(("plain",)).get_content())
    if found:
        codes.append(found.group(1))
print(codes[-1] if codes else "")
PY
}
CODE=""
for _ in $(seq 1 100); do CODE=$(email_code); [ -n "$CODE" ] && break; sleep 0.1; done
WRONG=$([ "$CODE" = 0000 ] && echo 1111 || echo 0000)
json_call POST /v1/me/email-verification/confirm "{\"code\":\"$WRONG\"}" -H "Authorization: Bearer $PERSONAL"
check "a wrong code is refused, with the tries left" is_problem 422 code_invalid
json_call POST /v1/me/email-verification/confirm "{\"code\":\"$CODE\"}" -H "Authorization: Bearer $PERSONAL"
check "the right code: « Votre adresse email a été vérifiée. », nothing left to do" \
  json_true '.message == "Votre adresse email a été vérifiée." and .required_actions == []'
FULL=$(jq -r .access_token <<<"$BODY")
call GET /v1/sessions -H "Authorization: Bearer $FULL"
check "the session is now a full one" status_is 200

# Exact lockout across 3 processes: 100 parallel wrong attempts on one identifier.
launch_server; second=$BASE
launch_server; third=$BASE

# Each process keeps live sessions in memory (infra/postgres/session_cache.hpp): a logout on one
# must end the session on the others too, as soon as PostgreSQL's notification reaches them.
me_status() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $FULL" "$1/v1/me"; }
check "the session is live on the second process (and now in its cache)" test "$(me_status "$second")" = 200
check "… and on the third" test "$(me_status "$third")" = 200
curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $FULL" "$first/v1/sessions/current"
check "after the logout on the first process, it is over there at once" test "$(me_status "$first")" = 401
ended_everywhere() { [ "$(me_status "$second")" = 401 ] && [ "$(me_status "$third")" = 401 ]; }
check "… and on the other two within 5 s (the notification)" wait_for 5 ended_everywhere
for i in $(seq 1 100); do
  case $((i % 3)) in 0) echo "$first" ;; 1) echo "$second" ;; 2) echo "$third" ;; esac
done | xargs -P 30 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
  --data-binary '{"identifier":"marie.curie@exemple.fr","password":"nope"}' "{}/v1/sessions" > "$E2E_DIR/codes"
check "100 parallel wrong attempts over 3 processes: exactly 3 reach the password check" test "$(grep -c '^401$' "$E2E_DIR/codes")" = 3
check "… and 97 are answered account_locked" test "$(grep -c '^423$' "$E2E_DIR/codes")" = 97

check "logs hold no NIR, password or token" \
  bash -c "! grep -qE '184027512345674|Ancien-Mot2passe|$REFRESH' $E2E_DIR/server-*.log"

# What an operator sees of all this (issue 15): /metrics in Prometheus' text format, per process.
scrape() { curl -s -H "Authorization: Bearer $GUICHET_METRICS_TOKEN" "$1/metrics"; }
total() {  # total 'NAME{LABELS}': the sum of its value over the three processes
  for base in "$first" "$second" "$third"; do scrape "$base"; done | grep -F "$1 " | awk '{ s += $2 } END { print s + 0 }'
}
at_least() { awk -v v="$(total "$1")" -v m="$2" 'BEGIN { exit !(v >= m) }'; }
check "metrics: login outcomes, the 97 refused as locked (a Connect identity) among them" \
  bash -c "$(declare -f scrape total at_least); first=$first second=$second third=$third GUICHET_METRICS_TOKEN=$GUICHET_METRICS_TOKEN; \
    at_least 'guichet_logins_total{outcome=\"invalid_credentials\"}' 3 && at_least 'guichet_logins_total{outcome=\"connect_identity_locked\"}' 97 && at_least 'guichet_logins_total{outcome=\"account_locked\"}' 1"
check "metrics: lockouts of accounts, from the security events committed" at_least 'guichet_security_events_total{kind="account_locked"}' 1
BODY=$(scrape "$first")
check "metrics: requests by route pattern, method and status, with a latency histogram" \
  bash -c 'grep -q "^guichet_http_requests_total{method=\"POST\",route=\"/v1/sessions\",status=\"423\"} " <<<"$0" && grep -q "^guichet_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/sessions\",le=\"+Inf\"} " <<<"$0"' "$BODY"
check "metrics: the hashing queue, the database pool, the session cache and the build" \
  bash -c 'for m in guichet_hashing_queue_depth guichet_hashing_queue_wait_seconds_count "guichet_db_pool_connections{state=\"in_use\"}" guichet_db_pool_waits_total "guichet_session_cache_lookups_total{result=\"hit\"}" "guichet_build_info{"; do grep -qF "$m" <<<"$0" || { echo "missing $m"; exit 1; }; done' "$BODY"

finish
