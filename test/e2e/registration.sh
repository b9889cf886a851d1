#!/usr/bin/env bash
# End to end (issue 4): account creation with a new and with an existing Connect identity, the
# activation mail read from a real SMTP server, activation, login by email with each of its
# outcomes, and flows that cannot be skipped, replayed, or used after expiry.
source "$(dirname "$0")/lib.sh"

SMTP_PORT=$(free_port)
MAILDIR="$E2E_DIR/maildir"
start_smtp "$SMTP_PORT" "$MAILDIR"
export GUICHET_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" GUICHET_MAIL_FROM="no-reply@guichet.test"
export GUICHET_OUTBOX_POLL_MS=50 GUICHET_PUBLIC_URL="https://espace.exemple.fr"
start_server
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null

step() { json_call POST "/v1/flows/$1/steps/$2" "$3"; }
login() { json_call POST /v1/sessions "{\"identifier\":\"$1\",\"password\":\"$2\"}"; }
PASSWORD='Vacances-Ete2026!'

call GET /v1/secret-questions
QUESTION=$(jq -r '.[0].id' <<<"$BODY")

# 1. A new Connect identity (seed 003, "Je n'ai pas encore de compte MGEN Connect").
json_call POST /v1/flows/registration '{"nir":"184027512345674"}'
check "registration asks the NIR without its key" is_problem 422 invalid_nir
json_call POST /v1/flows/registration '{"nir":"1840275123456"}'
check "registration starts with the 13-digit NIR" bash -c "[ $STATUS = 201 ] && jq -e '.state == \"identity\" and .type == \"registration\" and .next_steps[0].name == \"identity\"' <<<'$BODY' >/dev/null"
FLOW=$(jq -r .id <<<"$BODY")
step "$FLOW" personal_info '{"nir_key":"74","last_name":"Martin","birth_date":"29/02/1984"}'
check "a step cannot be skipped" is_problem 409 step_not_allowed
identity="{\"mode\":\"new\",\"email\":\"jean.martin@exemple.fr\",\"password\":\"Martin1984!\",\"password_confirmation\":\"Martin1984!\",\"secret_question_id\":\"$QUESTION\",\"secret_answer\":\"Quimper\"}"
step "$FLOW" identity "$identity"
check "a password built from the member's data is too weak" is_problem 422 password_too_weak
identity="{\"mode\":\"new\",\"email\":\"jean.martin@exemple.fr\",\"password\":\"$PASSWORD\",\"password_confirmation\":\"Vacances-Ete2027!\",\"secret_question_id\":\"$QUESTION\",\"secret_answer\":\"Quimper\"}"
step "$FLOW" identity "$identity"
check "the confirmation must match" is_problem 422 password_mismatch
identity="{\"mode\":\"new\",\"email\":\"jean.martin@exemple.fr\",\"password\":\"$PASSWORD\",\"password_confirmation\":\"$PASSWORD\",\"secret_question_id\":\"$QUESTION\",\"secret_answer\":\"Quimper\"}"
step "$FLOW" identity "$identity"
check "the identity step leads to personal_info" json_true '.state == "personal_info" and (.next_steps[0].fields | index("nir_key"))'
step "$FLOW" identity "$identity"
check "and cannot be replayed" is_problem 409 step_not_allowed
step "$FLOW" personal_info '{"nir_key":"74","last_name":"Dupont","birth_date":"29/02/1984"}'
check "a name that is not the registry's is refused, with the tries left" \
  bash -c "[ $STATUS = 422 ] && jq -e '.code == \"identity_check_failed\" and (.detail | test(\"2 essais\"))' <<<'$BODY' >/dev/null"
step "$FLOW" personal_info '{"nir_key":"74","last_name":"MARTIN","birth_date":"29/02/1984","mobile_phone":"06 12 34 56 78"}'
check "the registry check ignores case; the activation mail is announced (15 days)" \
  json_true '.state == "activation_sent" and .next_steps == [] and (.messages[0].text | test("15 jours"))'
step "$FLOW" personal_info '{"nir_key":"74","last_name":"MARTIN","birth_date":"29/02/1984"}'
check "the last step cannot be replayed either" is_problem 409 step_not_allowed
call GET "/v1/flows/$FLOW"
check "the flow can be read back" json_true '.state == "activation_sent"'

wait_link /activation jean.martin@exemple.fr 1
check "the activation mail arrives through SMTP with its link" test -n "$TOKEN"
FIRST_ACTIVATION=$TOKEN
login jean.martin@exemple.fr "$PASSWORD"
check "before activation, login says account_not_activated" is_problem 409 account_not_activated
login jean.martin@exemple.fr 'Mauvais-Mot2passe!'
check "… but only to whom has the password" is_problem 401 invalid_credentials
json_call POST /v1/activations/resend '{"email":"inconnu@exemple.fr"}'
check "asking the activation mail again answers the same for an unknown address" status_is 202
json_call POST /v1/activations "{\"token\":\"$FIRST_ACTIVATION\"}"
check "the activation link activates the account" json_true '.status == "active"'
json_call POST /v1/activations "{\"token\":\"$FIRST_ACTIVATION\"}"
check "only once" is_problem 410 link_expired
json_call POST /v1/activations '{"token":"inconnu"}'
check "an unknown token is refused the same way" is_problem 410 link_expired

login JEAN.MARTIN@exemple.fr "$PASSWORD"
check "login by email, case ignored" json_true '.required_actions == []'
ACCESS=$(jq -r .access_token <<<"$BODY"); REFRESH=$(jq -r .refresh_token <<<"$BODY")
call GET /v1/me -H "Authorization: Bearer $ACCESS"
check "/v1/me: email identifier, active, the mobile given at registration" \
  json_true '.identifier_kind == "email" and .status == "active" and .contacts.mobile_phone == "+33612345678"'
json_call POST /v1/sessions/refresh "{\"refresh_token\":\"$REFRESH\"}"
check "refresh rotates" status_is 200
json_call POST /v1/sessions/refresh "{\"refresh_token\":\"$REFRESH\"}"
check "reusing the old refresh token is refused" is_problem 401 unauthorized
call GET /v1/me -H "Authorization: Bearer $ACCESS"
check "… and revoked the session" is_problem 401 unauthorized
login jean.martin@exemple.fr "$PASSWORD"
ACCESS=$(jq -r .access_token <<<"$BODY")
call DELETE /v1/sessions/current -H "Authorization: Bearer $ACCESS"
check "logout" status_is 204
login 184027512345674 "$PASSWORD"
check "NIR login on an account created with an email: identifier_migrated" is_problem 409 identifier_migrated

# Change the password while logged in (seed 004), ending the other sessions.
login jean.martin@exemple.fr "$PASSWORD"; PHONE=$(jq -r .access_token <<<"$BODY")
login jean.martin@exemple.fr "$PASSWORD"; LAPTOP=$(jq -r .access_token <<<"$BODY")
json_call PUT /v1/me/password '{"current_password":"faux","password":"Hiver-Neige2028!","password_confirmation":"Hiver-Neige2028!"}' \
  -H "Authorization: Bearer $LAPTOP"
check "changing the password needs the current one" is_problem 401 invalid_credentials
json_call PUT /v1/me/password "{\"current_password\":\"$PASSWORD\",\"password\":\"Hiver-Neige2028!\",\"password_confirmation\":\"Hiver-Neige2028!\"}" \
  -H "Authorization: Bearer $LAPTOP"
check "« Votre mot de passe a bien été modifié. », the other sessions ended" \
  json_true '.message == "Votre mot de passe a bien été modifié." and .other_sessions_ended >= 1'
call GET /v1/me -H "Authorization: Bearer $PHONE"
check "the other session's token no longer works" is_problem 401 unauthorized
login jean.martin@exemple.fr 'Hiver-Neige2028!'
check "the new password logs in" status_is 200

# A locked identity resets its password by the mailed link, with its secret answer (seed 002).
for i in 1 2 3 4; do login jean.martin@exemple.fr "faux-$i"; done
check "three failures lock the identity" is_problem 423 connect_identity_locked
wait_link /reinitialisation jean.martin@exemple.fr 1
JEAN_RESET=$TOKEN
json_call POST /v1/password-resets "{\"token\":\"$JEAN_RESET\",\"password\":\"Printemps-Pluie29!\",\"password_confirmation\":\"Printemps-Pluie29!\"}"
check "the reset asks the secret answer" is_problem 400 validation_error
json_call POST /v1/password-resets "{\"token\":\"$JEAN_RESET\",\"password\":\"Printemps-Pluie29!\",\"password_confirmation\":\"Printemps-Pluie29!\",\"secret_answer\":\"Brest\"}"
check "a wrong secret answer is refused" is_problem 422 identity_check_failed
json_call POST /v1/password-resets "{\"token\":\"$JEAN_RESET\",\"password\":\"Printemps-Pluie29!\",\"password_confirmation\":\"Printemps-Pluie29!\",\"secret_answer\":\"QUIMPER\"}"
check "the right answer sets the password and opens a session" json_true '(.access_token | length) > 20'
login jean.martin@exemple.fr 'Printemps-Pluie29!'
check "unlocked, with the new password" status_is 200

json_call POST /v1/flows/registration '{"nir":"1840275123456"}'
FLOW=$(jq -r .id <<<"$BODY")
step "$FLOW" identity "${identity/jean.martin@/jean.m@}"
step "$FLOW" personal_info '{"nir_key":"74","last_name":"Martin","birth_date":"29/02/1984"}'
check "one account per member" is_problem 409 account_already_exists

# 2. An existing Connect identity, created on another site ("J'ai déjà un compte MGEN Connect").
# The other site's hash: bcrypt, as the old systems made them (rehashed at the first login).
OLD_HASH=$(/usr/bin/python3 -W ignore -c "import crypt; print(crypt.crypt('Forum-Mot2passe!', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))")
admin_call POST /v1/admin/identities "{\"email\":\"elodie.lefevre@exemple.fr\",\"password_hash\":\"$OLD_HASH\",\"validated\":true}"
check "an identity of another site comes over" status_is 201
admin_call POST /v1/admin/identities "{\"email\":\"Elodie.Lefevre@exemple.fr\",\"password_hash\":\"$OLD_HASH\"}"
check "an email identifies one identity" is_problem 409 email_already_used
login elodie.lefevre@exemple.fr 'Forum-Mot2passe!'
check "an identity without an account cannot log in to the portal" is_problem 403 no_account
# A new identity on an address that already is one: nothing tells it (SPEC.md §8), the flow ends
# as usual, and the address's owner is mailed how to link it instead of an activation link.
NEW_ON_TAKEN='{"mode":"new","email":"elodie.lefevre@exemple.fr","password":"Autre-Mot2passe!","password_confirmation":"Autre-Mot2passe!","secret_question_id":"'"$QUESTION"'","secret_answer":"Brest"}'
json_call POST /v1/flows/registration '{"nir":"2690299350042"}'
FLOW=$(jq -r .id <<<"$BODY")
step "$FLOW" identity "$NEW_ON_TAKEN"
check "a new identity on an address that already is one goes on as with a free one" json_true '.state == "personal_info"'
step "$FLOW" personal_info '{"nir_key":"20","last_name":"LEFEVRE","birth_date":"01/02/1969"}'
check "… and ends as usual" json_true '.state == "activation_sent"'
mailed_linking() { mail_texts elodie.lefevre@exemple.fr | grep -q 'déjà votre identifiant'; }
check "… with a mail to the address about linking it" wait_for 30 mailed_linking
check "… and no activation link" test -z "$(links_to /activation elodie.lefevre@exemple.fr)"
json_call POST /v1/flows/registration '{"nir":"2690299350042"}'
FLOW=$(jq -r .id <<<"$BODY")
step "$FLOW" identity '{"mode":"existing","email":"elodie.lefevre@exemple.fr","password":"Pas-le-bon1!"}'
check "an existing identity needs its password" is_problem 401 invalid_credentials
step "$FLOW" identity '{"mode":"existing","email":"elodie.lefevre@exemple.fr","password":"Forum-Mot2passe!"}'
check "proven by its password, it is accepted" json_true '.state == "personal_info"'
step "$FLOW" personal_info '{"nir_key":"20","last_name":"LEFEVRE","birth_date":"01/02/1969"}'
check "the registry check ignores accents" json_true '.state == "activation_sent"'
wait_link /activation elodie.lefevre@exemple.fr 1
json_call POST /v1/activations "{\"token\":\"$TOKEN\"}"
check "the existing identity's account activates" status_is 200
login elodie.lefevre@exemple.fr 'Forum-Mot2passe!'
check "and logs in with the identity's own password" status_is 200
step "$FLOW" identity '{"mode":"existing","email":"elodie.lefevre@exemple.fr","password":"Forum-Mot2passe!"}'
check "a finished flow takes no step" is_problem 409 step_not_allowed

# 3. Connect identity outcomes of seed 002: not validated, locked; both email a reset link.
admin_call POST /v1/admin/identities "{\"email\":\"s.moreau@exemple.fr\",\"password_hash\":\"$OLD_HASH\",\"validated\":false}"
login s.moreau@exemple.fr 'Forum-Mot2passe!'
check "an identity never validated: connect_identity_not_validated" is_problem 409 connect_identity_not_validated
wait_link /reinitialisation s.moreau@exemple.fr 1
check "… and a reset link is emailed" test -n "$TOKEN"
for i in 1 2 3; do login s.moreau@exemple.fr "faux-$i"; done
check "3 wrong passwords on an email…" is_problem 401 invalid_credentials
login s.moreau@exemple.fr 'Forum-Mot2passe!'
check "… lock the identity: connect_identity_locked" is_problem 423 connect_identity_locked
for i in 1 2 3; do login personne@exemple.fr "faux-$i"; done
login personne@exemple.fr 'faux-4'
locked_unknown=$(jq -c 'del(.instance)' <<<"$BODY")
login s.moreau@exemple.fr 'Forum-Mot2passe!'
check "an unknown email locks with exactly the same answer" test "$(jq -c 'del(.instance)' <<<"$BODY")" = "$locked_unknown"
wait_link /reinitialisation s.moreau@exemple.fr 1
RESET=$TOKEN
json_call POST /v1/password-resets "{\"token\":\"$RESET\",\"password\":\"Moreau1982!\",\"password_confirmation\":\"Moreau1982!\"}"
check "the reset link refuses a weak password" is_problem 422 password_too_weak
json_call POST /v1/password-resets "{\"token\":\"$RESET\",\"password\":\"Nouveau-Depart2026\",\"password_confirmation\":\"Nouveau-Depart2026\"}"
check "the reset link sets a new password" json_true '.message == "Votre mot de passe a bien été modifié." and (has("access_token") | not)'
json_call POST /v1/password-resets "{\"token\":\"$RESET\",\"password\":\"Nouveau-Depart2026\",\"password_confirmation\":\"Nouveau-Depart2026\"}"
check "once" is_problem 410 link_expired
login s.moreau@exemple.fr 'Nouveau-Depart2026'
check "the reset unlocked and validated the identity (which has no account yet)" is_problem 403 no_account

# 4. An account whose password was never created (seed 002).
admin_call POST /v1/admin/accounts '{"nir":"175057505612393","has_logged_in":false,"password_never_created":true}'
check "an account without a password comes over" status_is 201
login 175057505612393 'Nimporte-Quoi1!'
check "its NIR login says password_not_created" is_problem 409 password_not_created

# 5. Tries and expiry of a flow.
json_call POST /v1/flows/registration '{"nir":"2820113055007"}'
FLOW=$(jq -r .id <<<"$BODY")
step "$FLOW" identity '{"mode":"new","email":"sophie@exemple.fr","password":"Printemps-2026!x","password_confirmation":"Printemps-2026!x","secret_question_id":"'"$QUESTION"'","secret_answer":"Lyon"}'
for i in 1 2 3; do step "$FLOW" personal_info '{"nir_key":"01","last_name":"Moreau","birth_date":"16/01/1982"}'; done
check "after 3 failed checks the flow is spent" is_problem 429 too_many_attempts
step "$FLOW" personal_info '{"nir_key":"01","last_name":"Moreau","birth_date":"15/01/1982"}'
check "even for the right answers" is_problem 429 too_many_attempts
json_call POST /v1/flows/registration '{"nir":"2820113055007"}'
FLOW=$(jq -r .id <<<"$BODY")
psql -qtA "$(db_url)" -c "UPDATE flows SET expires_at = now() - interval '1 second' WHERE id = '$FLOW'" >/dev/null
step "$FLOW" identity '{"mode":"existing","email":"sophie@exemple.fr","password":"x"}'
check "an expired flow answers flow_expired" is_problem 410 flow_expired
call GET "/v1/flows/$FLOW"
check "also when read" is_problem 410 flow_expired
call GET /v1/flows/inconnu
check "an unknown flow is not found" is_problem 404 not_found

check "no secret in the database in clear: flows and links are sealed" \
  bash -c "! psql -qtA '$(db_url)' -c \"SELECT encode(sealed, 'escape') FROM flows\" | grep -q 1840275123456"
check "logs hold no email, password or token" \
  bash -c "! grep -qE 'jean.martin@|$PASSWORD|$FIRST_ACTIVATION' $E2E_DIR/server-*.log"
finish
