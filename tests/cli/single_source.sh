#!/usr/bin/env bash
# One source for every clinical number: the review intervals of the risk tiers are written once
# (rules.risk.intervals in config/defaults.lua); a site that changes them in sixbb.lua changes
# the risk tier's interval, every interval check and the explanation, with no check overridden.
# The hand-worked registry of tests/data/eval: P1 is moderate risk, last UDT 2026-05-01, last
# PDMP check and kept visit 2026-06-01.
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/eval" >/dev/null
gaps() { "$SIXBB" -C s check --as-of 2026-06-30 --patient P1 --json |
  jq -r '[.gaps[] | select(.check | test("^(udt|visit|pdmp)-due$")) | "\(.check) \(.due)"] | sort | join(", ")'; }

equals "$(gaps)" "" "default intervals: nothing due for P1"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P1
contains "$out" "review every 182 days"

cat > s/sixbb.lua <<'LUA'
return { rules = { risk = { intervals = { high = 10, moderate = 20, low = 40 } } } }
LUA
equals "$(gaps)" "pdmp-due 2026-06-21, udt-due 2026-05-21, visit-due 2026-06-21" "every interval check follows"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P1
contains "$out" "review every 20 days"
# A check's own override still wins for that check alone.
cat > s/sixbb.lua <<'LUA'
return { rules = { risk = { intervals = { high = 10, moderate = 20, low = 40 } } },
         checks = { ["udt-due"] = { interval = { moderate = 25 } } } }
LUA
equals "$(gaps)" "pdmp-due 2026-06-21, udt-due 2026-05-26, visit-due 2026-06-21" "per-check override"

# The high dose is written once too: the high-dose check and the risk tier both follow it.
cat > s/sixbb.lua <<'LUA'
return { rules = { risk = { high = { med = 60 } } } }
LUA
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --patient P1 --json
equals "$(echo "$out" | jq -r '[.gaps[] | select(.check == "high-dose") | .detail] | join("")')" \
  "current MED 60.0 (≥ 60)" "high-dose check follows rules.risk.high.med"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P1
contains "$out" "risk tier: high (current MED 60.0 >= 60)"

# A plugin naming a setting that does not exist is told so at load.
mkdir -p s/plugins
cat > s/plugins/local.lua <<'LUA'
local sixbb = require "sixbb"
return sixbb.plugin { id = "local", block = "Local", checks = {
  { id = "x", title = "X", applies = "ltot", params = { d = sixbb.setting "rules.risk.nope" },
    run = function() end } } }
LUA
expect_rc 0 "$SIXBB" -C s plugins
contains "$out$err" "no setting 'rules.risk.nope'"
# The huddle names the window the benzodiazepine overlap is counted over, as the site set it.
mkdir extra
printf 'rx_id,patient_id,fill_date,drug,quantity,days_supply\nRXB1,P1,2026-06-20,alprazolam 1 mg tablet,30,30\n' > extra/prescriptions.csv
"$SIXBB" -C s import extra >/dev/null
rm -rf s/plugins
echo 'return { rules = { risk = { high = { benzo_overlap_days = 14 } } } }' > s/sixbb.lua
expect_rc 0 "$SIXBB" -C s report huddle --as-of 2026-07-06 --format json
contains "$out" "14 overlap days in 14"
done_ok
