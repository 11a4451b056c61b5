#!/usr/bin/env bash
# The huddle list on the hand-worked registry (tests/data/eval, facts in tests/cli/check.sh) with
# an appointment book for Tuesday 2026-06-30:
#   P1 09:00 C1  MED 60.0, stable against 60.0 on 2026-04-01; moderate; only naloxone missing.
#   P2 10:30 C2  MED 90.0, up from 0.0 (first fill 04-05); high; 16 overlap days; nothing on record:
#                the gaps of check.sh but visit-due, which the day's own appointment closes.
#   P5 08:15 C3  MED 40.0, up from 0.0; low; no open gaps.
#   P4 11:00 C2  not on LtOT: left out unless ltot_only=false.  P3 09:30 C2: cancelled.
source "$SIXBB_SOURCE/tests/lib.sh"
cp -r "$SIXBB_SOURCE/tests/data/eval" data
cat >> data/appointments.csv <<'CSV'
H1,P1,2026-06-30,C1,09:00,pain,scheduled
H2,P2,2026-06-30,C2,10:30,pain,scheduled
H3,P5,2026-06-30,C3,08:15,pain,scheduled
H4,P4,2026-06-30,C2,11:00,pain,scheduled
H5,P3,2026-06-30,C2,09:30,pain,cancelled
CSV
"$SIXBB" init s >/dev/null
"$SIXBB" -C s import data >/dev/null

expect_rc 0 "$SIXBB" -C s report huddle --as-of 2026-06-30 --format json
json=$out
equals "$(echo "$json" | jq -r .title)" "Huddle list — Tuesday 2026-06-30"
# One page per clinician, each starting on a new printed page.
equals "$(echo "$json" | jq -r '[.sections[] | select(.page_break) | .title] | join("|")')" \
  "Clinician C1 — Clinician One, 2026-06-30|Clinician C2 — Clinician Two, 2026-06-30|Clinician C3 — Clinician Three, 2026-06-30"
main='.sections[] | select(.id == "all") | .blocks[0].rows'
equals "$(echo "$json" | jq -r "[$main[] | .patient] | join(\",\")")" "P1,P2,P5" "patients (P4 not on LtOT, P3 cancelled)"
equals "$(echo "$json" | jq -r "$main[] | select(.patient == \"P1\") | \"\(.time) \(.med) \(.med_before) \(.trend) \(.risk)\"")" \
  "09:00 60 60 stable (60.0 on 2026-04-01) moderate"
equals "$(echo "$json" | jq -r "$main[] | select(.patient == \"P1\") | \"\(.pdmp)|\(.udt)|\(.agreement)|\(.peg)|\(.naloxone)|\(.benzo)\"")" \
  "2026-06-01 → 2026-11-30|2026-05-01 → 2026-10-30|2026-01-10 → 2027-01-10|5.0 on 2026-06-01|none|no"
equals "$(echo "$json" | jq -r "$main[] | select(.patient == \"P1\") | .actions")" \
  "Offer naloxone: no naloxone on record (current MED 60.0 ≥ 50)"
equals "$(echo "$json" | jq -r "$main[] | select(.patient == \"P2\") | \"\(.med) \(.trend) \(.risk) \(.benzo) \(.gaps)\"")" \
  "90 up from 0.0 (+90.0 since 2026-04-01) high YES: 16 overlap days in 30 12"
p2=$(echo "$json" | jq -r "$main[] | select(.patient == \"P2\") | .actions")
contains "$p2" "Check the PDMP (none on record)"
contains "$p2" "Do a UDT (none on record)"
contains "$p2" "Offer naloxone: "
contains "$p2" "Review the benzodiazepine co-prescription: "
contains "$p2" "Add the long-term opioid therapy diagnosis (Z79.891)"
equals "$(echo "$json" | jq -r "$main[] | select(.patient == \"P2\") | .risk_reasons")" \
  "current MED 90.0 >= 90; benzodiazepine overlap on 16 days in the last 30"
equals "$(echo "$json" | jq -r "$main[] | select(.patient == \"P5\") | \"\(.med) \(.naloxone) \(.gaps)\"")" "40 2026-03-01 (event) 0"

# Every scheduled patient, when asked.
expect_rc 0 "$SIXBB" -C s report huddle --as-of 2026-06-30 --param ltot_only=false --format csv
contains "$out" "C2,S1,11:00,P4,"
not_contains "$out" "P3" "cancelled appointment"

# Text at a terminal: the actions under each patient; a form feed before each clinician's page.
expect_rc 0 "$SIXBB" -C s report huddle --as-of 2026-06-30
contains "$out" "  - Offer naloxone: no naloxone on record (current MED 60.0 ≥ 50)"
contains "$out" "No open gaps: nothing to do before the visit."
equals "$(printf '%s' "$out" | tr -cd '\f' | wc -c)" 3 "form feeds"
not_contains "$out" "Test Patient" "names without show_names"

# Printable HTML: one page-break section per clinician, well-formed, nothing fetched from outside.
expect_rc 0 "$SIXBB" -C s report huddle --as-of 2026-06-30 -o huddle.html
equals "$(grep -o '<section class="page-break"' huddle.html | wc -l)" 3 "page breaks"
xmllint --noout huddle.html || fail "huddle.html is not well-formed"; ok
not_contains "$(cat huddle.html)" "Test Patient" "HTML names"
not_contains "$(grep -Eo '(src|href)="[^#"][^"]*"' huddle.html || true)" "=" "external references"
equals "$(sqlite3 s/sixbb.db "SELECT count(*) FROM report_runs WHERE report = 'huddle' AND path LIKE '%/huddle.html'")" 1 "report_runs"

# Names only when the site shows them.
echo 'return { reports = { show_names = true } }' > s/sixbb.lua
expect_rc 0 "$SIXBB" -C s report huddle --as-of 2026-06-30
contains "$out" "P1 Test Patient One"
expect_rc 0 "$SIXBB" -C s report huddle --as-of 2026-06-30 --format csv
contains "$out" "P2 Test Patient Two"
rm s/sixbb.lua

# Without --as-of the list is for the next clinic day: never a Saturday or Sunday.
expect_rc 0 "$SIXBB" -C s report huddle --format json
day=$(echo "$out" | jq -r '.params[0].value')
[ "$(date -d "$day" +%u)" -le 5 ] || fail "default day $day is a weekend day"; ok
[ "$day" \> "$(date +%F)" ] || fail "default day $day is not after today"; ok
# A day without appointments says so.
expect_rc 0 "$SIXBB" -C s report huddle --as-of 2026-07-01
contains "$out" "No patient on long-term opioid therapy has an appointment on 2026-07-01."
done_ok
