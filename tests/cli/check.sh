#!/usr/bin/env bash
# sixbb check on a registry whose answers are worked out by hand (tests/data/eval):
#   P1  oxycodone 10 mg 120/30 monthly with an early refill on 06-20: chained, so MED 60 (not
#       120) on 2026-06-30; labeled; moderate risk; only naloxone is missing.
#   P2  OxyContin 20 mg 60/30 + oxycodone 5 mg 120/30 from 06-10: concurrent, MED 90; alprazolam
#       from 06-15: 16 overlap days; unlabeled; no care on record; clinician C2 not registered.
#   P3  cancer diagnosis 2026-03-01: excluded.   P4  one short fill: not on LtOT.
#   P5  tramadol 50 mg 120/30, MED 40, low risk, up to date.
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/eval" >/dev/null

expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --json
json=$out
equals "$(echo "$json" | jq -c '{as_of, patients_evaluated, ltot, excluded}')" \
  '{"as_of":"2026-06-30","patients_evaluated":5,"ltot":3,"excluded":1}' "summary"
# Every gap has the documented fields; patient is null for clinician- and site-level gaps.
equals "$(echo "$json" | jq '[.gaps[] | keys_unsorted | contains(["check","patient","clinician","site","severity","due","detail"])] | all')" true "gap fields"
equals "$(echo "$json" | jq -r '[.gaps[] | select(.patient == "P1") | .check] | join(",")')" "naloxone-due"
equals "$(echo "$json" | jq -r '[.gaps[] | select(.patient == "P3" or .patient == "P4" or .patient == "P5")] | length')" 0
equals "$(echo "$json" | jq -r '[.gaps[] | select(.patient == "P2") | .check] | sort | join(",")')" \
  "agreement-due,benzo-overlap,depression-screen-due,education-due,high-dose,ltot-unlabeled,naloxone-due,pdmp-due,peg-due,risk-screen-due,taper-plan-due,udt-due,visit-due"
equals "$(echo "$json" | jq -r '.gaps[] | select(.check == "clinician-pdmp-unregistered") | "\(.patient)/\(.clinician)/\(.site)"')" "null/C2/S1"
equals "$(echo "$json" | jq -r '[.gaps[] | select(.check == "team-meeting-due") | .site] | join(",")')" "S1,S2"
equals "$(echo "$json" | jq -r '.gaps[] | select(.check == "high-dose") | .detail')" "current MED 90.0 (≥ 90)"

# The full run was stored for its date; filtered runs only print.
equals "$(sqlite3 s/sixbb.db "SELECT count(*) FROM check_results WHERE as_of = '2026-06-30'")" \
  "$(echo "$json" | jq '.gaps | length')" "stored gaps"
equals "$(sqlite3 s/sixbb.db "SELECT patients_evaluated || '/' || ltot FROM evaluations")" "5/3"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-01 --patient P1 --json
equals "$(echo "$out" | jq .stored)" false
equals "$(sqlite3 s/sixbb.db "SELECT count(*) FROM check_results WHERE as_of = '2026-06-01'")" 0
contains "$(sqlite3 s/sixbb.db "SELECT action || ' ' || entity FROM audit_log")" "evaluate check_results"

# The gaps are stored while the run goes on, in one transaction: when storing fails (here a
# trigger refuses one gap), the command fails and the earlier results of the date stay as they were.
before=$(sqlite3 s/sixbb.db "SELECT * FROM check_results ORDER BY as_of, seq; SELECT as_of, patients_evaluated FROM evaluations; SELECT count(*) FROM audit_log")
sqlite3 s/sixbb.db "CREATE TRIGGER refuse BEFORE INSERT ON check_results WHEN NEW.check_id = 'high-dose' BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END;"
expect_rc 1 "$SIXBB" -C s check --as-of 2026-06-30
contains "$err" "cannot store the results: refused by a test trigger"
equals "$(sqlite3 s/sixbb.db "SELECT * FROM check_results ORDER BY as_of, seq; SELECT as_of, patients_evaluated FROM evaluations; SELECT count(*) FROM audit_log")" "$before" "results after a failed store"
sqlite3 s/sixbb.db "DROP TRIGGER refuse"

# Filters.
equals "$("$SIXBB" -C s check --as-of 2026-06-30 --clinician C1 --json | jq -r '[.gaps[].patient] | unique | join(",")')" "P1"
equals "$("$SIXBB" -C s check --as-of 2026-06-30 --site S2 --json | jq -r '[.gaps[].check] | join(",")')" "team-meeting-due"
equals "$("$SIXBB" -C s check --as-of 2026-06-30 --check high-dose --json | jq -r '[.gaps[].patient] | join(",")')" "P2"

# The facts behind the numbers, as --explain shows them.
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P1
contains "$out" "current MED: 60.0"
contains "$out" "label diagnosis: Z79.891"
contains "$out" "risk tier: moderate (current MED 60.0 >= 50)"
contains "$out" "naloxone-due"
contains "$out" "GAP (due)"
contains "$out" "udt-due                      no gap"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P2
contains "$out" "current MED: 90.0"
contains "$out" "benzodiazepine overlap days (last 30): 16"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P3
contains "$out" "excluded: active cancer (C50.9 on 2026-03-01)"
contains "$out" "not applicable: excluded"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P4
contains "$out" "LtOT (seed rule): no"
contains "$out" "not applicable: not on LtOT"
# Before P1's early refill starts its chained window, only the June fill counts.
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-25 --explain P1
contains "$out" "current MED: 60.0"

# Text output groups by clinician and patient.
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30
contains "$out" "Clinician C2 (site S1)"
contains "$out" "Site S2"
not_contains "$out" "Test Patient" "text output (patient names)"

# Errors.
expect_rc 1 "$SIXBB" -C s check --explain P99 --as-of 2026-06-30
contains "$err" "no patient 'P99'"
expect_rc 2 "$SIXBB" -C s check --as-of 2026-13-01
expect_rc 1 "$SIXBB" -C s check --check no-such-check
contains "$err" "no check 'no-such-check'"
expect_rc 2 "$SIXBB" -C s check --bogus
expect_rc 0 "$SIXBB" check --help
contains "$out" "--explain PATIENT"

# A check that fails for a patient is reported and the others still run.
cat > s/plugins/broken.lua <<'LUA'
return sixbb.plugin { id = "broken", block = "x",
  checks = { { id = "explodes", title = "x", run = function(p) error("boom for " .. p.id) end } } }
LUA
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --json
equals "$(echo "$out" | jq .check_errors)" 3 "failed check calls"
equals "$(echo "$out" | jq '[.gaps[] | select(.check == "naloxone-due")] | length')" 2 "other checks"
contains "$err" "plugin 'broken', check 'explodes'"
contains "$err" "broken.lua:2: boom for P"
# A site products file that cannot be read stops the command with its line, and nothing else.
"$SIXBB" init bad >/dev/null
"$SIXBB" -C bad import "$SIXBB_SOURCE/tests/data/eval" >/dev/null
printf 'name,ndc,rxcui,ingredients,strength,strength_unit,form,acting,class\nclinic oxy,,,oxycodone,five,mg,tablet,short,\n' >bad/products.csv
expect_rc 1 "$SIXBB" -C bad check --as-of 2026-06-30
contains "$err" "products.csv"
not_contains "$err" "AddressSanitizer"
done_ok
