#!/usr/bin/env bash
# End to end (issue 5): agent actions (look-up, unlock, password reset by SMS, security events with
# the agent's id and no secret), and the unlock flow's email branch with the single-channel
# shortcut (an overseas mobile is never offered for SMS), with an expired and a reused link.
# Issue 14: each back-office caller's token opens its own routes, every admin write is recorded.
source "$(dirname "$0")/lib.sh"

start_real_delivery
export GUICHET_CORS_ORIGINS="$GUICHET_PUBLIC_URL"  # the portal's origin
start_server
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null

BCRYPT=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('Ancien-Mot2passe!', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
for nir in 184027512345674 293026938112301; do
  admin_call POST /v1/admin/accounts "{\"nir\":\"$nir\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}"
  [ "$STATUS" = 201 ] || { echo "import of $nir failed: $STATUS $BODY" >&2; exit 1; }
done
login() { json_call POST /v1/sessions "{\"identifier\":\"$1\",\"password\":\"$2\"}"; }
agent() {  # agent METHOD PATH [BODY]: an admin call by agent.dupont
  if [ $# -ge 3 ]; then json_call "$1" "$2" "$3" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" -H "X-Agent-Id: agent.dupont"
  else call "$1" "$2" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" -H "X-Agent-Id: agent.dupont"; fi
}

# 1. Agent calls need the admin token and say which agent acts.
call GET "/v1/admin/accounts?nir=184027512345674" -H "X-Agent-Id: agent.dupont"
check "an agent call without the admin token" is_problem 401 unauthorized
call GET "/v1/admin/accounts?nir=184027512345674" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN"
check "… or without X-Agent-Id" is_problem 400 validation_error
agent GET "/v1/admin/accounts?nir=184027512345674"
check "look-up by NIR: the account, masked channels, not locked" \
  json_true '.identifier_kind == "nir" and .last_name == "Martin" and .locked == false and .channels[0].destination == "06 •• •• •• 78"'
JEAN=$(jq -r .id <<<"$BODY")
agent GET "/v1/admin/accounts?email=personne@exemple.fr"
check "an email nobody has: 404" is_problem 404 not_found
agent GET "/v1/admin/accounts"
check "neither NIR nor email: 400" is_problem 400 validation_error

# 2. A locked member is unlocked by an agent.
login 184027512345674 'Ancien-Mot2passe!'
OLD_SESSION=$(jq -r .access_token <<<"$BODY")
for i in 1 2 3; do login 184027512345674 "faux-$i"; done
login 184027512345674 'Ancien-Mot2passe!'
check "3 failures lock the member" is_problem 423 account_locked
agent GET "/v1/admin/accounts?nir=1840275123456"
check "the agent sees the lock" json_true '.locked == true'
agent POST "/v1/admin/accounts/$JEAN/unlock"
check "the agent unlocks" json_true '.locked == false'
login 184027512345674 'Ancien-Mot2passe!'
check "the member logs in again" status_is 200

# 3. An agent resets the password: a temporary password by SMS, the sessions end.
agent POST "/v1/admin/accounts/$JEAN/password-reset" '{"channel":"pigeon"}'
check "an unknown channel" is_problem 400 validation_error
agent POST "/v1/admin/accounts/999999/password-reset" '{"channel":"sms"}'
check "an unknown account" is_problem 404 not_found
agent POST "/v1/admin/accounts/$JEAN/password-reset" '{"channel":"sms"}'
check "reset by SMS, to the masked mobile" json_true '.channel == "sms" and .destination == "06 •• •• •• 78"'
TEMP=""
for _ in $(seq 1 150); do
  TEMP=$(sms_texts +33612345678 | grep -oE 'temporaire est [^ ]+' | tail -n1 | cut -d' ' -f3 || true)  # not there yet: poll again
  [ -n "$TEMP" ] && break; sleep 0.1
done
call GET /v1/me -H "Authorization: Bearer $OLD_SESSION"
check "the member's sessions ended" is_problem 401 unauthorized
login 184027512345674 "$TEMP"
check "the SMS's temporary password logs in, to be personalised" json_true '.required_actions[0] == "change_password"'

# 4. The security events: every step, the agent's id on agent actions, no secret.
agent GET "/v1/admin/accounts/$JEAN/events?limit=200"
check "the events tell the story, newest first" \
  json_true '[.[].kind] | (index("agent_events_read") == 0) and (index("login_failed") != null) and (index("account_locked") != null) and (index("agent_unlock") != null) and (index("agent_password_reset") != null) and (index("login_succeeded") != null)'
check "agent actions carry the agent's id" json_true 'map(select(.kind | startswith("agent_"))) | all(.agent_id == "agent.dupont")'
check "… and no secret" bash -c "! grep -qF -- '$TEMP' <<<'$(jq -c . <<<"$BODY")' && ! grep -q 'Ancien-Mot2passe' <<<'$(jq -c . <<<"$BODY")'"
agent GET "/v1/admin/accounts/$JEAN/events?limit=0"
check "a limit out of range" is_problem 400 validation_error
agent GET "/v1/admin/accounts/abc/events"
check "an account id that is not one" is_problem 404 not_found

# 5. Unlock by email with the single-channel shortcut: Anne's mobile is in Guadeloupe (no SMS),
#    so her email is used at once; the link sets a new password and logs her in.
for i in 1 2 3 4; do login 293026938112301 "faux-$i"; done
json_call POST /v1/flows/unlock '{"nir":"293026938112301","birth_date":"18/02/1993"}'
check "one channel known (the overseas mobile is not one): used at once, and said" \
  json_true '.state == "link_sent" and .messages[0].code == "single_channel" and .channels == [{"channel":"email","destination":"a•••@exemple.fr"}]'
wait_link /reinitialisation anne.bernard@exemple.fr 1
FIRST_LINK=$TOKEN
psql -q "$(db_url)" -c "UPDATE link_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'password_reset'" >/dev/null
json_call POST /v1/password-resets "{\"token\":\"$FIRST_LINK\",\"password\":\"Soleil-Caraibes2026\",\"password_confirmation\":\"Soleil-Caraibes2026\"}"
check "an expired link (past its hour)" is_problem 410 link_expired
json_call POST /v1/flows/unlock '{"nir":"293026938112301","birth_date":"18/02/1993"}'
wait_link /reinitialisation anne.bernard@exemple.fr 2
json_call POST /v1/password-resets "{\"token\":\"$TOKEN\",\"password\":\"Soleil-Caraibes2026\",\"password_confirmation\":\"Soleil-Caraibes2026\"}"
check "a fresh link sets the password, unlocks and logs in" json_true '(.access_token | length) > 20'
json_call POST /v1/password-resets "{\"token\":\"$TOKEN\",\"password\":\"Autre-Soleil2026!\",\"password_confirmation\":\"Autre-Soleil2026!\"}"
check "the link is single use" is_problem 410 link_expired
login 293026938112301 'Soleil-Caraibes2026'
check "the new password logs in" status_is 200

# 6. Back-office roles (SPEC.md §8): every admin write names its agent and is recorded with it;
#    only the print provider reads the letters (they hold temporary passwords); /metrics needs a token.
events_of() { psql -tA "$(db_url)" -c "SELECT coalesce(account_id::text, '-') || ' ' || agent_id FROM security_events WHERE kind = '$1' ORDER BY id"; }
check "the command line's import of members is recorded, under no account" test "$(events_of members_imported)" = "- command-line"
json_call POST /v1/admin/accounts '{"nir":"269029935004220","has_logged_in":false}' -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN"
check "an admin write without X-Agent-Id" is_problem 400 validation_error
agent POST /v1/admin/accounts '{"nir":"269029935004220","has_logged_in":false}'
check "with it, the account comes over, its temporary password by letter" json_true '.temporary_password_sent_by == "letter"'
ELODIE=$(jq -r .id <<<"$BODY")
agent GET "/v1/admin/accounts/$ELODIE/events"
check "… and the agent's events show who brought it over" \
  json_true 'map(select(.kind == "account_imported")) | length == 1 and .[0].agent_id == "agent.dupont"'
call GET "/v1/admin/letters?status=pending" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" -H "X-Agent-Id: agent.dupont"
check "the agents' token cannot read the letters" is_problem 403 forbidden
print_call GET "/v1/admin/letters?status=pending"
check "the print provider's token can" json_true 'length == 1 and (.[0].postal_address | startswith("Élodie Lefèvre"))'
LETTER=$(jq '.[0].id' <<<"$BODY")
call POST "/v1/admin/letters/$LETTER/printed" -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN" -H "X-Agent-Id: agent.dupont"
check "… and only it acknowledges them" is_problem 403 forbidden
print_call POST "/v1/admin/letters/$LETTER/printed"
check "the print provider acknowledges the letter" json_is .status printed
check "recorded as the print provider's, under no account" test "$(events_of letter_printed)" = "- print-provider"
print_call GET "/v1/admin/messages?status=dead"
check "the print provider's token opens no agent route" is_problem 403 forbidden
call GET /metrics
check "/metrics is not readable anonymously" is_problem 401 unauthorized
call GET /metrics -H "Authorization: Bearer $GUICHET_ADMIN_TOKEN"
check "… the agents' token reads it" bash -c 'grep -q "^guichet_outbox_pending " <<<"$0"' "$BODY"

# 7. CORS: the portal's origin may call the member routes from a browser, no other origin may,
#    and no origin gets CORS on the back-office routes.
PORTAL=(-H "Origin: $GUICHET_PUBLIC_URL")
lacks() { ! grep -qi "^$1" "$HEADERS"; }  # lacks PREFIX: no header of the last answer starts so
call OPTIONS /v1/sessions "${PORTAL[@]}" -H "Access-Control-Request-Method: POST" -H "Access-Control-Request-Headers: content-type"
check "a preflight from the portal's origin: 204" status_is 204
check "… naming the origin" header_is Access-Control-Allow-Origin "$GUICHET_PUBLIC_URL"
check "… the path's methods" header_is Access-Control-Allow-Methods "POST, GET"
check "… the headers a front-end sends" header_is Access-Control-Allow-Headers "Authorization, Content-Type, X-Request-Id, traceparent"
check "… for 10 minutes" header_is Access-Control-Max-Age 600
check "… varying by origin" header_is Vary Origin
check "… and never credentials" lacks Access-Control-Allow-Credentials
call OPTIONS /v1/sessions -H "Origin: https://ailleurs.example" -H "Access-Control-Request-Method: POST"
check "a preflight from another origin is refused" is_problem 403 forbidden
check "… without allowing it anything" lacks Access-Control-Allow-
call OPTIONS /v1/admin/members "${PORTAL[@]}" -H "Access-Control-Request-Method: POST"
check "a preflight to the admin API, even from the portal, is refused" is_problem 403 forbidden
check "… without any CORS header" bash -c '! grep -qi -e "^Access-Control-" -e "^Vary:" "$0"' "$HEADERS"
json_call POST /v1/password-strength '{"password":"Secret123!"}' "${PORTAL[@]}"
check "an answer to the portal names its origin" header_is Access-Control-Allow-Origin "$GUICHET_PUBLIC_URL"
check "… and lets it read the limits and the request id" \
  header_is Access-Control-Expose-Headers "Retry-After, RateLimit, RateLimit-Policy, X-Request-Id"

finish
