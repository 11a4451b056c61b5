#!/usr/bin/env bash
# The patient summary and the sixbb.report helpers behind the clinical reports, on the
# hand-worked registry (tests/data/eval, facts in tests/cli/check.sh).
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/eval" >/dev/null

expect_rc 0 "$SIXBB" -C s report patient --patient P1 --as-of 2026-06-30 --format json
json=$out
equals "$(echo "$json" | jq -r .title)" "Patient P1"
equals "$(echo "$json" | jq -r '.figures[0].value')" "60.0" "P1 current MED (the early refill is chained)"
chart='.sections[] | select(.id == "dose") | .blocks[0]'
equals "$(echo "$json" | jq -r "$chart | .points | length")" 52 "weekly points over 12 months"
equals "$(echo "$json" | jq -r "$chart | .points[-1] | \"\(.label) \(.value)\"")" "2026-06-30 60" "last point"
equals "$(echo "$json" | jq -r "$chart | .goal")" 90 "high-dose reference"
contains "$(echo "$json" | jq -r '.sections[] | select(.id == "dose") | .text')" "90 days at MED ≥ 50 and 0 at MED ≥ 90"
fills='.sections[] | select(.id == "fills-section") | .blocks[0].rows'
equals "$(echo "$json" | jq -r "[$fills[] | .arithmetic] | unique | join(\"|\")")" "10 mg × 120 ÷ 30 d × 1.5 = 60.0"
equals "$(echo "$json" | jq -r "$fills | length")" 4
equals "$(echo "$json" | jq -r '.sections[] | select(.id == "gaps-section") | .blocks[0].rows[0] | "\(.check) \(.rule)"')" \
  "naloxone-due Naloxone due for a patient at overdose risk"
equals "$(echo "$json" | jq -r '.sections[] | select(.id == "assessments") | .blocks[0].rows[0] | "\(.instrument) \(.score)"')" "peg 5"
equals "$(echo "$json" | jq -r '.sections[] | select(.id == "diagnoses") | .blocks[0].rows[0] | "\(.code) \(.active)"')" "Z79.891 true"

expect_rc 0 "$SIXBB" -C s report patient --patient P2 --as-of 2026-06-30 --format json
equals "$(echo "$out" | jq -r '.figures[0].value')" "90.0" "P2 current MED"
contains "$(echo "$out" | jq -r '.sections[] | select(.id == "fills-section") | .blocks[0].rows[] | select(.drug | startswith("OxyContin")) | .arithmetic')" "20 mg × 60 ÷ 30 d × 1.5 = 60.0"
expect_rc 0 "$SIXBB" -C s report patient --patient P2 --as-of 2026-06-30 -o p2.html
xmllint --noout p2.html || fail "p2.html is not well-formed"; ok
! grep -Eq '(src|href)="[^#]' p2.html || fail "p2.html refers outside the page"; ok
grep -q '<svg' p2.html || fail "no chart in p2.html"; ok
not_contains "$(cat p2.html)" "Test Patient" "names"
expect_rc 1 "$SIXBB" -C s report patient --as-of 2026-06-30
contains "$err" "needs --patient P"
expect_rc 1 "$SIXBB" -C s report patient --patient P99
contains "$err" "no patient 'P99'"

# The helpers.
cat > helpers.lua <<'LUA'
local sixbb = require "sixbb"
local s = sixbb.report.med_series { patient = "P1", from = "2026-06-29", to = "2026-07-01" }
print("series", #s, s[1].date, s[1].med, s[3].date, s[3].med)
print("series none", sixbb.report.med_series { patient = "P99", to = "2026-06-30" })
local ps = sixbb.report.patients { as_of = "2026-06-30", patients = { "P5", "P2", "P4" }, all = true,
                                   gaps = true, med_on = { "2026-05-10", "2026-06-12" } }
local by = {}
for _, p in ipairs(ps) do by[p.id] = p end
print("list", #ps, by.P2.med, by.P2.med_on["2026-05-10"], by.P2.med_on["2026-06-12"], #by.P2.gaps, #by.P4.gaps)
print("empty", #sixbb.report.patients { as_of = "2026-06-30", patients = {} },
      #sixbb.report.gaps { as_of = "2026-06-30", patients = {} })
local g = sixbb.report.gaps { as_of = "2026-06-30", patients = { "P1", "P5" } }
print("gaps", #g, g[1].check)
local n = 0
for _ in pairs(sixbb.report.names { "P1" }) do n = n + 1 end
print("names", n)
print("bad", pcall(sixbb.report.patients, { med_on = { "2026-06-01" } }))
LUA
expect_rc 0 "$SIXBB" -C s run helpers.lua
contains "$out" "series	3	2026-06-29	60.0	2026-07-01	60.0"
contains "$out" "series none	nil"
contains "$out" "list	3	90.0	0.0	90.0	13	0"
contains "$out" "empty	0	0"
contains "$out" "gaps	1	naloxone-due"
contains "$out" "names	0"
contains "$out" "option 'med_on' needs 'patient' or 'patients'"
echo 'return { reports = { show_names = true } }' > s/sixbb.lua
expect_rc 0 "$SIXBB" -C s run helpers.lua
contains "$out" "names	1"
# A patient with no open gaps (P3, P4 not on LtOT; P5 excluded) still gets a summary whose
# "Open gaps" figure points at the section that says so.
for p in P3 P4 P5; do
  expect_rc 0 "$SIXBB" -C s report patient --patient "$p" --as-of 2026-06-30 --format json
  equals "$(echo "$out" | jq -r '.figures[] | select(.label == "Open gaps") | "\(.value) \(.href)"')" \
    "0 #gaps-section" "$p: no gaps, and the link has a target"
done

done_ok
