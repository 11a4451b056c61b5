#!/usr/bin/env bash
# sixbb record and sixbb export end to end: each recordable thing is checked like an import, is
# idempotent and audited; export of every kind imported into a new site gives the same exports.
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

expect_err() {
    grep -qF -- "$1" "$tmp/err" || {
        cat "$tmp/err" >&2
        fail "stderr lacks: $1"
    }
}

kinds="sites clinicians patients prescriptions events assessments appointments diagnoses"
a="$tmp/a"
b="$tmp/b"
"$SIXBB" init "$a" >/dev/null
"$SIXBB" init "$b" >/dev/null
"$SIXBB" synth --out "$tmp/org" --patients 120 --seed 3 --as-of "$AS_OF" >/dev/null
"$SIXBB" -C "$a" import "$tmp/org" --as-of "$AS_OF" >/dev/null

rec() { "$SIXBB" -C "$a" record "$@"; }
q() { sqlite3 "$a/sixbb.db" "$1"; }

# Events: written, audited, idempotent, updated when the result changes.
expect_status 0 rec udt --patient P000001 --date 2025-06-01 --result consistent --clinician C0001
grep -qx "udt inserted" "$tmp/out" || fail "udt not inserted: $(cat "$tmp/out")"
expect_status 0 rec udt --patient P000001 --date 2025-06-01 --result consistent --clinician C0001
grep -qx "udt unchanged" "$tmp/out" || fail "udt not unchanged"
expect_status 0 rec udt --patient P000001 --date 2025-06-01 --result "inconsistent: THC detected"
grep -qx "udt updated" "$tmp/out" || fail "udt not updated"
# An update changes only what was given: the clinician recorded earlier stays.
[ "$(q "select result || '|' || clinician_id from events where patient_id='P000001' and type='udt' and date='2025-06-01'")" = \
  "inconsistent: THC detected|C0001" ] || fail "recording a new result dropped the clinician"
[ "$(q "select count(*) from audit_log where action='record' and entity='events'")" = 2 ] ||
    fail "audit entries for record"
# --date defaults to today.
expect_status 0 rec naloxone --patient P000002 --result "has kit"
[ "$(q "select count(*) from events where patient_id='P000002' and type='naloxone' and date=date('now')")" = 1 ] ||
    [ "$(q "select count(*) from events where patient_id='P000002' and type='naloxone' and date>=date('now','-1 day')")" = 1 ] ||
    fail "default date"

# Errors: exit 1, nothing written, the option named.
before=$(sqlite3 "$a/sixbb.db" .dump | md5sum)
expect_status 1 rec udt --patient P999999 --date 2025-06-01
expect_err "--patient: 'P999999' — expected a patient in the registry or in this import"
expect_status 1 rec pdmp_check --patient P000001 --date 2025-02-30
expect_err "--date: '2025-02-30' — expected a date as YYYY-MM-DD"
expect_status 1 rec appointment --id A1 --patient P000001 --date 2025-07-01 --time 7pm
expect_err "--time: '7pm' — expected a time as HH:MM (24-hour)"
expect_status 1 rec diagnosis --patient P000001 --code F11.20 --date 2025-05-01 --end-date 2025-04-01
expect_err "--end-date: '2025-04-01' — expected an end date on or after the diagnosis date"
expect_status 1 rec assessment --patient P000001 --instrument peg --date 2025-06-01
expect_err "expected a score, items, or both"
[ "$(sqlite3 "$a/sixbb.db" .dump | md5sum)" = "$before" ] || fail "a failed record wrote"
expect_status 2 rec udt --patient P000001 --instrument peg
expect_err "--instrument does not apply to udt"
expect_status 2 rec xray --patient P000001

# Assessment, appointment, diagnosis.
expect_status 0 rec assessment --patient P000001 --instrument peg --items "6;7;5" --score 6 --date 2025-06-02 --json
jq -e '.outcome == "inserted" and .ok' "$tmp/out" >/dev/null || fail "assessment json"
expect_status 0 rec appointment --id AX1 --patient P000001 --date 2025-07-01 --time 09:30 --status scheduled
expect_status 0 rec appointment --id AX1 --patient P000001 --date 2025-07-01 --time 09:30 --status completed
grep -qx "appointment updated" "$tmp/out" || fail "appointment status not updated"
expect_status 0 rec appointment --id AX1 --patient P000001 --date 2025-07-01 --status no_show
[ "$(q "select time || '|' || status from appointments where appointment_id='AX1'")" = "09:30|no_show" ] ||
    fail "a status change dropped the appointment's time"
expect_status 0 rec diagnosis --patient P000001 --code z79891 --date 2025-01-05
[ "$(q "select count(*) from diagnoses where code='Z79.891' and date='2025-01-05'")" = 1 ] ||
    fail "diagnosis code normalised"

expect_status 0 rec education --patient P000003 --date 2025-06-02 --note "$(printf 'handout given\t')"

# Export every kind from a, import into b, export again: identical.
for k in $kinds; do
    expect_status 0 "$SIXBB" -C "$a" export "$k" -o "$tmp/ea_$k.csv"
    [ "$(stat -c %a "$tmp/ea_$k.csv")" = 600 ] || fail "export file mode"
done
mkdir "$tmp/exp"
for k in $kinds; do cp "$tmp/ea_$k.csv" "$tmp/exp/$k.csv"; done
expect_status 0 "$SIXBB" -C "$b" import "$tmp/exp"
for k in $kinds; do
    "$SIXBB" -C "$b" export "$k" >"$tmp/eb_$k.csv"
    cmp -s "$tmp/ea_$k.csv" "$tmp/eb_$k.csv" || fail "$k differs after export and import"
done
# Same MED columns on both sides.
med() { sqlite3 "$1/sixbb.db" "select rx_id, class, med, dq_flags from prescriptions order by rx_id" | md5sum; }
[ "$(med "$a")" = "$(med "$b")" ] || fail "MED differs after round trip"

# A note ending in a tab comes back with it (an unquoted field loses its outer blanks).
note=$(sqlite3 "$a/sixbb.db" "select hex(note) from events where patient_id='P000003' and type='education' and date='2025-06-02'")
[ "$(sqlite3 "$b/sixbb.db" "select hex(note) from events where patient_id='P000003' and type='education' and date='2025-06-02'")" = "$note" ] &&
    [ -n "$note" ] || fail "a note with blanks at its ends did not survive export and import"

# JSON export: an array of objects with the canonical keys.
expect_status 0 "$SIXBB" -C "$a" export appointments --format json
jq -e 'type == "array" and length > 0 and (.[0] | keys | sort) ==
       (["appointment_id","clinician_id","date","patient_id","status","time","type"])' "$tmp/out" \
    >/dev/null || fail "json export shape"
expect_status 2 "$SIXBB" -C "$a" export pills
expect_status 2 "$SIXBB" -C "$a" export events --format xml
echo "record/export: all passed"
