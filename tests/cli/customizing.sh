#!/usr/bin/env bash
# The examples of docs/customizing.md, applied to a registry whose answers are known: each
# changes exactly what the guide says, and each appears in the guide exactly as tested.
source "$SIXBB_SOURCE/tests/lib.sh"
EX="$SIXBB_SOURCE/tests/data/customizing"
DOC="$SIXBB_SOURCE/docs/customizing.md"
for f in "$EX"/*.lua; do
  grep -qF -- "$(cat "$f")" <(cat "$DOC") || fail "$(basename "$f") is not in docs/customizing.md as tested"
  ok
done

fresh() {
  rm -rf s && "$SIXBB" init s >/dev/null && "$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/eval" >/dev/null
}
gaps() { # CHECK-ID -> "patient patient ..."
  "$SIXBB" -C s check --as-of 2026-06-30 --json | jq -r "[.gaps[] | select(.check == \"$1\") | .patient] | sort | join(\" \")"
}

# Baseline: P5 (low risk) had a PDMP check 121 days ago; P2 has none; two LtOT patients are
# missing education.
fresh
equals "$(gaps pdmp-due)" "P2" "pdmp-due by default"
equals "$(gaps education-due)" "P2" "education-due by default"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --json
equals "$(echo "$out" | jq .ltot)" 3 "LtOT under the seed rule"

# 1. PDMP every 90 days for every tier: P5 now has a gap that opened on 2026-05-30.
cp "$EX/pdmp-every-90-days.lua" s/sixbb.lua
equals "$(gaps pdmp-due)" "P2 P5" "pdmp-due with 90 days"
equals "$("$SIXBB" -C s check --as-of 2026-06-30 --json | jq -r '.gaps[] | select(.check == "pdmp-due" and .patient == "P5") | .due')" 2026-05-30

# 2. Bree: P1 (90 days covered) stays on LtOT; P2 (51 days) and P5 (47 days) do not.
cp "$EX/ltot-rule-bree.lua" s/sixbb.lua
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --json
equals "$(echo "$out" | jq .ltot)" 1 "LtOT under bree"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P2
contains "$out" "LtOT (bree rule): no"
contains "$out" "days covered in the 90 days to 2026-06-30"

# 3. A check switched off.
cp "$EX/disable-education.lua" s/sixbb.lua
equals "$(gaps education-due)" "" "education-due disabled"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P2
contains "$out" "disabled in the site config"

# 4. A local check: only P2 is high risk, and has no visit booked.
rm s/sixbb.lua
cp "$EX/high-risk-no-visit-booked.lua" s/plugins/
equals "$(gaps high-risk-no-visit-booked)" "P2" "local check"
echo 'return { checks = { ["high-risk-no-visit-booked"] = { days = 3 } } }' > s/sixbb.lua
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --check high-risk-no-visit-booked --json
contains "$out" "book one by 2026-07-03"
echo 'return { checks = { ["high-risk-no-visit-booked"] = { dayz = 3 } } }' > s/sixbb.lua
expect_rc 1 "$SIXBB" -C s check --as-of 2026-06-30
contains "$err" "unknown setting 'checks['high-risk-no-visit-booked'].dayz' (did you mean 'checks['high-risk-no-visit-booked'].days'?)"
rm s/sixbb.lua

# 5. A local milestone, from a site plugin and from the command line.
cp "$EX/huddle-milestone.lua" s/plugins/
expect_rc 0 "$SIXBB" -C s milestones --site S1 --as-of 2026-06-30 --json
equals "$(echo "$out" | jq -r '.sites[0].milestones[] | select(.id == "local-huddle-daily") | .block')" visits
expect_rc 0 "$SIXBB" -C s milestones set local-huddle-daily in_progress --site S1
expect_rc 0 "$SIXBB" -C s milestones add --block visits "Naloxone is offered at every high-dose visit" --site S1
expect_rc 0 "$SIXBB" -C s milestones --site S1 --as-of 2026-06-30 --json
equals "$(echo "$out" | jq -r '.sites[0].milestones[] | select(.id == "local-huddle-daily") | .status')" in_progress
equals "$(echo "$out" | jq -r '.sites[0].milestones[] | select(.id == "local-visits-1") | .title')" "Naloxone is offered at every high-dose visit"

# Mistakes are refused with the nearest valid name.
echo 'return { checks = { ["pdmp-du"] = { enabled = false } } }' > s/sixbb.lua
expect_rc 1 "$SIXBB" -C s check --as-of 2026-06-30
contains "$err" "unknown check 'pdmp-du' in checks (did you mean 'pdmp-due'?)"
echo 'return { ltot_rule = "brie" }' > s/sixbb.lua
expect_rc 1 "$SIXBB" -C s check --as-of 2026-06-30
contains "$err" "expected one of seed, cdc, bree, kpwa"
done_ok
