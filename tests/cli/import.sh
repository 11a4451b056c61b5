#!/usr/bin/env bash
# sixbb import end to end: every malformed input gives its exact error (file:line:col and text)
# and leaves the database byte-for-byte as it was; a second import changes nothing; a changed row
# updates; column maps from the site config; folder order; --dry-run; the JSON summary.
set -euo pipefail

: "${SIXBB:?set SIXBB to the sixbb binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
AS_OF=2025-06-30

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

expect_status() { # expect_status WANT cmd...
    local want=$1 got=0
    shift
    "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
    [ "$got" -eq "$want" ] || {
        cat "$tmp/out" "$tmp/err" >&2
        fail "'$*' exited $got, expected $want"
    }
}

expect_err() { # expect_err TEXT: stderr of the last command holds TEXT
    grep -qF -- "$1" "$tmp/err" || {
        cat "$tmp/err" >&2
        fail "stderr lacks: $1"
    }
}

dump() { sqlite3 "$site/sixbb.db" .dump; }

site="$tmp/site"
"$SIXBB" init "$site" >/dev/null
cd "$tmp"
imp() { "$SIXBB" -C "$site" import --as-of "$AS_OF" "$@"; }

# A small organisation to refer to.
cat >sites.csv <<'EOF'
site_id,name,timezone
S1,North Clinic,America/Denver
EOF
cat >clinicians.csv <<'EOF'
clinician_id,site_id,name,role,npi,pdmp_registered,delegate_of
C1,S1,"Doe, Avery",MD,1234567890,2024-01-02,
C2,S1,"Roe, Blake",MA,,,C1
EOF
cat >patients.csv <<'EOF'
patient_id,site_id,clinician_id,birth_date,sex,name,status
P1,S1,C1,1970-05-06,F,"Example, One",active
P2,S1,,1980-01-01,m,,
EOF
expect_status 0 imp sites sites.csv
expect_status 0 imp clinicians clinicians.csv
expect_status 0 imp patients patients.csv
[ "$(sqlite3 "$site/sixbb.db" "select sex from patients where patient_id='P2'")" = M ] ||
    fail "sex not stored in canonical form"

header='rx_id,patient_id,fill_date,drug,quantity,days_supply'

# bad_case NAME WANT-ERROR: imports NAME.csv as prescriptions, expects exit 1 with the error
# and an unchanged database.
bad_case() {
    local name=$1 want=$2
    dump >"$tmp/before.sql"
    expect_status 1 imp prescriptions "$name.csv"
    expect_err "$want"
    expect_err "nothing was written"
    dump >"$tmp/after.sql"
    cmp -s "$tmp/before.sql" "$tmp/after.sql" || fail "$name changed the database"
}

# One good row first, so a rollback has something to undo.
printf '%s\nR0,P1,2025-01-02,oxycodone 5 mg tablet,60,30\n' "$header" >bad_date.csv
printf 'R1,P1,2025-02-30,oxycodone 5 mg tablet,60,30\n' >>bad_date.csv
bad_case bad_date "bad_date.csv:3:3 (fill_date): '2025-02-30' — expected a date as YYYY-MM-DD"

printf '%s\nR1,P1,1899-12-31,oxycodone 5 mg tablet,60,30\n' "$header" >old_date.csv
bad_case old_date "old_date.csv:2:3 (fill_date): '1899-12-31' — expected a date from 1900-01-01 to 2026-06-30"

printf '%s\nR1,P1,2025-01-02,oxycodone 5 mg tablet,-60,30\n' "$header" >neg_qty.csv
bad_case neg_qty "neg_qty.csv:2:5 (quantity): '-60' — expected a quantity greater than 0"

printf '%s\nR1,P1,2025-01-02,oxycodone 5 mg tablet,60,0\n' "$header" >days0.csv
bad_case days0 "days0.csv:2:6 (days_supply): '0' — expected a whole number of days greater than 0"

printf '%s\nR1,P9,2025-01-02,oxycodone 5 mg tablet,60,30\n' "$header" >unknown.csv
bad_case unknown "unknown.csv:2:2 (patient_id): 'P9' — expected a patient in the registry or in this import"

printf '%s\nR1,P1,2025-01-02,a,60,30\nR2,P1,2025-01-02,b,60,30\nR1,P1,2025-01-03,c,60,30\n' \
    "$header" >dup.csv
bad_case dup "dup.csv:4:1 (rx_id): 'R1' — expected a unique rx_id; already given on line 2"

printf '%s\nR1,P1,2025-01-02,a,60,30,extra\n' "$header" >toomany.csv
bad_case toomany "toomany.csv:2:7: expected 6 fields as in the header, found 7"
printf '%s\nR1,P1,2025-01-02,a,60\n' "$header" >toofew.csv
bad_case toofew "toofew.csv:2:6: expected 6 fields as in the header, found 5"

# The record starts on line 3; its quoted drug spans two lines, so the next record is on line 5.
printf '%s\nR1,P1,2025-01-02,a,60,30\nR2,P1,2025-01-02,"two\nlines",60,30\nR3,P1,2025-01-02,"open,60,30\n' \
    "$header" >quote.csv
bad_case quote "quote.csv:5:4: malformed quoting"

printf '%s\nR1,P1,2025-01-02,"multi\nline",60,30\nR2,P1,2025-01-02,oxy\xff,60,30\n' "$header" >utf8.csv
bad_case utf8 "utf8.csv:4:4 (drug): 'oxy\\xFF' — expected UTF-8 text; the byte 0xFF at byte 4 is not valid UTF-8"

printf '%s\nR1,P1,2025-01-02,ox\001y,60,30\n' "$header" >ctrl.csv
bad_case ctrl "ctrl.csv:2:4 (drug): 'ox\\x01y' — expected text, found the control byte 0x01 at byte 3"

printf '\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe\x00binary\n' >binary.csv  # fixed bytes, like the start of an executable
bad_case binary "binary.csv:1:1: the header holds the byte"

: >empty.csv
bad_case empty "empty.csv: the file is empty; expected a header row naming the columns"

printf 'rx_id,patient_id,fill_date,drug,quantity\nR1,P1,2025-01-02,a,60\n' >nodays.csv
bad_case nodays "nodays.csv:1: missing required column 'days_supply'"

# Header only: a valid file with no rows.
printf '%s\r\n' "$header" >header_only.csv
expect_status 0 imp prescriptions header_only.csv

# More than 20 errors: the first 20 and the total.
{
    echo "$header"
    for i in $(seq 1 25); do echo "R$i,P1,2025-01-02,a,60,0"; done
} >many.csv
bad_case many "… and 5 more"
expect_err "import failed with 25 errors"
[ "$(grep -c 'days_supply' "$tmp/err")" -eq 20 ] || fail "expected 20 errors shown"

# BOM, CRLF, case-insensitive spaced header, extra columns ignored, embedded newline and comma.
printf '\xef\xbb\xbfRX_ID , Patient_ID,fill_date,drug,quantity,days_supply,ignored\r\n' >good.csv
printf 'R1,P1,2025-01-02,"oxycodone 10 mg tablet, ""IR""",120,30,x\r\n' >>good.csv
printf 'R2,P1,2025-02-01,"oxycodone 10 mg\r\ntablet",120,30,y\r\n' >>good.csv
printf 'R3,P1,2025-03-01,pain med - see chart,30,,z\r\n' >>good.csv
printf 'R4,P2,2025-03-01,naloxone 4 mg nasal spray,2,30,z\r\n' >>good.csv
printf 'R5,P2,2025-03-01,buprenorphine-naloxone 8-2 mg sublingual film,28,14,z\r\n' >>good.csv
expect_status 0 imp prescriptions good.csv --json
jq -e '.ok and .written and .kinds.prescriptions.inserted == 5 and .kinds.prescriptions.rejected == 0' \
    "$tmp/out" >/dev/null || fail "summary of good.csv: $(cat "$tmp/out")"
jq -e '.kinds.prescriptions.dq_flags.product_unresolved.examples == ["R3"] and
       .kinds.prescriptions.dq_flags.days_supply_missing.count == 1' "$tmp/out" >/dev/null ||
    fail "flags of good.csv: $(cat "$tmp/out")"
q() { sqlite3 "$site/sixbb.db" "$1"; }
[ "$(q "select med from prescriptions where rx_id='R1'")" = 60.0 ] || fail "MED of R1"
[ "$(q "select class from prescriptions where rx_id='R4'")" = naloxone ] || fail "naloxone class"
[ "$(q "select class from prescriptions where rx_id='R5'")" = moud ] || fail "MOUD class"
[ -z "$(q "select days_supply from prescriptions where rx_id='R3'")" ] || fail "missing days kept"
[ "$(q "select count(*) from audit_log where action='import' and entity='prescriptions'")" = 1 ] ||
    fail "one audit entry per import"

# Idempotent: the same file again changes nothing at all.
dump >"$tmp/before.sql"
expect_status 0 imp prescriptions good.csv --json
jq -e '.kinds.prescriptions.unchanged == 5 and .kinds.prescriptions.inserted == 0 and
       .kinds.prescriptions.updated == 0' "$tmp/out" >/dev/null || fail "second import not unchanged"
dump >"$tmp/after.sql"
cmp -s "$tmp/before.sql" "$tmp/after.sql" || fail "second import changed the database"

# A changed row updates its record (and its MED).
sed 's/^R1,P1,2025-01-02,\(.*\),120,30,x/R1,P1,2025-01-02,\1,240,30,x/' good.csv >changed.csv
expect_status 0 imp prescriptions changed.csv --json
jq -e '.kinds.prescriptions.updated == 1 and .kinds.prescriptions.unchanged == 4' "$tmp/out" \
    >/dev/null || fail "changed row not updated: $(cat "$tmp/out")"
[ "$(q "select med from prescriptions where rx_id='R1'")" = 120.0 ] || fail "MED not updated"

# --dry-run reports and writes nothing.
printf '%s\nR9,P1,2025-04-01,oxycodone 5 mg tablet,60,30\n' "$header" >new.csv
dump >"$tmp/before.sql"
expect_status 0 imp prescriptions new.csv --dry-run --json
jq -e '.dry_run and (.written | not) and .kinds.prescriptions.inserted == 1' "$tmp/out" >/dev/null ||
    fail "dry run summary"
dump >"$tmp/after.sql"
cmp -s "$tmp/before.sql" "$tmp/after.sql" || fail "dry run wrote"

# Column mapping from the site config.
cat >>"$site/sixbb.lua.new" <<'EOF'
return {
  import = { columns = { prescriptions = { rx_id = "ORDER_ID", fill_date = "DISPENSE_DATE" } } },
}
EOF
mv "$site/sixbb.lua.new" "$site/sixbb.lua"
printf 'ORDER_ID,patient_id,DISPENSE_DATE,drug,quantity,days_supply\nM1,P1,2025-05-01,oxycodone 5 mg tablet,60,30\n' >mapped.csv
expect_status 0 imp prescriptions mapped.csv
[ "$(q "select fill_date from prescriptions where rx_id='M1'")" = 2025-05-01 ] || fail "mapping"
printf '%s\nM2,P1,2025-05-01,oxycodone 5 mg tablet,60,30\n' "$header" >unmapped.csv
expect_status 1 imp prescriptions unmapped.csv
expect_err "unmapped.csv:1: missing column 'ORDER_ID' (the site config maps it to rx_id with import.columns.prescriptions.rx_id)"
rm "$site/sixbb.lua"

# A folder is loaded in dependency order and in one transaction: patients before sites by name,
# yet they refer to a site in the same folder.
mkdir org
printf 'site_id,name\nS2,South Clinic\n' >org/sites.csv
printf 'clinician_id,site_id,name\nC9,S2,"Poe, Casey"\n' >org/clinicians.csv
printf 'patient_id,site_id,clinician_id,birth_date,sex\nP20,S2,C9,1960-02-03,F\n' >org/patients.csv
printf 'patient_id,type,date,result\nP20,udt,2025-06-01,consistent\n' >org/events.csv
printf 'patient_id,code,date\nP20,f1120,2025-01-01\n' >org/diagnoses.csv
expect_status 0 imp org --json
jq -e '.kinds.sites.inserted == 1 and .kinds.events.inserted == 1 and .kinds.diagnoses.inserted == 1' \
    "$tmp/out" >/dev/null || fail "folder import: $(cat "$tmp/out")"
[ "$(q "select code from diagnoses where patient_id='P20'")" = F11.20 ] || fail "ICD-10 dot"

# One bad file in a folder: nothing from any file is written.
mkdir org2
printf 'site_id,name\nS3,East Clinic\n' >org2/sites.csv
printf 'patient_id,type,date\nP20,udt,2025-06-31\n' >org2/events.csv
dump >"$tmp/before.sql"
expect_status 1 imp org2
expect_err "org2/events.csv:2:3 (date): '2025-06-31' — expected a date as YYYY-MM-DD"
dump >"$tmp/after.sql"
cmp -s "$tmp/before.sql" "$tmp/after.sql" || fail "failed folder import wrote"

# Other kinds' checks.
printf 'patient_id,type,date\nP1,xray,2025-01-01\n' >ev.csv
expect_status 1 imp events ev.csv
expect_err "ev.csv:2:2 (type): 'xray' — expected an event type"
printf 'patient_id,instrument,date,score,items\nP1,peg,2025-01-01,,6;x;5\n' >as.csv
expect_status 1 imp assessments as.csv
expect_err "as.csv:2:5 (items): '6;x;5' — expected responses of 0 or more separated by ';'"
printf 'appointment_id,patient_id,date,time,status\nA1,P1,2025-01-01,25:00,done\n' >ap.csv
expect_status 1 imp appointments ap.csv
expect_err "ap.csv:2:4 (time): '25:00' — expected a time as HH:MM (24-hour)"
expect_err "ap.csv:2:5 (status): 'done' — expected scheduled, arrived, completed, cancelled, no_show or rescheduled"
printf 'patient_id,site_id,clinician_id,birth_date,sex,name\nP5,S1,C1,2030-01-01,F,"Secret, Name"\n' >pt.csv
expect_status 1 imp patients pt.csv
expect_err "pt.csv:2:4 (birth_date): '2030-01-01' — expected a date from 1900-01-01 to $AS_OF"
printf 'patient_id,site_id,clinician_id,birth_date,sex,name\nP5,S1,C1,2000-01-01,F,"Bad\001Name"\n' >pt2.csv
expect_status 1 imp patients pt2.csv
expect_err "pt2.csv:2:6 (name): (value not shown)"
! grep -q "Name" "$tmp/err" || fail "a patient name appeared in an error"
printf 'clinician_id,site_id,name,delegate_of\nC5,S1,"A, B",C77\n' >cl.csv
expect_status 1 imp clinicians cl.csv
expect_err "cl.csv:2:4 (delegate_of): 'C77' — expected a clinician in the registry or in this import"

# A large batch (16 MiB or more) switches to a rollback journal while it holds the only
# connection, and leaves the database in WAL mode again; with another connection open it stays
# in WAL throughout. Both import the same rows.
"$SIXBB" synth --out big --patients 7000 --seed 2 --as-of "$AS_OF" --no-noise >/dev/null
[ "$(stat -c %s big/prescriptions.csv)" -ge $((16 << 20)) ] || fail "bulk fixture too small"
for s in bulk1 bulk2; do "$SIXBB" init "$s" >/dev/null; done
expect_status 0 "$SIXBB" -C bulk1 import big --as-of "$AS_OF" --json
jq -e '.written' "$tmp/out" >/dev/null || fail "bulk import"
[ "$(sqlite3 bulk1/sixbb.db "pragma journal_mode")" = wal ] || fail "WAL not restored"
[ ! -e bulk1/sixbb.db-journal ] || fail "journal left behind"
(echo "begin; select count(*) from sites;"; sleep 4; echo "commit;") | sqlite3 bulk2/sixbb.db >/dev/null &
reader=$!
sleep 0.5
expect_status 0 "$SIXBB" -C bulk2 import big --as-of "$AS_OF"
wait "$reader"
for t in prescriptions events; do
    [ "$(sqlite3 bulk1/sixbb.db "select count(*) from $t")" = \
        "$(sqlite3 bulk2/sixbb.db "select count(*) from $t")" ] || fail "bulk imports differ in $t"
done

# Stored rows given again are compared and updated on the writer thread too: a second import of
# the big folder changes nothing, and one changed row deep in the file is the only update.
rows=$(($(wc -l <big/prescriptions.csv) - 1))
expect_status 0 "$SIXBB" -C bulk1 import prescriptions big/prescriptions.csv --as-of "$AS_OF" --json
jq -e --argjson n "$rows" '.kinds.prescriptions.unchanged == $n and .kinds.prescriptions.updated == 0
    and .kinds.prescriptions.inserted == 0' "$tmp/out" >/dev/null || fail "big re-import: $(head -c 300 "$tmp/out")"
line=$(awk 'NR >= 6000 && !/"/ { print NR; exit }' big/prescriptions.csv) # no quoted commas
awk -F, -v OFS=, -v at="$line" 'NR == at { $5 = $5 + 1 } { print }' big/prescriptions.csv >changed.csv
changed_id=$(sed -n "${line}p" changed.csv | cut -d, -f1)
expect_status 0 "$SIXBB" -C bulk1 import prescriptions changed.csv --as-of "$AS_OF" --json
jq -e --argjson n "$rows" '.kinds.prescriptions.updated == 1 and .kinds.prescriptions.unchanged == $n - 1' \
    "$tmp/out" >/dev/null || fail "one changed row: $(head -c 300 "$tmp/out")"
[ "$(sqlite3 bulk1/sixbb.db "SELECT quantity FROM prescriptions WHERE rx_id = '$changed_id'")" = \
  "$(sed -n "${line}p" big/prescriptions.csv | cut -d, -f5 | awk '{ print $1 + 1 }').0" ] ||
    fail "the changed row was not stored"

# Full chunks of new rows are stored by a writer thread: a failure there (here a trigger that
# refuses one row far into the file) is reported and the whole import is rolled back.
"$SIXBB" init refuse >/dev/null
victim=$(sed -n 5000p big/prescriptions.csv | cut -d, -f1)
sqlite3 refuse/sixbb.db "CREATE TRIGGER refuse BEFORE INSERT ON prescriptions WHEN NEW.rx_id = '$victim' BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END;"
before=$(sqlite3 refuse/sixbb.db .dump)
expect_status 1 "$SIXBB" -C refuse import big --as-of "$AS_OF"
expect_err "storing rows failed: refused by a test trigger"
[ "$(sqlite3 refuse/sixbb.db .dump)" = "$before" ] || fail "a failed background write left rows behind"

# A header cell that looks like a misspelt optional column is refused: left out, the column
# would be stored empty over what the site already has.
printf 'site_id,name,Time_Zone\nS1,Main,UTC\n' >typo.csv
before=$(dump)
expect_status 1 imp sites typo.csv
expect_err "typo.csv:1:3: unknown column 'time_zone'; did you mean 'timezone'?"
[ "$(dump)" = "$before" ] || fail "a misspelt header wrote"

# Usage errors.
expect_status 2 "$SIXBB" -C "$site" import pills good.csv
expect_status 2 "$SIXBB" -C "$site" import prescriptions
expect_status 0 "$SIXBB" import --help
echo "import: all passed"
