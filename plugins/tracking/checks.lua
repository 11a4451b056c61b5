-- Care-gap checks of the tracking block: the registry is complete, doses are known and watched,
-- and the PDMP is consulted.
local sixbb = require "sixbb"
local gaps = require "lib.gaps"

local checks = {}

checks[#checks + 1] = gaps.check {
  id = "ltot-unlabeled",
  title = "On long-term opioids by fills but not labeled",
  description = "Opens when the patient has at least two opioid fills within 90 days whose first "
    .. "and last dates are at least 28 days apart, but no active LtOT label diagnosis "
    .. "(Z79.891 or F11.90) is in the chart.",
  applies = "fill_rule",
  severity = "data",
  params = {},
  run = function(p)
    if p.meets_fill_rule and not p.labeled then
      return { detail = "meets the LtOT fill rule but has no LtOT label diagnosis (e.g. Z79.891)" }
    end
  end,
}

checks[#checks + 1] = gaps.check {
  id = "med-unknown",
  title = "Current dose cannot be computed",
  description = "Opens when an opioid fill active on the evaluation date has no computable "
    .. "MED because its product or days of supply could not be resolved.",
  applies = "ltot",
  severity = "data",
  params = {},
  run = function(p)
    if p.med_unknown then
      return { detail = p.med_unknown_detail or "an active opioid fill has no computable MED" }
    end
  end,
}

checks[#checks + 1] = gaps.check {
  id = "high-dose",
  title = "High daily opioid dose",
  description = "Flags a current MED at or above `med` (by default the high-risk dose of "
    .. "`rules.risk.high.med`, 90) on the evaluation date.",
  applies = "ltot",
  severity = "flag",
  params = { med = sixbb.setting "rules.risk.high.med" },
  run = function(p, params)
    local med = p.med or 0
    if med >= params.med then
      return { detail = "current MED " .. gaps.med(med) .. " (≥ " .. params.med .. ")" }
    end
  end,
}

checks[#checks + 1] = gaps.check {
  id = "benzo-overlap",
  title = "Opioid and benzodiazepine taken together",
  description = "Flags at least `min_days` (default 1) days within the 30 days ending on the "
    .. "evaluation date on which an opioid and a benzodiazepine fill were both active.",
  applies = "ltot",
  severity = "flag",
  params = { min_days = 1 },
  run = function(p, params)
    local days = p.benzo_overlap_days or 0
    if days >= params.min_days then
      local last = p.fills and p.fills.benzo
      return {
        detail = "opioid and benzodiazepine overlap on " .. days .. " of the last 30 days"
          .. (last and ("; last benzodiazepine fill " .. last) or ""),
      }
    end
  end,
}

checks[#checks + 1] = gaps.check {
  id = "pdmp-due",
  title = "PDMP check due",
  description = "Opens when no PDMP check is recorded within the review interval of the "
    .. "patient's risk tier (`interval`, by default the tier intervals of "
    .. "`rules.risk.intervals`); due the day the interval ran out after the last check.",
  applies = "ltot",
  severity = "due",
  params = { interval = sixbb.setting "rules.risk.intervals" },
  run = function(p, params)
    local days, note = gaps.interval(params, p.risk)
    return gaps.overdue("PDMP check", p.last and p.last.pdmp_check, p.as_of, days, note)
  end,
}

checks[#checks + 1] = gaps.check {
  id = "clinician-pdmp-unregistered",
  title = "Prescriber not registered with the PDMP",
  description = "Opens for a clinician responsible for at least `min_patients` (default 1) "
    .. "LtOT patients who has no PDMP registration date on record.",
  level = "clinician",
  severity = "program",
  params = { min_patients = 1 },
  run = function(c, params)
    local n = c.ltot_patients or 0
    if n >= params.min_patients and not c.pdmp_registered then
      return {
        detail = n .. (n == 1 and " LtOT patient" or " LtOT patients")
          .. "; no PDMP registration on record",
      }
    end
  end,
}

return checks
