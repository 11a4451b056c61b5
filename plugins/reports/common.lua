-- What the clinical reports share: a care gap phrased as the action that closes it, the
-- monitoring items of one patient (last date and next due), patient labels that show names only
-- when the site allows it, and small formatting helpers.
local sixbb = require "sixbb"

local M = {}

-- The window benzo_overlap_days is counted over, named in the huddle and registry text.
local BENZO_WINDOW = sixbb.setting "rules.risk.high.benzo_overlap_days"

local function fmt_med(v)
  if v == nil then return "—" end
  return string.format("%.1f", v)
end
M.fmt_med = fmt_med

-- "last 2026-06-01, due 2026-08-30" / "none on record", for an action's parenthesis.
local function last_due(last, due)
  local parts = { last and ("last " .. last) or "none on record" }
  if due then parts[#parts + 1] = "due " .. due end
  return table.concat(parts, ", ")
end

-- Each check's gap as the action that closes it: (gap, facts) -> sentence. The facts give the
-- last date the gap's detail may leave out; the gap gives the due date.
local ACTIONS = {
  ["pdmp-due"] = function(g, p)
    return "Check the PDMP (" .. last_due(p and p.last.pdmp_check, g.due) .. ")"
  end,
  ["udt-due"] = function(g, p)
    return "Do a UDT (" .. last_due(p and p.last.udt, g.due) .. ")"
  end,
  ["agreement-due"] = function(g, p)
    return "Review and sign the patient agreement (" .. last_due(p and p.last.agreement, g.due) .. ")"
  end,
  ["peg-due"] = function(g, p)
    local peg = p and p.scores.peg
    return "Score the PEG (" .. last_due(peg and peg.date, g.due) .. ")"
  end,
  ["naloxone-due"] = function(g) return "Offer naloxone: " .. g.detail end,
  ["high-dose"] = function(g) return "Review the dose and the benefit of tapering: " .. g.detail end,
  ["taper-plan-due"] = function(g) return "Discuss and record a taper plan: " .. g.detail end,
  ["benzo-overlap"] = function(g) return "Review the benzodiazepine co-prescription: " .. g.detail end,
  ["ltot-unlabeled"] = function() return "Add the long-term opioid therapy diagnosis (Z79.891)" end,
  ["med-unknown"] = function(g) return "Correct the prescription record so its MED can be computed: " .. g.detail end,
  ["visit-due"] = function(g) return "Make this visit the periodic review: " .. g.detail end,
  ["education-due"] = function(g, p)
    return "Give opioid safety education (" .. last_due(p and p.last.education, g.due) .. ")"
  end,
  ["depression-screen-due"] = function(g) return "Screen for depression with the PHQ-9 or PHQ-2: " .. g.detail end,
  ["bh-referral-due"] = function(g) return "Refer to behavioral health: " .. g.detail end,
  ["oud-treatment-due"] = function(g) return "Offer treatment for opioid use disorder or refer: " .. g.detail end,
  ["risk-screen-due"] = function() return "Do an opioid risk screen (ORT)" end,
}

local titles
local function check_title(id)
  if not titles then
    titles = {}
    for _, c in ipairs(sixbb.registry("checks")) do titles[c.id] = c.title end
  end
  return titles[id] or id
end

-- The action for one gap; a check without a phrase of its own is shown by title and detail.
function M.action(g, p)
  local phrase = ACTIONS[g.check]
  if phrase then return phrase(g, p) end
  return check_title(g.check) .. ": " .. g.detail
end

local function add_days(d, n)
  return d and sixbb.date.add(d, n) or nil
end

-- "2026-06-01 → 2026-08-30", or "none → due now"
local function last_next(last, days)
  if not last then return "none → due now" end
  return last .. " → " .. add_days(last, days)
end
M.last_next = last_next

-- The monitoring items of one patient as strings, with next-due dates from the intervals.
function M.monitoring(p, params)
  local peg = p.scores.peg
  local nal_event, nal_fill = p.last.naloxone, p.fills.naloxone
  local naloxone = "none"
  if nal_event and (not nal_fill or nal_event >= nal_fill) then
    naloxone = nal_event .. " (event)"
  elseif nal_fill then
    naloxone = nal_fill .. " (fill)"
  end
  local benzo = "no"
  if (p.benzo_overlap_days or 0) > 0 then
    benzo = string.format("YES: %d overlap days in %d", p.benzo_overlap_days, BENZO_WINDOW)
  elseif p.fills.benzo and p.fills.benzo > sixbb.date.add(p.as_of, -params.benzo_recent_days) then
    benzo = "fill " .. p.fills.benzo
  end
  return {
    pdmp = last_next(p.last.pdmp_check, p.review_interval),
    udt = last_next(p.last.udt, p.review_interval),
    agreement = last_next(p.last.agreement, params.agreement_days),
    peg = peg and string.format("%s on %s", peg.score and string.format("%.1f", peg.score) or "?", peg.date)
          or "none",
    naloxone = naloxone,
    benzo = benzo,
  }
end

-- "high: current MED 95.0 ≥ 90; …"
function M.risk_text(p)
  if not p.risk then return "" end
  if p.risk_reasons and #p.risk_reasons > 0 then
    return p.risk .. ": " .. table.concat(p.risk_reasons, "; ")
  end
  return p.risk
end

-- Patient labels: the id, with the name only where the site shows names (sixbb.report.names
-- returns nothing otherwise).
function M.labeler(ids)
  local names = sixbb.report.names(ids)
  return function(id)
    local name = names[id]
    return name and (id .. " " .. name) or id
  end
end

function M.sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- Scope in words for subtitles.
function M.scope(ctx)
  return ctx.clinician and ("clinician " .. ctx.clinician)
      or ctx.site and ("site " .. ctx.site) or "all sites"
end

return M
