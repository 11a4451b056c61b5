-- Care-gap checks of the visits block: the monitoring and safety steps each planned visit should
-- bring up to date.
local sixbb = require "sixbb"
local gaps = require "lib.gaps"

local checks = {}

-- The default review interval of each risk tier: the site's rules.risk.intervals (defaults.lua
-- holds the numbers), a fresh table for each check.
local function tiers()
  return sixbb.setting "rules.risk.intervals"
end

checks[#checks + 1] = gaps.check {
  id = "udt-due",
  title = "Urine drug test due",
  description = "Opens when no urine drug test is recorded within the review interval of the "
    .. "patient's risk tier (`interval`, by default the tier intervals of "
    .. "`rules.risk.intervals`); due the "
    .. "day the interval ran out after the last test.",
  applies = "ltot",
  severity = "due",
  params = { interval = tiers() },
  run = function(p, params)
    local days, note = gaps.interval(params, p.risk)
    return gaps.overdue("UDT", p.last and p.last.udt, p.as_of, days, note)
  end,
}

checks[#checks + 1] = gaps.check {
  id = "visit-due",
  title = "Follow-up visit due",
  description = "Opens when no appointment that was kept (not cancelled, not a no-show) falls "
    .. "within the review interval of the patient's risk tier (`interval`, by default the tier "
    .. "intervals of `rules.risk.intervals`). A visit booked ahead does not close the gap; the detail "
    .. "shows it.",
  applies = "ltot",
  severity = "due",
  params = { interval = tiers() },
  run = function(p, params)
    local days, note = gaps.interval(params, p.risk)
    local gap = gaps.overdue("visit", p.last and p.last.visit, p.as_of, days, note)
    if gap then
      gap.detail = gap.detail .. (p.next_visit and ("; next visit booked " .. p.next_visit)
        or "; no visit booked")
    end
    return gap
  end,
}

checks[#checks + 1] = gaps.check {
  id = "peg-due",
  title = "Pain and function (PEG) not assessed",
  description = "Opens when no PEG assessment is recorded within `days` (default 90) days.",
  applies = "ltot",
  severity = "due",
  params = { days = 90 },
  run = function(p, params)
    local peg = p.scores and p.scores.peg
    return gaps.overdue("PEG", peg and peg.date, p.as_of, params.days)
  end,
}

-- Why the patient should carry naloxone, as a list of short phrases (empty when no risk applies).
local function naloxone_risks(p, params)
  local risks = {}
  local med = p.med or 0
  if med >= params.med then
    risks[#risks + 1] = "current MED " .. gaps.med(med) .. " ≥ " .. params.med
  end
  local overlap = p.benzo_overlap_days or 0
  if overlap >= params.benzo_min_days then
    risks[#risks + 1] = "benzodiazepine overlap " .. overlap .. " of last 30 days"
  end
  if p.oud then
    risks[#risks + 1] = "OUD diagnosis"
  end
  if p.overdose_ever or (p.last and p.last.overdose) then
    risks[#risks + 1] = "overdose on record"
  end
  return risks
end

checks[#checks + 1] = gaps.check {
  id = "naloxone-due",
  title = "Naloxone due for a patient at overdose risk",
  description = "Opens when the patient has an overdose risk (current MED ≥ `med`, default 50; "
    .. "at least `benzo_min_days`, default 1, days of benzodiazepine overlap in the last 30; an "
    .. "OUD diagnosis; or any overdose on record) and neither a naloxone event nor a naloxone "
    .. "fill falls within `days` (default 730) days. The detail names the risks found.",
  applies = "ltot",
  severity = "due",
  params = { med = 50, benzo_min_days = 1, days = 730 },
  run = function(p, params)
    local risks = naloxone_risks(p, params)
    if #risks == 0 then
      return nil
    end
    local last = gaps.latest(p.last and p.last.naloxone, p.fills and p.fills.naloxone)
    return gaps.overdue("naloxone", last, p.as_of, params.days, table.concat(risks, "; "))
  end,
}

checks[#checks + 1] = gaps.check {
  id = "taper-plan-due",
  title = "High dose without a taper discussion",
  description = "Opens when the current MED is at or above `med` (default 90) and no taper plan "
    .. "is recorded within `days` (default 365) days.",
  applies = "ltot",
  severity = "due",
  params = { med = 90, days = 365 },
  run = function(p, params)
    local med = p.med or 0
    if med < params.med then
      return nil
    end
    return gaps.overdue("taper plan", p.last and p.last.taper_plan, p.as_of, params.days,
      "current MED " .. gaps.med(med) .. " ≥ " .. params.med)
  end,
}

checks[#checks + 1] = gaps.check {
  id = "education-due",
  title = "Patient education on opioid risks due",
  description = "Opens when no patient-education event is recorded within `days` (default 365) "
    .. "days.",
  applies = "ltot",
  severity = "due",
  params = { days = 365 },
  run = function(p, params)
    return gaps.overdue("patient education", p.last and p.last.education, p.as_of, params.days)
  end,
}

return checks
