-- The registry: the tracking lead's spreadsheet, one row per patient on long-term opioid therapy
-- with dose, risk, label, the last date of each monitoring item and the number of open gaps.
-- Its CSV is the main table; the text and HTML add counts by clinician.
local sixbb = require "sixbb"
local common = require "common"

local COLUMNS = {
  { key = "patient", title = "Patient" },
  { key = "site", title = "Site" },
  { key = "clinician", title = "Clinician" },
  { key = "med", title = "MED", format = "med" },
  { key = "med_max_90", title = "Highest MED 90 d", format = "med" },
  { key = "risk", title = "Risk" },
  { key = "labeled", title = "Labeled" },
  { key = "benzo_days", title = "Benzo overlap days 30", format = "integer" },
  { key = "pdmp", title = "Last PDMP", format = "date" },
  { key = "udt", title = "Last UDT", format = "date" },
  { key = "agreement", title = "Last agreement", format = "date" },
  { key = "peg", title = "Last PEG", format = "date" },
  { key = "peg_score", title = "PEG score", format = "number" },
  { key = "naloxone", title = "Last naloxone", format = "date" },
  { key = "last_visit", title = "Last visit", format = "date" },
  { key = "next_visit", title = "Next visit", format = "date" },
  { key = "gaps", title = "Open gaps", format = "integer" },
  { key = "gap_checks", title = "Gap checks" },
}

local function latest(a, b)
  if a and b then return a > b and a or b end
  return a or b
end

local function row(p, label)
  local peg = p.scores.peg
  local checks = {}
  for _, g in ipairs(p.gaps or {}) do checks[#checks + 1] = g.check end
  return {
    patient = label(p.id), site = p.site, clinician = p.clinician or "(none)",
    med = p.med, med_max_90 = p.med_max_90, risk = p.risk, labeled = p.labeled,
    benzo_days = p.benzo_overlap_days,
    pdmp = p.last.pdmp_check, udt = p.last.udt, agreement = p.last.agreement,
    peg = peg and peg.date, peg_score = peg and peg.score,
    naloxone = latest(p.last.naloxone, p.fills.naloxone),
    last_visit = p.last.visit, next_visit = p.next_visit,
    gaps = #checks, gap_checks = table.concat(checks, " "),
  }
end

local function by_clinician(rows, params)
  local t = {}
  for _, r in ipairs(rows) do
    local c = t[r.clinician] or { clinician = r.clinician, patients = 0, high = 0, at_high = 0, gaps = 0 }
    t[r.clinician] = c
    c.patients = c.patients + 1
    if r.risk == "high" then c.high = c.high + 1 end
    if r.med >= params.high_med then c.at_high = c.at_high + 1 end
    c.gaps = c.gaps + r.gaps
  end
  local out = {}
  for _, k in ipairs(common.sorted_keys(t)) do out[#out + 1] = t[k] end
  return out
end

local function run(ctx)
  local params = ctx.params
  local patients = sixbb.report.patients { as_of = ctx.as_of, site = ctx.site,
                                           clinician = ctx.clinician, gaps = true }
  local ids = {}
  for i, p in ipairs(patients) do ids[i] = p.id end
  local label = common.labeler(ids)
  local rows, high, unlabeled, with_gaps = {}, 0, 0, 0
  for i, p in ipairs(patients) do
    rows[i] = row(p, label)
    if p.med >= params.high_med then high = high + 1 end
    if not p.labeled then unlabeled = unlabeled + 1 end
    if rows[i].gaps > 0 then with_gaps = with_gaps + 1 end
  end
  return {
    title = "Registry of patients on long-term opioid therapy",
    subtitle = common.scope(ctx) .. " — as of " .. ctx.as_of,
    params = { { label = "As of", value = ctx.as_of }, { label = "Scope", value = common.scope(ctx) } },
    figures = {
      { label = "Patients on LtOT", value = #rows, href = "#registry" },
      { label = "At MED ≥ " .. params.high_med, value = high },
      { label = "Without a label diagnosis", value = unlabeled },
      { label = "With open gaps", value = with_gaps },
    },
    sections = {
      { id = "clinicians", title = "By clinician", blocks = {
        { type = "table", columns = {
            { key = "clinician", title = "Clinician" },
            { key = "patients", title = "Patients", format = "integer" },
            { key = "high", title = "High risk", format = "integer" },
            { key = "at_high", title = "MED ≥ " .. params.high_med, format = "integer" },
            { key = "gaps", title = "Open gaps", format = "integer" } },
          rows = by_clinician(rows, params) } } },
      { id = "patients", title = "Patients", page_break = true, blocks = {
        { type = "table", id = "registry", main = true, columns = COLUMNS, rows = rows } } },
    },
  }
end

return {
  id = "registry",
  title = "LtOT registry",
  description = "One row per patient on long-term opioid therapy: site, clinician, MED, risk, label, last monitoring dates and open gaps. Its CSV is the tracking spreadsheet.",
  params = {
    high_med = 90, -- the dose counted as high in the figures and the clinician table
  },
  run = run,
}
