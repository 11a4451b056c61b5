#!/usr/bin/env bash
# A site plugin replaces the built-in risk tier: check --json and check --explain follow it, the
# built-in stays the default, and a failing rule is reported while every check keeps running.
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/eval" >/dev/null
mkdir extra
printf 'patient_id,instrument,date,score,items\nP5,phq9,2026-06-01,16,\n' > extra/assessments.csv
"$SIXBB" -C s import extra >/dev/null

p5() { # the P5 gaps, sorted
  "$SIXBB" -C s check --as-of 2026-06-30 --json | jq -r '[.gaps[] | select(.patient == "P5") | .check] | sort | join(" ")'
}

# Built-in rules: P5 is low risk (PHQ-9 16 is only a moderate finding, and MED 40 is low).
equals "$(p5)" "bh-referral-due" "P5 gaps under the built-in tier"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P5
contains "$out" "risk tier: moderate (PHQ-9 16 >= 10); review every 182 days" "built-in tier in explain"

# A PHQ-9 of 15 or more makes the patient high risk; otherwise the Lua reference rule decides.
cat > s/plugins/phq_risk.lua <<'LUA'
local sixbb = require "sixbb"
local reference = require "lib.rules"
return sixbb.plugin {
  id = "phq-risk", extends = "tracking",
  rules = {
    risk = function(p, params)
      local phq9 = p.scores.phq9
      if phq9 and phq9.score and phq9.score >= 15 then
        return "high", { string.format("PHQ-9 %d >= 15", phq9.score) }
      end
      return reference.risk(p, params)
    end,
  },
}
LUA
# High risk means PDMP and UDT every 90 days: P5's last ones were 121 days ago.
equals "$(p5)" "bh-referral-due pdmp-due udt-due" "P5 gaps under the site's tier"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --json
equals "$(echo "$out" | jq .check_errors)" 0 "no failed calls"
equals "$(echo "$out" | jq -r '[.gaps[] | select(.patient != "P5") | .check] | length')" 17 "other patients unchanged"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P5
contains "$out" "risk tier: high (PHQ-9 16 >= 15); review every 90 days" "site tier in explain"

# A rule that fails for one patient and answers nonsense for another: both reported with the
# plugin's name, those patients keep the built-in tier, and every check still runs.
cat > s/plugins/phq_risk.lua <<'LUA'
local sixbb = require "sixbb"
return sixbb.plugin {
  id = "phq-risk", extends = "tracking",
  rules = {
    risk = function(p, params)
      if p.id == "P2" then error("no tier for " .. p.id) end
      if p.id == "P1" then return "severe" end
      return sixbb.rules.risk_tier(p, params)
    end,
  },
}
LUA
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --json
equals "$(echo "$out" | jq .check_errors)" 2 "failed rule calls counted"
contains "$err" "plugin 'phq-risk', rules.risk: s/plugins/phq_risk.lua:6: no tier for P2" "error with file:line"
contains "$err" "plugin 'phq-risk', rules.risk: returned 'severe'" "bad answer named"
equals "$(echo "$out" | jq -r '[.gaps[] | select(.patient == "P2") | .check] | length')" 13 "P2 checks still run"
equals "$(echo "$out" | jq -r '[.gaps[] | select(.patient == "P2" and .check == "pdmp-due")] | length')" 1 "P2 keeps its tier"

# The field is validated when the plugin loads; a bad one does not take the others down.
cat > s/plugins/phq_risk.lua <<'LUA'
local sixbb = require "sixbb"
return sixbb.plugin { id = "phq-risk", extends = "tracking", rules = { risk = 3, ltto = print } }
LUA
expect_rc 0 "$SIXBB" -C s plugins --json
contains "$(echo "$out" | jq -r '.plugins[] | select(.file | endswith("phq_risk.lua")) | .error')" "unknown field 'ltto' in plugin.rules (did you mean 'ltot'?)"
equals "$(echo "$out" | jq -r '.plugins[] | select(.id == "tracking") | .status')" loaded
equals "$(p5)" "bh-referral-due" "built-in tier back"

# An LtOT rule of the site's: nobody is on long-term therapy, so no patient check applies.
cat > s/plugins/phq_risk.lua <<'LUA'
local sixbb = require "sixbb"
return sixbb.plugin {
  id = "no-ltot", extends = "tracking",
  rules = { ltot = function(p) return false, "the site counts no one" end },
}
LUA
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --json
equals "$(echo "$out" | jq '[.gaps[] | select(.patient != null and .check != "ltot-unlabeled")] | length')" 0 "no LtOT gaps"
expect_rc 0 "$SIXBB" -C s check --as-of 2026-06-30 --explain P5
contains "$out" "LtOT (seed rule): no — the site counts no one" "site LtOT in explain"
done_ok
