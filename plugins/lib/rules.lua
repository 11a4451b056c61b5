-- The risk tier and the LtOT rule written out in Lua: the same answers as the built-in rules
-- (sixbb.rules.risk_tier and sixbb.rules.ltot, which run in C). The tracking plugin registers
-- the built-ins; a clinic that wants a different rule writes a site plugin that registers its own
-- with `rules = { risk = ..., ltot = ... }`, either a changed copy of this file or a function that
-- calls `require("lib.rules").risk` and adjusts the answer (docs/customizing.md).
--
-- Each rule gets the patient's facts table `p` (docs/facts.md) and its parameters: for the
-- risk tier the config's rules.risk, for LtOT the config's rules.ltot.
local sixbb = require "sixbb"

local M = {}

-- "within n days of as_of" is the n days ending on as_of.
local function within(date, as_of, n)
  if not date then return false end
  local ago = sixbb.date.diff(as_of, date)
  return ago >= 0 and ago < n
end

local function score(p, instrument)
  local s = p.scores and p.scores[instrument]
  return s and s.score
end

-- Returns the tier ("high", "moderate" or "low") and the reasons for it. Any one high-risk
-- finding makes the tier high; otherwise any moderate finding makes it moderate.
function M.risk(p, params)
  local high, moderate = params.high, params.moderate
  local med, ort, phq9 = p.med or 0, score(p, "ort"), score(p, "phq9")
  local reasons = {}
  local function add(fmt, ...) reasons[#reasons + 1] = string.format(fmt, ...) end

  if med >= high.med then add("current MED %.1f >= %.0f", med, high.med) end
  -- benzo_overlap_days is counted over the last high.benzo_overlap_days days.
  if (p.benzo_overlap_days or 0) > 0 and high.benzo_overlap_days > 0 then
    add("benzodiazepine overlap on %d days in the last %d", p.benzo_overlap_days,
        high.benzo_overlap_days)
  end
  if p.oud then add("active opioid use disorder diagnosis") end
  if within(p.last and p.last.overdose, p.as_of, high.overdose_days) then
    add("overdose within %d days", high.overdose_days)
  end
  if ort and ort >= high.ort then add("ORT %.0f >= %.0f", ort, high.ort) end
  if #reasons > 0 then return "high", reasons end

  if med >= moderate.med then add("current MED %.1f >= %.0f", med, moderate.med) end
  if ort and ort >= moderate.ort then add("ORT %.0f >= %.0f", ort, moderate.ort) end
  if phq9 and phq9 >= moderate.phq9 then add("PHQ-9 %.0f >= %.0f", phq9, moderate.phq9) end
  return #reasons > 0 and "moderate" or "low", reasons
end

-- Returns whether the patient is on long-term opioid therapy, and why. Under the seed rule
-- (the site's ltot_rule) that is the fill rule or an LtOT label diagnosis. The coverage rules
-- (cdc, bree, kpwa) count covered days on the dose timeline, which evaluation does in C; their
-- answer arrives as p.ltot and is kept.
function M.ltot(p, params)
  if p.ltot_rule == "seed" then
    return (p.meets_fill_rule or p.labeled) and true or false, p.ltot_reason
  end
  return p.ltot, p.ltot_reason
end

return M
