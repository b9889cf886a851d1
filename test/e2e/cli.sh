#!/usr/bin/env bash
# End to end: the command line — configuration errors, migrate, import-members.
source "$(dirname "$0")/lib.sh"
create_database
export_service_env

run() { OUT=$("$@" 2>&1); CODE=$?; }
exits() { [ "$CODE" = "$1" ]; }
says() { grep -q -- "$1" <<<"$OUT" || { echo "       output: ${OUT:0:600}"; return 1; }; }

set +e
run env -u GUICHET_DATA_KEY "$GUICHET_BIN" migrate
check "missing GUICHET_DATA_KEY → exit 2" exits 2
check "… naming the variable" says GUICHET_DATA_KEY
check "… in one line" test "$(wc -l <<<"$OUT")" = 1
run env GUICHET_DATA_KEY=c2hvcnQ= "$GUICHET_BIN" migrate
check "short GUICHET_DATA_KEY → exit 2 naming it" bash -c "[ $CODE = 2 ] && grep -q GUICHET_DATA_KEY <<<'$OUT'"
run env GUICHET_LISTEN=nowhere "$GUICHET_BIN" serve
check "malformed GUICHET_LISTEN → exit 2 naming it" bash -c "[ $CODE = 2 ] && grep -q GUICHET_LISTEN <<<'$OUT'"
run env -u GUICHET_SIGNING_KEY "$GUICHET_BIN" serve
check "serve without GUICHET_SIGNING_KEY → exit 2" exits 2
run env -u GUICHET_DATABASE_URL "$GUICHET_BIN" migrate
check "migrate without GUICHET_DATABASE_URL → exit 2" exits 2
run "$GUICHET_BIN" frobnicate
check "unknown command → usage, exit 2" bash -c "[ $CODE = 2 ] && grep -q usage <<<'$OUT'"
run env GUICHET_DATABASE_URL="postgresql://guichet@/nope?host=/nonexistent&port=1" "$GUICHET_BIN" migrate
check "unreachable database → exit 1 with a message, no crash" bash -c "[ $CODE = 1 ] && grep -qi database <<<'$OUT'"

run "$GUICHET_BIN" migrate
check "migrate applies the migrations" says "applied 0001_members"
run "$GUICHET_BIN" migrate
check "migrate again applies nothing" bash -c "[ $CODE = 0 ] && ! grep -q applied <<<'$OUT'"

CSV="$GUICHET_SOURCE_DIR/examples/members.csv"
rows=$(($(/usr/bin/python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding='utf-8'))))" "$CSV") - 1))
run "$GUICHET_BIN" import-members "$CSV"
check "import creates every example member" says "$rows created, 0 updated, 0 unchanged"
run "$GUICHET_BIN" import-members "$CSV"
check "importing the same file twice changes nothing" says "0 created, 0 updated, $rows unchanged"

BAD="$E2E_DIR/bad.csv"
head -n 1 "$CSV" > "$BAD"
cat >> "$BAD" <<'ROWS'
184027512345674,Martin,Jean-Changed,1984-02-29,particulier,,,,,,
269029935004221,Lefèvre,Élodie,1969-02-01,particulier,,,,,,
175057505612393,Dubois,Pierre,1975-02-30,exploitant,,,,,,
ROWS
run "$GUICHET_BIN" import-members "$BAD"
check "bad rows → exit 1" exits 1
check "bad NIR reported with line and field" says "bad.csv:3: nir: invalid_nir"
check "bad date reported with line and field" says "bad.csv:4: birth_date: invalid_birth_date"
count=$(psql -qtA "$(db_url)" -c "SELECT count(*) FROM members WHERE first_name = 'Jean-Changed'")
check "the good row of a bad file is not written" test "$count" = 0
total=$(psql -qtA "$(db_url)" -c "SELECT count(*) FROM members")
check "the registry still holds exactly the example members" test "$total" = "$rows"
leak=$(psql -qtA "$(db_url)" -c "SELECT count(*) FROM members t WHERE t::text LIKE '%184027512345674%'")
check "no NIR in clear in the database" test "$leak" = 0

run "$GUICHET_BIN" import-members "$E2E_DIR/does-not-exist.csv"
check "missing file → exit 1" exits 1
set -e

# The admin API sees the same registry.
launch_server
admin_call POST /v1/admin/members '[{"nir":"184027512345674","last_name":"Martin","first_name":"Jean","birth_date":"1984-02-29","member_type":"particulier","email":"jean.martin@exemple.fr","mobile_phone":"0612345678","landline_phone":"0145678910","address":"12 rue de la Paix, 75002 Paris","carte_vitale_serial":"123456789","recent_amounts":"2026-10-03:23.50;2026-08-14:112.00"}]'
check "admin API: an imported member sent again is unchanged" json_is .unchanged 1
admin_call POST /v1/admin/members '[{"nir":"184027512345674","last_name":"Martin","first_name":"Jean","birth_date":"1984-02-29","member_type":"particulier"}]'
check "admin API: a changed record is updated" json_is .updated 1

kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; code=$?
check "serve stops cleanly on SIGTERM" test "$code" = 0
check "… and the log never holds a NIR or an email in clear" bash -c "! grep -qE '184027512345674|jean.martin@' '$SERVER_LOG'"

finish
