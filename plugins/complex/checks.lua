-- Care-gap checks of the complex-needs block: screening, and connecting positive findings to
-- behavioral-health or OUD care.
local gaps = require "lib.gaps"

-- How instruments are named in details.
local NAMES = { phq9 = "PHQ-9", phq2 = "PHQ-2", gad7 = "GAD-7", comm = "COMM", ort = "ORT",
  ort_oud = "ORT-OUD", pcptsd5 = "PC-PTSD-5", stopbang = "STOP-Bang", peg = "PEG" }

local function name(id)
  return NAMES[id] or id
end

-- "PHQ-9 or PHQ-2" from a list of instrument ids.
local function names(ids)
  local out = {}
  for i, id in ipairs(ids) do
    out[i] = name(id)
  end
  return table.concat(out, " or ")
end

-- The latest assessment among `ids`: its date and instrument id, or nil.
local function latest_score(p, ids)
  local date, which
  for _, id in ipairs(ids) do
    local s = p.scores and p.scores[id]
    if s and s.date and (date == nil or s.date > date) then
      date, which = s.date, id
    end
  end
  return date, which
end

-- The trigger whose date decides the gap: the earliest (default) or the latest, per `mode`. A
-- trigger without a date counts as the earliest, since it may be old.
local function pick(triggers, mode)
  local chosen
  for _, t in ipairs(triggers) do
    if chosen == nil then
      chosen = t
    elseif mode == "latest" then
      if t.date and (chosen.date == nil or t.date > chosen.date) then
        chosen = t
      end
    elseif chosen.date and (t.date == nil or t.date < chosen.date) then
      chosen = t
    end
  end
  return chosen
end

-- A gap unless `follow_up` is on or after the chosen trigger's date; `what` names the follow-up.
local function follow_up_gap(triggers, mode, follow_up, what)
  if #triggers == 0 then
    return nil
  end
  local t = pick(triggers, mode)
  if follow_up and (t.date == nil or follow_up >= t.date) then
    return nil
  end
  local detail = t.text .. "; "
    .. (follow_up and ("last " .. what .. " " .. follow_up .. " is before it")
      or ("no " .. what .. " on record"))
  return { due = t.date, detail = detail }
end

-- A positive latest score of instrument `id` at `cutoff`, as a trigger, or nil.
local function score_trigger(p, id, cutoff)
  local s = p.scores and p.scores[id]
  if s and s.score and s.score >= cutoff then
    return { date = s.date, text = name(id) .. " " .. s.score
      .. (s.date and (" on " .. s.date) or "") .. " (≥ " .. cutoff .. ")" }
  end
end

local checks = {}

checks[#checks + 1] = gaps.check {
  id = "depression-screen-due",
  title = "Depression screen due",
  description = "Opens when no assessment with one of `instruments` (default PHQ-9 or PHQ-2) is "
    .. "recorded within `days` (default 365) days.",
  applies = "ltot",
  severity = "due",
  params = { days = 365, instruments = { "phq9", "phq2" } },
  run = function(p, params)
    local date, which = latest_score(p, params.instruments)
    local what = date and ("depression screen (" .. name(which) .. ")")
      or ("depression screen (" .. names(params.instruments) .. ")")
    return gaps.overdue(what, date, p.as_of, params.days)
  end,
}

checks[#checks + 1] = gaps.check {
  id = "bh-referral-due",
  title = "Positive mood or anxiety screen without a referral",
  description = "Opens when the latest PHQ-9 is at least `phq9` (default 10) or the latest GAD-7 "
    .. "is at least `gad7` (default 10) and no behavioral-health referral is recorded on or "
    .. "after that assessment's date. When both are positive, the earlier date counts "
    .. "(`trigger = \"earliest\"`; a site may choose \"latest\"). Due on that date.",
  applies = "ltot",
  severity = "due",
  params = { phq9 = 10, gad7 = 10, trigger = "earliest" },
  run = function(p, params)
    local triggers = {}
    triggers[#triggers + 1] = score_trigger(p, "phq9", params.phq9)
    triggers[#triggers + 1] = score_trigger(p, "gad7", params.gad7)
    return follow_up_gap(triggers, params.trigger, p.last and p.last.referral_bh,
      "behavioral-health referral")
  end,
}

checks[#checks + 1] = gaps.check {
  id = "oud-treatment-due",
  title = "Possible opioid use disorder not connected to treatment",
  description = "Opens when the patient has an active OUD diagnosis or a latest COMM of at least "
    .. "`comm` (default 9) and no OUD referral, MOUD event or MOUD fill is recorded on or after "
    .. "the triggering date. When both apply, the earlier of the diagnosis and COMM dates counts "
    .. "(`trigger = \"earliest\"`; a site may choose \"latest\"). Due on that date.",
  applies = "ltot",
  severity = "due",
  params = { comm = 9, trigger = "earliest" },
  run = function(p, params)
    local triggers = {}
    if p.oud then
      triggers[#triggers + 1] = { date = p.oud_date,
        text = "OUD diagnosis" .. (p.oud_date and (" " .. p.oud_date) or "") }
    end
    triggers[#triggers + 1] = score_trigger(p, "comm", params.comm)
    local last, fills = p.last or {}, p.fills or {}
    return follow_up_gap(triggers, params.trigger,
      gaps.latest(last.referral_oud, last.moud, fills.moud), "OUD referral or MOUD")
  end,
}

checks[#checks + 1] = gaps.check {
  id = "risk-screen-due",
  title = "Opioid risk never screened",
  description = "Opens when no assessment with one of `instruments` (default ORT or ORT-OUD) is "
    .. "on record at any date.",
  applies = "ltot",
  severity = "due",
  params = { instruments = { "ort", "ort_oud" } },
  run = function(p, params)
    if latest_score(p, params.instruments) == nil then
      return { detail = "no " .. names(params.instruments) .. " on record" }
    end
  end,
}

return checks
