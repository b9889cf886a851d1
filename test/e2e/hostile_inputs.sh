#!/usr/bin/env bash
# End to end: hostile inputs on every route answer problem+json 4xx with a stable code.
source "$(dirname "$0")/lib.sh"
start_server

BIG="$E2E_DIR/big.json"
head -c 1048576 /dev/zero | tr '\0' 'a' > "$BIG"

for route in /v1/password-strength /v1/admin/members; do
  auth=(-H "Authorization: Bearer $GUICHET_ADMIN_TOKEN")
  json_call POST "$route" '{"password":' "${auth[@]}"
  check "$route: malformed JSON → 400 validation_error" is_problem 400 validation_error
  json_call POST "$route" $'{"password":"\xff\xfe"}' "${auth[@]}"
  check "$route: invalid UTF-8 → 400 validation_error" is_problem 400 validation_error
  printf '{"password":"a\0b"}' > "$E2E_DIR/nul.json"
  call POST "$route" -H 'Content-Type: application/json' --data-binary @"$E2E_DIR/nul.json" "${auth[@]}"
  check "$route: raw NUL byte → 400 validation_error" is_problem 400 validation_error
  call POST "$route" -H 'Content-Type: application/json' --data-binary @"$BIG" "${auth[@]}"
  check "$route: 1 MB body → 413 payload_too_large" is_problem 413 payload_too_large
  call POST "$route" -H 'Content-Type: text/plain' --data-binary '{"password":"x"}' "${auth[@]}"
  check "$route: wrong content type → 415" is_problem 415 unsupported_media_type
  call PUT "$route" -H 'Content-Type: application/json' --data-binary '{}' "${auth[@]}"
  check "$route: wrong method → 405" is_problem 405 method_not_allowed
done

# The routes of issues 4 and 5: wrong types, missing fields, unicode, and hostile ids answer
# validation problems, never a 500.
for route in /v1/flows/registration /v1/flows/unlock /v1/flows/recovery /v1/activations /v1/activations/resend \
             /v1/password-resets /v1/sessions /v1/sessions/refresh /v1/email-validations; do
  json_call POST "$route" '{"nir":12,"token":[1],"email":{},"identifier":null,"password":true,"refresh_token":1}'
  check "$route: wrong types → 400 validation_error" is_problem 400 validation_error
  json_call POST "$route" '[]'
  check "$route: an array instead of an object → 400" is_problem 400 validation_error
done
json_call POST /v1/flows/registration '{"nir":"١٨٤٠٢٧٥١٢٣٤٥٦"}'
check "registration: Arabic-Indic digits are not a NIR" is_problem 422 invalid_nir
json_call POST /v1/flows/unlock '{"nir":"184027512345674","birth_date":"2984-02-29"}'
check "unlock: a birth date not in jj/mm/aaaa" is_problem 422 invalid_birth_date
json_call POST /v1/flows/recovery '{"identifier":"184027512345674","birth_date":17}'
check "recovery: a birth date of the wrong type" is_problem 400 validation_error
json_call POST /v1/flows/recovery "{\"identifier\":\"$(head -c 300 /dev/zero | tr '\0' '1')\"}"
check "recovery: an identifier beyond 254 bytes" is_problem 400 validation_error
json_call POST /v1/flows/recovery '{"identifier":"ünï@exemple.fr"}'
check "recovery: a non-ASCII email is refused cleanly" is_problem 422 invalid_email
json_call POST /v1/flows/recovery '{"identifier":"１８４０２７５１２３４５６","birth_date":"29/02/1984"}'
check "recovery: full-width digits are not a NIR" is_problem 400 validation_error
json_call POST /v1/flows/recovery '{"identifier":"269029935004220","birth_date":"29/02/1984"}'
RECOVERY=$(jq -r .id <<<"$BODY")
json_call POST "/v1/flows/$RECOVERY/steps/code" '{"code":"123456"}'
check "recovery: the code step before the channel" is_problem 409 step_not_allowed
json_call POST "/v1/flows/$RECOVERY/steps/channel" '{"channel":["sms"]}'
check "recovery: a channel of the wrong type" is_problem 400 validation_error
json_call POST "/v1/flows/$RECOVERY/steps/channel" '{"channel":"fax"}'
check "recovery: a channel that was not offered" is_problem 400 validation_error
json_call POST "/v1/flows/$RECOVERY/steps/security_answer" "{\"answer\":\"$(head -c 300 /dev/zero | tr '\0' '9')\"}"
check "recovery: an oversized answer" is_problem 400 validation_error

# Agent routes: the admin token, a plain X-Agent-Id, and ids that are not ids.
AUTH=(-H "Authorization: Bearer $GUICHET_ADMIN_TOKEN")
for agent in "$(head -c 100 /dev/zero | tr '\0' 'a')" 'agent dupont' 'agent;rm' ''; do
  call GET "/v1/admin/accounts?nir=184027512345674" "${AUTH[@]}" -H "X-Agent-Id: $agent"
  check "agent id '${agent:0:12}…' refused" is_problem 400 validation_error
done
for id in 0 -1 abc 99999999999999999999 '1%20OR%201'; do
  call POST "/v1/admin/accounts/$id/unlock" "${AUTH[@]}" -H "X-Agent-Id: agent.dupont"
  check "agent unlock of account '$id': not found" is_problem 404 not_found
done
json_call POST /v1/admin/accounts/1/password-reset '{"channel":1}' "${AUTH[@]}" -H "X-Agent-Id: agent.dupont"
check "agent reset: a channel of the wrong type" is_problem 400 validation_error
call GET "/v1/admin/accounts?nir=184027512345674&email=a@b.fr" "${AUTH[@]}" -H "X-Agent-Id: agent.dupont"
check "agent look-up by NIR and email at once" is_problem 400 validation_error
call GET "/v1/admin/accounts/1/events?limit=1e3" "${AUTH[@]}" -H "X-Agent-Id: agent.dupont"
check "events: a limit that is not a number" is_problem 400 validation_error
json_call POST /v1/activations "{\"token\":\"$(head -c 200 /dev/zero | tr '\0' 'x')\"}"
check "activation: an absurd token is just expired" is_problem 410 link_expired
json_call POST /v1/email-validations "{\"token\":\"$(head -c 200 /dev/zero | tr '\0' 'x')\"}"
check "email validation: an absurd token is just expired" is_problem 410 link_expired
json_call POST /v1/email-validations '{"token":"é\u0000"}'
check "email validation: a NUL in the token" is_problem 400 validation_error
for bearer in '' 'x' "$(head -c 5000 /dev/zero | tr '\0' 'a')" 'eyJhbGciOiJub25lIn0.e30.'; do
  call POST /v1/flows/identifier-switch -H "Authorization: Bearer $bearer"
  check "identifier switch with a bearer '${bearer:0:12}…': 401" is_problem 401 unauthorized
done
json_call POST /v1/password-resets '{"token":"nope","password":"Vacances-Ete2026!","password_confirmation":"Vacances-Ete2026!"}'
check "password reset: an unknown token" is_problem 410 link_expired
for id in "$(head -c 300 /dev/zero | tr '\0' 'a')" '%27%20OR%201%3D1--' '..%2F..' '%C3%A9t%C3%A9'; do
  json_call POST "/v1/flows/$id/steps/identity" '{"mode":"new","email":"a@b.fr","password":"x"}'
  check "flow id '${id:0:20}…': not found" is_problem 404 not_found
done
json_call POST /v1/flows/registration '{"nir":"1840275123456"}'
FLOW=$(jq -r .id <<<"$BODY")
json_call POST "/v1/flows/$FLOW/steps/nonsense" '{}'
check "an unknown step of a real flow" is_problem 404 not_found
json_call POST "/v1/flows/$FLOW/steps/identity" '{"mode":"new","email":"ünï@exemple.fr","password":"x"}'
check "a non-ASCII email is refused cleanly" is_problem 422 invalid_email
seq 1 20 | xargs -P 20 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
  --data-binary '{"mode":"new","email":"race@exemple.fr","password":"Vacances-Ete2026!","password_confirmation":"Vacances-Ete2026!","secret_question_id":"birth_city","secret_answer":"Brest"}' \
  "$BASE/v1/flows/$FLOW/steps/identity" > "$E2E_DIR/step_codes"
check "20 parallel submissions of one step: exactly one moves the flow, the others 409" \
  bash -c "[ \$(grep -c '^200$' '$E2E_DIR/step_codes') = 1 ] && [ \$(grep -c '^409$' '$E2E_DIR/step_codes') = 19 ]"

json_call POST /v1/password-strength '{"password":12345678}'
check "wrong type → 400 validation_error naming the field" json_is .field password
json_call POST /v1/password-strength '{"password":"a\u0000b"}'
check "escaped NUL → 400" is_problem 400 validation_error
json_call POST /v1/password-strength '{"password":"Çà-été-très-Ünïcode-9"}'
check "valid unicode is fine" status_is 200

admin_call POST /v1/admin/members '[{"nir":"184027512345674"}]'
check "admin import: record missing fields → 400 with errors" json_is '.errors[0].field' last_name
json_call POST /v1/admin/members '[]' -H "Authorization: Bearer wrong"
check "admin with a wrong token → 401" is_problem 401 unauthorized

for path in / /v1 /v1/unknown '/v1/secret-questions/..' '/%00' '/v1/%ff%fe'; do
  call GET "$path"
  check "GET $path → 404 not_found" is_problem 404 not_found
done
call DELETE /health/live
check "wrong method on a GET route → 405" is_problem 405 method_not_allowed
check "405 names the allowed method" grep -qi '^Allow: GET' "$HEADERS"

# Many requests at once: every one answered, none with a 5xx.
seq 1 60 | xargs -P 20 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
  --data-binary '{"password":"Parallel-{}-Test!"}' "$BASE/v1/password-strength" > "$E2E_DIR/codes"
check "60 parallel requests all answered 200" test "$(grep -c '^200$' "$E2E_DIR/codes")" = 60

call GET /health/live
check "the server is still alive after all that" status_is 200
check "the access log names routes, never bodies" bash -c "! grep -q 'Parallel-' '$SERVER_LOG' && grep -q '\"route\":\"/v1/password-strength\"' '$SERVER_LOG'"

finish
