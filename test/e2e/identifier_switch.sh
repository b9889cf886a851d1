#!/usr/bin/env bash
# End to end (issue 6): the switch from the NIR to an email identifier (seed 002) with the real
# SMTP server: the three paths of the email step (new credentials, an existing Connect identity,
# an email already used), both endings (at once for the proposed contact email, by a validation
# link otherwise), two races for one email with parallel requests, and each troubleshooting case
# of the seed (locked account, password never created, identity not validated, forgotten or
# locked Connect password).
source "$(dirname "$0")/lib.sh"

start_real_delivery
start_server
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null
# Two members of one family who share a contact email.
admin_call POST /v1/admin/members '[{"nir":"150067512345658","last_name":"Garcia","first_name":"Louis","birth_date":"1950-06-12","member_type":"particulier","email":"famille.garcia@exemple.fr"},
  {"nir":"252067512345706","last_name":"Garcia","first_name":"Rose","birth_date":"1952-06-03","member_type":"particulier","email":"famille.garcia@exemple.fr"}]'
[ "$STATUS" = 200 ] || { echo "member import failed: $STATUS $BODY" >&2; exit 1; }

OLD='Ancien-Mot2passe!'
bcrypt() { /usr/bin/python3 -W ignore -c "import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))" "$1"; }
BCRYPT=$(bcrypt "$OLD")
FORUM_HASH=$(bcrypt 'Forum-Mot2passe!')
for nir in 184027512345674 269029935004220 282011305500701 201047511405244 293026938112301 162033306304551 \
           191107400122294 285022B03300113 178072A00401257 150067512345658 252067512345706; do
  admin_call POST /v1/admin/accounts "{\"nir\":\"$nir\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}"
  [ "$STATUS" = 201 ] || { echo "import of $nir failed: $STATUS $BODY" >&2; exit 1; }
done
identity() {  # EMAIL VALIDATED: a Connect identity of another site, linked to no account
  admin_call POST /v1/admin/identities "{\"email\":\"$1\",\"password_hash\":\"$FORUM_HASH\",\"validated\":$2}"
  [ "$STATUS" = 201 ] || { echo "identity $1: $STATUS $BODY" >&2; exit 1; }
}
identity sophie.forum@exemple.fr true
identity camille.roux@exemple.fr true    # Camille's contact email is already a Connect identity
identity anne.brouillon@exemple.fr false
identity luc.forum@exemple.fr true

QUESTION=$(curl -fs "$BASE/v1/secret-questions" | jq -r '.[0].id')
NEW='Automne-Pluie2027?'
# PASSWORD [CURRENT]: the new credentials, with the account's current password (re-authentication)
credentials() { echo "{\"current_password\":\"${2:-$OLD}\",\"password\":\"$1\",\"password_confirmation\":\"$1\",\"secret_question_id\":\"$QUESTION\",\"secret_answer\":\"Médor\"}"; }
connect() { step connect_password "{\"current_password\":\"${2:-$OLD}\",\"password\":\"$1\"}"; }  # PASSWORD [CURRENT]
login() { json_call POST /v1/sessions "{\"identifier\":\"$1\",\"password\":\"$2\"}"; }
nir_login() {  # NIR [PASSWORD]: sets ACCESS and REFRESH
  login "$1" "${2:-$OLD}"
  ACCESS=$(jq -r .access_token <<<"$BODY"); REFRESH=$(jq -r .refresh_token <<<"$BODY")
}
start_switch() { call POST /v1/flows/identifier-switch -H "Authorization: Bearer $ACCESS"; FLOW=$(jq -r .id <<<"$BODY"); }
step() { json_call POST "/v1/flows/$FLOW/steps/$1" "$2" -H "Authorization: Bearer $ACCESS"; }
validate() { json_call POST /v1/email-validations "{\"token\":\"$1\"}"; }
reset_password() { json_call POST /v1/password-resets "{\"token\":\"$TOKEN\",\"password\":\"$NEW\",\"password_confirmation\":\"$NEW\"}"; }  # with the last link's TOKEN
migrated() { login "$1" "${2:-$OLD}"; is_problem 409 identifier_migrated; }
mail_has() { mail_texts "$1" | grep -q "$2"; }
sms_has() { sms_texts "$1" | grep -q "$2"; }
statuses() { local f; for f in "$@"; do cat "$f"; echo; done | sort | tr '\n' ' '; }  # curl -w writes no newline
race_outcomes() {  # PREFIX: the outcomes of the parallel answers saved as PREFIX*.json, sorted
  cat "$E2E_DIR/race/$1"*.json | jq -s -e 'map(.code // .state) | sort == ["done", "email_already_used"]' >/dev/null
}

# 1. Jean: the proposed contact email and new credentials, the switch made at once.
nir_login 184027512345674
OTHER_REFRESH=$REFRESH  # another device's session, e.g. a thief's
nir_login 184027512345674
check "a NIR login is held to the switch (seed 002)" json_true '.required_actions == ["switch_identifier"] and .offered_actions == []'
call GET /v1/sessions -H "Authorization: Bearer $ACCESS"
check "… its token opens nothing else yet" is_problem 403 forbidden
call GET /v1/me -H "Authorization: Bearer $ACCESS"
check "… but /v1/me, which says why" json_true '.identifier_kind == "nir" and .required_actions == ["switch_identifier"]'
call POST /v1/flows/identifier-switch
check "the switch needs the member's session" is_problem 401 unauthorized
start_switch
check "the contact email is proposed" json_true '.state == "choose_email" and .proposed_email == "jean.martin@exemple.fr" and .next_steps[0].name == "email"'
check "… with the seed's explanation" json_true '.messages[0].text | test("ne peut être utilisée comme identifiant que pour un seul Espace personnel")'
JEAN_FLOW=$FLOW
json_call POST "/v1/flows/$FLOW/steps/email" '{"email":"jean.martin@exemple.fr"}'
check "a step without the session is refused" is_problem 401 unauthorized
step credentials "$(credentials "$NEW")"
check "steps cannot be skipped" is_problem 409 step_not_allowed
step email '{"email":"Jean.Martin@Exemple.fr"}'
check "the proposed email, case ignored: new credentials" json_true '.state == "new_credentials" and .next_steps[0].fields == ["current_password","password","password_confirmation","secret_question_id","secret_answer"]'
step credentials "$(credentials martin1984)"
check "the password policy and gauge apply" json_true '.status == 422 and (.code == "password_policy" or .code == "password_too_weak")'
step credentials "{\"current_password\":\"$OLD\",\"password\":\"$NEW\",\"password_confirmation\":\"Autre-Chose2027?\",\"secret_question_id\":\"$QUESTION\",\"secret_answer\":\"Médor\"}"
check "the confirmation must match" is_problem 422 password_mismatch
step credentials "{\"password\":\"$NEW\",\"password_confirmation\":\"$NEW\",\"secret_question_id\":\"$QUESTION\",\"secret_answer\":\"Médor\"}"
check "a session alone cannot switch: the current password is asked" json_true '.status == 400 and .code == "validation_error" and .field == "current_password"'
step credentials "$(credentials "$NEW" 'Pas-Le-Bon1!')"
check "… and a wrong one is refused like a login" is_problem 401 invalid_credentials
step credentials "$(credentials "$NEW")"
check "the proposed email: done at once, with an access token freed of the switch" \
  json_true '.state == "done" and .next_steps == [] and .required_actions == [] and (.access_token | length) > 40'
SWITCHED_ACCESS=$(jq -r .access_token <<<"$BODY")
call GET /v1/sessions -H "Authorization: Bearer $SWITCHED_ACCESS"
check "… which opens the whole Espace personnel" status_is 200
check "… where it is the only session left" json_true 'length == 1'
json_call POST /v1/sessions/refresh "{\"refresh_token\":\"$OTHER_REFRESH\"}"
check "the password is replaced: the other device's session is over" is_problem 401 unauthorized
step credentials "$(credentials "$NEW")"
check "a replayed step is refused" is_problem 409 step_not_allowed
login 184027512345674 "$OLD"
check "from now on a NIR login answers identifier_migrated…" is_problem 409 identifier_migrated
check "… with the seed's words" json_true '.title == "La connexion à votre Espace personnel se fait désormais avec l'"'"'adresse email indiquée lors de l'"'"'activation de votre compte."'
login 184027512345674 'Pas-Le-Bon1!'
check "… only to whom knows the password" is_problem 401 invalid_credentials
check "Jean is told on his mobile" wait_for 15 sms_has +33612345678 "avec une adresse email"
login jean.martin@exemple.fr "$NEW"
check "the email and its new password log in, unrestricted" json_true '.required_actions == [] and .offered_actions == []'
call GET /v1/me -H "Authorization: Bearer $(jq -r .access_token <<<"$BODY")"
check "/v1/me: an email identifier now" json_true '.identifier_kind == "email"'
start_switch
check "switching again: identifier_migrated" is_problem 409 identifier_migrated
json_call POST /v1/flows/recovery '{"identifier":"jean.martin@exemple.fr"}'
check "forgot password with the email: link_sent" json_true '.state == "link_sent"'
wait_link /reinitialisation jean.martin@exemple.fr 1
check "… and the reset link arrives" test -n "$TOKEN"

# 2. Élodie: another email, a validation link (24 h), then the switch and a new session.
nir_login 269029935004220
ELODIE_REFRESH=$REFRESH
start_switch
check "Élodie's contact email is proposed" json_true '.proposed_email == "elodie.lefevre@exemple.fr"'
seq 1 10 | xargs -P 10 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $ACCESS" --data-binary '{"email":"elodie.perso@exemple.fr"}' \
  "$BASE/v1/flows/$FLOW/steps/email" > "$E2E_DIR/email_steps"
check "10 parallel email steps: exactly one moves the flow, the others are refused (409 or 429)" \
  test "$(grep -c '^200$' "$E2E_DIR/email_steps"),$(grep -cE '^(409|429)$' "$E2E_DIR/email_steps")" = "1,9"
call GET "/v1/flows/$FLOW"
check "another email: new credentials" json_true '.state == "new_credentials"'
step credentials "$(credentials "$NEW")"
check "… then a validation email" json_true '.state == "validation_sent" and .next_steps == [] and (has("access_token") | not)'
check "… said in the flow, the address masked" json_true '.messages[0].code == "validation_sent" and (.messages[0].text | test("e•••@exemple.fr"))'
check "… and the flow lives as long as the link (24 h)" json_true '(.expires_at | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) - now > 86000'
ELODIE_FLOW=$FLOW
wait_link /validation elodie.perso@exemple.fr 1
check "the validation link arrives at the new address" test -n "$TOKEN"
VALIDATION=$TOKEN
check "the mail says what the link does" mail_has elodie.perso@exemple.fr 'valable 24 heures'

check "nothing is created under the email before its owner proves it" \
  test "$(psql -tA "$(db_url)" -c "SELECT count(*) FROM connect_identities WHERE email = 'elodie.perso@exemple.fr'")" = 0
login 269029935004220 "$OLD"
check "… and the NIR still logs in meanwhile" status_is 200
validate "$VALIDATION"
check "the link validates the identifier and opens a session" \
  json_true '(.access_token | length) > 40 and (.refresh_token | length) > 40 and .required_actions == [] and (.message | test("validé"))'
validate "$VALIDATION"
check "once" is_problem 410 link_expired
check "the NIR is over for Élodie" migrated 269029935004220
check "her former contact address is told of it (in case it was not her)" \
  wait_for 15 mail_has elodie.lefevre@exemple.fr "est désormais l'adresse email e•••@exemple.fr"
login elodie.perso@exemple.fr "$NEW"
check "the new email and its password log in" status_is 200
call GET "/v1/flows/$ELODIE_FLOW"
check "the flow is done" json_true '.state == "done" and .messages[0].code == "identifier_switched"'
call GET /v1/me -H "Authorization: Bearer $ACCESS"
check "/v1/me with the token signed before the switch shows the session as it is now, switch done" \
  json_true '.identifier_kind == "email" and .required_actions == []'
json_call POST /v1/sessions/refresh "{\"refresh_token\":\"$ELODIE_REFRESH\"}"
check "the session that asked is no longer held to the switch" json_true '.required_actions == []'

# 3. Sophie: an existing Connect identity (another site's), its password forgotten then reset.
nir_login 282011305500701
start_switch
step email '{"email":"sophie.forum@exemple.fr"}'
check "a Connect identity of no account: its password is asked (seed 002)" \
  json_true '.state == "connect_password" and .next_steps[0].fields == ["current_password","password"] and ([.messages[].code] | index("forgotten_password"))'
connect 'Pas-Le-Bon1!'
check "a wrong password: invalid_credentials" is_problem 401 invalid_credentials
json_call POST /v1/flows/recovery '{"identifier":"sophie.forum@exemple.fr"}'
check "forgotten: « Mot de passe oublié ? » with the email" json_true '.state == "link_sent"'
wait_link /reinitialisation sophie.forum@exemple.fr 1
reset_password
check "… the reset link sets a new password" status_is 200
nir_login 282011305500701
check "then a NIR login again, still held to the switch" json_true '.required_actions == ["switch_identifier"]'
start_switch
step email '{"email":"sophie.forum@exemple.fr"}'
connect "$NEW"
check "the new password links the identity; not the proposed email, so a validation link" json_true '.state == "validation_sent"'
wait_link /validation sophie.forum@exemple.fr 1
validate "$TOKEN"
check "validated" status_is 200
check "the NIR is over for Sophie" migrated 282011305500701
login sophie.forum@exemple.fr "$NEW"
check "the identity now opens her Espace personnel" json_true '.required_actions == []'

# 4. Camille: her proposed contact email is already a Connect identity: its password, done at once.
nir_login 201047511405244
start_switch
check "a Connect identity of no account is still proposed" json_true '.proposed_email == "camille.roux@exemple.fr"'
step email '{"email":"camille.roux@exemple.fr"}'
check "… and asks its password" json_true '.state == "connect_password"'
connect 'Forum-Mot2passe!'
check "proven: done at once" json_true '.state == "done" and .required_actions == []'
check "the NIR is over for Camille" migrated 201047511405244
login camille.roux@exemple.fr 'Forum-Mot2passe!'
check "the identity's own password logs in" status_is 200

# 5. Anne: an email already used is refused; an identity not validated mails a reset link.
nir_login 293026938112301
start_switch
step email '{"email":"jean.martin@exemple.fr"}'
check "an email that identifies another account: email_already_used" is_problem 409 email_already_used
check "… with the seed's explanation" json_true '.title | test("une adresse email ne peut identifier qu.un seul Espace personnel")'
call GET "/v1/flows/$FLOW"
check "… and the flow still waits for an email" json_true '.state == "choose_email"'
step email '{"email":"anne.brouillon@exemple.fr"}'
check "a Connect identity not validated yet" json_true '.state == "connect_password"'
connect 'Forum-Mot2passe!'
check "… answers connect_identity_not_validated" is_problem 409 connect_identity_not_validated
wait_link /reinitialisation anne.brouillon@exemple.fr 1
check "… and emails a reset link (seed 002)" test -n "$TOKEN"
reset_password
check "the reset validates the identity" status_is 200
nir_login 293026938112301
start_switch
step email '{"email":"anne.brouillon@exemple.fr"}'
connect "$NEW"
check "after a NIR login the switch resumes with the new password" json_true '.state == "validation_sent"'
wait_link /validation anne.brouillon@exemple.fr 1
validate "$TOKEN"
check "… and completes" status_is 200

# 6. Luc: a locked Connect identity mails a reset link; after it the switch resumes.
nir_login 191107400122294
start_switch
check "no contact email: nothing proposed" json_true '(has("proposed_email") | not) and ([.messages[].code] | index("no_email"))'
step email '{"email":"luc.forum@exemple.fr"}'
for _ in 1 2 3; do connect 'Pas-Le-Bon1!'; done
connect 'Forum-Mot2passe!'
check "after 3 failures the identity is locked: connect_identity_locked" is_problem 423 connect_identity_locked
wait_link /reinitialisation luc.forum@exemple.fr 1
check "… and a reset link is emailed" test -n "$TOKEN"
login luc.forum@exemple.fr 'Forum-Mot2passe!'
check "the lock holds for the email login too" is_problem 423 connect_identity_locked
reset_password
check "the reset lifts the lock" status_is 200
nir_login 191107400122294
start_switch
step email '{"email":"luc.forum@exemple.fr"}'
connect "$NEW"
check "the switch resumes" json_true '.state == "validation_sent"'

# 7. Marcel: a locked account before switching: unlock, then the switch at the next login.
for _ in 1 2 3; do login 162033306304551 'Pas-Le-Bon1!'; done
login 162033306304551 "$OLD"
check "3 failures lock the NIR" is_problem 423 account_locked
json_call POST /v1/flows/unlock '{"nir":"162033306304551","birth_date":"09/03/1962"}'
check "unlock (seed 002: « débloquez votre compte »): his only channel, a reset link" json_true '.state == "link_sent"'
wait_link /reinitialisation marcel.petit@exemple.fr 1
reset_password
check "… a new password, unlocked" status_is 200
nir_login 162033306304551 "$NEW"
check "at the next login, the switch" json_true '.required_actions == ["switch_identifier"]'
start_switch
step email '{"email":"marcel.petit@exemple.fr"}'
step credentials "$(credentials 'Hiver-Neige2028!' "$NEW")"
check "done" json_true '.state == "done"'
check "the NIR is over for Marcel" migrated 162033306304551 "$NEW"

# 8. Pierre: a password never created: forgot password (a letter), then the switch.
admin_call POST /v1/admin/accounts '{"nir":"175057505612393","has_logged_in":false,"password_never_created":true}'
login 175057505612393 "$OLD"
check "password never created: password_not_created" is_problem 409 password_not_created
json_call POST /v1/flows/recovery '{"identifier":"175057505612393","birth_date":"20/05/1975"}'
json_call POST "/v1/flows/$(jq -r .id <<<"$BODY")/steps/channel" '{"channel":"letter"}'
check "forgot password: a temporary password by letter" json_true '.state == "letter_sent"'
print_call GET "/v1/admin/letters?status=pending"
LETTER=$(jq -r 'map(select(.postal_address | test("Pierre Dubois"))) | .[0].text' <<<"$BODY" | grep -oE 'temporaire : [^ ]{12}' | head -n1 | cut -d' ' -f3)
nir_login 175057505612393 "$LETTER"
check "its password logs in, to be personalised, then the switch" \
  json_true '.required_actions == ["change_password","confirm_contacts","verify_email","switch_identifier"]'
start_switch
check "the switch waits for the personalisation (SPEC.md §8: required actions in order)" is_problem 403 forbidden
me_call() { json_call "$1" "$2" "$3" -H "Authorization: Bearer $ACCESS"; ACCESS=$(jq -r '.access_token // empty' <<<"$BODY"); }
me_call PUT /v1/me/password "{\"password\":\"$NEW\",\"password_confirmation\":\"$NEW\"}"
me_call PUT /v1/me/contacts '{"email":"pierre.dubois@exemple.fr"}'
check "… the password, then the contacts" json_true '.required_actions == ["verify_email","switch_identifier"]'
call POST /v1/me/email-verification -H "Authorization: Bearer $ACCESS"
email_code() { mail_texts pierre.dubois@exemple.fr | grep -oE 'Votre code de confirmation est : [0-9]{4}' | tail -n 1 | grep -oE '[0-9]{4}$'; }
wait_for 30 email_code >/dev/null
me_call POST /v1/me/email-verification/confirm "{\"code\":\"$(email_code)\"}"
check "… then the email, proved by its code" json_true '.required_actions == ["switch_identifier"]'
start_switch
check "the proved contact email is proposed" json_true '.proposed_email == "pierre.dubois@exemple.fr"'
step email '{"email":"pierre.dubois@exemple.fr"}'
step credentials "$(credentials 'Hiver-Neige2028!' "$NEW")"
check "switched without a validation link: the insurer knows the address" json_true '.state == "done" and .required_actions == []'
login pierre.dubois@exemple.fr 'Hiver-Neige2028!'
check "… and the email login asks nothing more" json_true '.required_actions == []'

# 9. The Garcias race for the contact email they share: in parallel, exactly one gets it.
race() {  # OUT_DIR: both credentials steps at once
  local who pids=()
  for who in louis rose; do
    curl -s -o "$1/step-$who.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
      -H "Authorization: Bearer ${RACE_ACCESS[$who]}" --data-binary "$(credentials "$NEW")" \
      "$BASE/v1/flows/${RACE_FLOW[$who]}/steps/credentials" >"$1/step-$who.status" &
    pids+=("$!")
  done
  wait "${pids[@]}"  # not a bare wait: the servers are children too
}
declare -A RACE_ACCESS RACE_FLOW
for who in louis:150067512345658 rose:252067512345706; do
  nir_login "${who#*:}"
  start_switch
  check "${who%%:*}: the shared contact email is proposed to each" json_true '.proposed_email == "famille.garcia@exemple.fr"'
  step email '{"email":"famille.garcia@exemple.fr"}'
  RACE_ACCESS[${who%%:*}]=$ACCESS RACE_FLOW[${who%%:*}]=$FLOW
done
mkdir -p "$E2E_DIR/race"
race "$E2E_DIR/race"
STATUSES=$(statuses "$E2E_DIR/race/step-louis.status" "$E2E_DIR/race/step-rose.status")
check "two parallel switches to one email: one done, one email_already_used" test "$STATUSES" = "200 409 "
check "… the loser is told why" race_outcomes step-
LOSER=$([ "$(cat "$E2E_DIR/race/step-louis.status")" = 409 ] && echo 150067512345658 || echo 252067512345706)
login "$LOSER" "$OLD"
check "… and still logs in with the NIR, held to the switch" json_true '.required_actions == ["switch_identifier"]'
# The loser asks again with another address, and lets its link expire.
ACCESS=$(jq -r .access_token <<<"$BODY")
start_switch
check "the shared email is no longer proposed" json_true 'has("proposed_email") | not'
step email '{"email":"famille.garcia@exemple.fr"}'
check "… and refused" is_problem 409 email_already_used
step email '{"email":"garcia.perso@exemple.fr"}'
step credentials "$(credentials "$NEW")"
wait_link /validation garcia.perso@exemple.fr 1
psql -q "$(db_url)" -c "UPDATE link_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'email_validation' AND flow_id = '$FLOW'" >/dev/null
validate "$TOKEN"
check "a validation link past its 24 hours: link_expired" is_problem 410 link_expired
login "$LOSER" "$OLD"
check "… and nothing switched" status_is 200

# 10. Marie and Paul race through validation links for one new address.
for who in marie:285022B03300113 paul:178072A00401257; do
  nir_login "${who#*:}"
  start_switch
  step email '{"email":"maison@exemple.fr"}'
  step credentials "$(credentials "$NEW")"
  check "${who%%:*}: validation_sent for the same new address" json_true '.state == "validation_sent"'
done
wait_link /validation maison@exemple.fr 2
mapfile -t LINKS < <(links_to /validation maison@exemple.fr)
check "two distinct links went to the address" test "${#LINKS[@]}" = 2 -a "${LINKS[0]}" != "${LINKS[1]}"
PIDS=()
for i in 0 1; do
  curl -s -o "$E2E_DIR/race/link-$i.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "{\"token\":\"${LINKS[$i]}\"}" "$BASE/v1/email-validations" >"$E2E_DIR/race/link-$i.status" &
  PIDS+=("$!")
done
wait "${PIDS[@]}"
STATUSES=$(statuses "$E2E_DIR/race/link-0.status" "$E2E_DIR/race/link-1.status")
check "both links followed at once: one switch, one email_already_used" test "$STATUSES" = "200 409 "
check "exactly one account has the address" \
  test "$(psql -tA "$(db_url)" -c "SELECT count(*) FROM accounts a JOIN connect_identities i ON i.id = a.identity_id WHERE i.email = 'maison@exemple.fr'")" = 1

# 11. With the switch only offered, a NIR login is not held to it.
export GUICHET_IDENTIFIER_SWITCH=offered
launch_server
unset GUICHET_IDENTIFIER_SWITCH
login "$LOSER" "$OLD"
check "offered: a full session that offers the switch" json_true '.required_actions == [] and .offered_actions == ["switch_identifier"]'
ACCESS=$(jq -r .access_token <<<"$BODY")
call GET /v1/sessions -H "Authorization: Bearer $ACCESS"
check "… which opens everything" status_is 200
call GET /v1/me -H "Authorization: Bearer $ACCESS"
check "… and /v1/me offers it too" json_true '.offered_actions == ["switch_identifier"]'
start_switch
check "… and the member may start it" json_true '.state == "choose_email"'

finish
