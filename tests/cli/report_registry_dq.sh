#!/usr/bin/env bash
# The registry and the data-quality report on the hand-worked registry (tests/data/eval, facts in
# tests/cli/check.sh), the second time with deliberate problems added to a copy of it:
#   R20, R21  'oxycodon 10mg tab' (unrecognised) for P4 on 06-20 and P5 on 06-25: both active on
#             06-30 without a MED.   R22  P5 oxycodone 5 mg without a days supply: no MED either.
#   P6 without a clinician; clinician C3 moved (in the database) to a site that is not on file.
#   P1's PEG of 06-15 says 9 while its items score 5.
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/eval" >/dev/null

# Registry: one row per LtOT patient (P1, P2, P5; P3 excluded, P4 not on LtOT).
expect_rc 0 "$SIXBB" -C s report registry --as-of 2026-06-30 --format csv
csv=$(printf '%s' "$out" | tr -d '\r')
equals "$(echo "$csv" | head -1)" \
  "Patient,Site,Clinician,MED,Highest MED 90 d,Risk,Labeled,Benzo overlap days 30,Last PDMP,Last UDT,Last agreement,Last PEG,PEG score,Last naloxone,Last visit,Next visit,Open gaps,Gap checks"
equals "$(echo "$csv" | sed -n 2p)" \
  "P1,S1,C1,60,60,moderate,true,0,2026-06-01,2026-05-01,2026-01-10,2026-06-01,5,,2026-06-01,2026-07-06,1,naloxone-due"
equals "$(echo "$csv" | sed -n 3p | cut -d, -f1-8,17)" "P2,S1,C2,90,90,high,false,16,13"
equals "$(echo "$csv" | sed -n 4p)" \
  "P5,S2,C3,40,40,low,true,0,2026-03-01,2026-03-01,2026-03-01,2026-06-15,3,2026-03-01,2026-06-15,,0,"
equals "$(echo "$csv" | wc -l)" 4 "rows"
expect_rc 0 "$SIXBB" -C s report registry --as-of 2026-06-30 --site S2 --format csv
equals "$(printf '%s' "$out" | tr -d '\r' | tail -n +2 | cut -d, -f1)" "P5" "site filter"
expect_rc 0 "$SIXBB" -C s report registry --as-of 2026-06-30 -o registry.html
xmllint --noout registry.html || fail "registry.html is not well-formed"; ok
! grep -Eq '(src|href)="[^#]' registry.html || fail "registry.html refers outside the page"; ok
not_contains "$(cat registry.html)" "Test Patient" "names"

# Data quality of the clean fixture: nothing to fix but the data the fixture lacks.
expect_rc 0 "$SIXBB" -C s report data-quality --as-of 2026-06-30 --format json
equals "$(echo "$out" | jq -c '[.figures[] | .value]')" "[0,0,0,0,0]" "clean fixture"

# With deliberate problems.
cp -r "$SIXBB_SOURCE/tests/data/eval" dq
cat >> dq/prescriptions.csv <<'CSV'
R20,P4,2026-06-20,oxycodon 10mg tab,60,30,C2
R21,P5,2026-06-25,oxycodon 10mg tab,30,15,C3
R22,P5,2026-06-28,oxycodone 5 mg tablet,20,,C3
CSV
cat >> dq/patients.csv <<'CSV'
P6,S1,,1980-01-01,M,Test Patient Six
CSV
echo 'P1,peg,2026-06-15,9,5;5;5' >> dq/assessments.csv
"$SIXBB" init d >/dev/null
"$SIXBB" -C d import dq >/dev/null
sqlite3 d/sixbb.db "UPDATE clinicians SET site_id = 'S9' WHERE clinician_id = 'C3'"
expect_rc 0 "$SIXBB" -C d report data-quality --as-of 2026-06-30 --format json
json=$out
equals "$(echo "$json" | jq -c '[.figures[] | .value]')" "[1,3,1,1,1]" "figures"
sec() { echo "$json" | jq -c ".sections[] | select(.id == \"$1\") | .blocks[0].rows"; }
equals "$(sec products | jq -r '.[0] | "\(.drug)|\(.fills)|\(.patients)|\(.last_fill)"')" "oxycodon 10mg tab|2|2|2026-06-25"
contains "$(sec products | jq -r '.[0].reason')" "did you mean oxycodone?"
equals "$(sec active-unknown | jq -r '[.[].rx] | join(",")')" "R22,R21,R20"
equals "$(sec supply | jq -r '.[] | "\(.flag)=\(.fills)"')" "days_supply_missing=1"
equals "$(sec flagged | jq -r '.[0] | "\(.rx) \(.flags)"')" "R22 days_supply_missing,med_not_computable"
equals "$(sec scores | jq -r '.[0] | "\(.patient) \(.instrument) \(.date) \(.score) \(.flags)"')" \
  "P1 peg 2026-06-15 9 score_disagrees_with_items"
equals "$(sec no-clinician | jq -r '[.[] | "\(.patient):\(.problem)"] | join(",")')" \
  "P6:none recorded"
equals "$(sec no-site | jq -r '[.[] | "\(.clinician):\(.problem)"] | join(",")')" "C3:unknown site S9"
# On 07-31 the unrecognised fills have run out.
expect_rc 0 "$SIXBB" -C d report data-quality --as-of 2026-07-31 --format json
equals "$(echo "$out" | jq -c '.figures[1].value')" 0 "active fills later"
# The CSV is the unrecognised products; a row cap keeps the counts whole.
expect_rc 0 "$SIXBB" -C d report data-quality --as-of 2026-06-30 --format csv
contains "$out" "oxycodon 10mg tab,2,2,2026-06-25"
expect_rc 0 "$SIXBB" -C d report data-quality --as-of 2026-06-30 --param max_rows=1 --format json
equals "$(echo "$out" | jq -c '.figures[1].value')" 3 "capped counts"
equals "$(echo "$out" | jq -c '.sections[] | select(.id == "active-unknown") | .blocks[0].rows | length')" 1
expect_rc 0 "$SIXBB" -C d report data-quality --as-of 2026-06-30 -o dq.html
xmllint --noout dq.html || fail "dq.html is not well-formed"; ok
! grep -Eq '(src|href)="[^#]' dq.html || fail "dq.html refers outside the page"; ok
done_ok
