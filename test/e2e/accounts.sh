#!/usr/bin/env bash
# End to end (issue 4, point 2): legacy portal accounts come over through the admin API, with the
# old system's hash or with a temporary password sent in the same transaction.
source "$(dirname "$0")/lib.sh"
start_server
"$GUICHET_BIN" import-members "$GUICHET_SOURCE_DIR/examples/members.csv" >/dev/null
BCRYPT='$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'

admin_call POST /v1/admin/accounts "{\"nir\":\"184027512345674\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}"
check "a legacy account with a bcrypt hash is created" status_is 201
check "… on the NIR identifier, active, with nothing sent" json_true '.identifier == "nir" and .status == "active" and .temporary_password_sent_by == null'
admin_call POST /v1/admin/accounts "{\"nir\":\"184027512345674\",\"password_hash\":\"$BCRYPT\",\"has_logged_in\":true}"
check "one account per member" is_problem 409 account_already_exists

admin_call POST /v1/admin/accounts '{"nir":"269029935004220","has_logged_in":false}'
check "without a hash, a temporary password goes by letter" json_true '.temporary_password_sent_by == "letter"'
print_call GET "/v1/admin/letters?status=pending"
check "the letter waits in the print queue, addressed to the member" json_true '.[0].postal_address | startswith("Élodie Lefèvre\n3 place du Marché")'
check "with a 12-character temporary password valid 30 days" json_true '.[0].text | test("[A-Za-z0-9!#$%&*+=?@-]{12}") and test("30 jours")'

admin_call POST /v1/admin/accounts '{"nir":"201047511405244","has_logged_in":false,"send_temporary_password_by":"sms"}'
check "or by SMS when asked" json_true '.temporary_password_sent_by == "sms"'
wait_for 10 test -s "$GUICHET_SMS_FILE" || true
check "the SMS reaches the member's mobile (local SMS file without a provider)" \
  bash -c "grep -q '\"to\":\"+33761234567\"' '$GUICHET_SMS_FILE' && grep -q 'mot de passe temporaire' '$GUICHET_SMS_FILE'"

admin_call POST /v1/admin/accounts '{"nir":"178072A00401257","has_logged_in":false,"send_temporary_password_by":"sms"}'
check "no SMS for a member without a metropolitan mobile" is_problem 422 sms_not_available
admin_call POST /v1/admin/accounts '{"nir":"175057505612394","has_logged_in":false}'
check "a NIR with a wrong key" is_problem 422 invalid_nir
admin_call POST /v1/admin/accounts '{"nir":"185057505612487","has_logged_in":false}'
check "a member who is not in the registry" is_problem 404 not_found
admin_call POST /v1/admin/accounts '{"nir":"282011305500701","password_hash":"md5:abc","has_logged_in":true}'
check "an unsupported hash" is_problem 400 validation_error
admin_call POST /v1/admin/accounts '{"nir":"282011305500701","has_logged_in":"yes"}'
check "has_logged_in must be a boolean" is_problem 400 validation_error
admin_call POST /v1/admin/accounts '{"nir":"282011305500701"}'
check "has_logged_in is required" is_problem 400 validation_error

count=$(psql -qtA "$(db_url)" -c "SELECT count(*) FROM accounts")
check "exactly the three valid accounts exist" test "$count" = 3
clear=$(psql -qtA "$(db_url)" -c "SELECT count(*) FROM accounts WHERE nir_password_hash NOT LIKE '\$argon2id\$%' AND nir_password_hash NOT LIKE '\$2b\$%'")
check "temporary passwords are stored as Argon2id hashes" test "$clear" = 0

finish
