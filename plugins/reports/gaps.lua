-- The care-gaps report: every open gap as of a date, counted by clinician and check, then one
-- printed page per clinician with that clinician's patients and their gaps. Each count links to
-- the clinician's page, which is how a dashboard number leads to its patient list.
local sixbb = require "sixbb"

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- Groups patient-level gaps by clinician; gaps without a patient are program-level work.
local function group(gaps)
  local by_clinician, checks, program = {}, {}, {}
  for _, g in ipairs(gaps) do
    if g.patient then
      local who = g.clinician or "(none)"
      local list = by_clinician[who] or {}
      by_clinician[who] = list
      list[#list + 1] = g
      checks[g.check] = (checks[g.check] or 0) + 1
    else
      program[#program + 1] = g
    end
  end
  return by_clinician, checks, program
end

local GAP_COLUMNS = {
  { key = "patient", title = "Patient" },
  { key = "check", title = "Check" },
  { key = "severity", title = "Severity" },
  { key = "due", title = "Due", format = "date" },
  { key = "detail", title = "Detail" },
}

local function gap_row(g, with_clinician)
  local row = { patient = g.patient, check = g.check, severity = g.severity,
                due = g.due or "", detail = g.detail }
  if with_clinician then row.clinician = g.clinician or "(none)" end
  return row
end

-- The counts table: one row per clinician, one column per check, linked to the clinician's page.
local function counts_block(clinicians, anchors, by_clinician, check_ids)
  local columns = { { key = "clinician", title = "Clinician" } }
  for _, c in ipairs(check_ids) do
    columns[#columns + 1] = { key = c, title = c, format = "integer" }
  end
  columns[#columns + 1] = { key = "total", title = "Total", format = "integer" }
  local rows = {}
  for _, who in ipairs(clinicians) do
    local row = { clinician = who, total = #by_clinician[who], _href = { clinician = "#" .. anchors[who] } }
    for _, c in ipairs(check_ids) do row[c] = 0 end
    for _, g in ipairs(by_clinician[who]) do row[g.check] = row[g.check] + 1 end
    row._href.total = row._href.clinician
    rows[#rows + 1] = row
  end
  return { type = "table", id = "counts", title = "Gaps by clinician and check",
           columns = columns, rows = rows }
end

local function run(ctx)
  local gaps, summary = sixbb.report.gaps {
    as_of = ctx.as_of, site = ctx.site, clinician = ctx.clinician, patient = ctx.patient,
  }
  local by_clinician, checks, program = group(gaps)
  local clinicians, check_ids = sorted_keys(by_clinician), sorted_keys(checks)
  local anchors, patients = {}, {}
  for i, who in ipairs(clinicians) do anchors[who] = "clinician-" .. i end
  for _, g in ipairs(gaps) do if g.patient then patients[g.patient] = true end end

  local bars = {}
  for _, c in ipairs(check_ids) do bars[#bars + 1] = { label = c, value = checks[c] } end

  local sections = {
    { id = "summary", title = "Summary",
      text = "Open care gaps of patients on long-term opioid therapy, by responsible clinician.",
      blocks = {
        counts_block(clinicians, anchors, by_clinician, check_ids),
        { type = "chart", kind = "bar", title = "Gaps by check", unit = "count", points = bars },
      } },
  }
  for _, who in ipairs(clinicians) do
    local rows = {}
    for _, g in ipairs(by_clinician[who]) do rows[#rows + 1] = gap_row(g) end
    sections[#sections + 1] = {
      id = anchors[who], title = "Clinician " .. who, page_break = true,
      blocks = { { type = "table", columns = GAP_COLUMNS, rows = rows } },
    }
  end
  if #program > 0 then
    local items = {}
    for _, g in ipairs(program) do
      items[#items + 1] = string.format("%s (%s %s): %s", g.check, g.level,
                                        g.clinician or g.site or "", g.detail)
    end
    sections[#sections + 1] = { id = "program", title = "Clinician and site gaps",
                                blocks = { { type = "list", items = items } } }
  end
  local all = {}
  for _, g in ipairs(gaps) do if g.patient then all[#all + 1] = gap_row(g, true) end end
  local all_columns = { { key = "clinician", title = "Clinician" } }
  for _, c in ipairs(GAP_COLUMNS) do all_columns[#all_columns + 1] = c end
  sections[#sections + 1] = { id = "all-gaps", title = "All patient gaps", page_break = true,
    blocks = { { type = "table", id = "gaps", main = true, columns = all_columns, rows = all } } }

  local npatients = 0
  for _ in pairs(patients) do npatients = npatients + 1 end
  local scope = ctx.clinician and ("clinician " .. ctx.clinician)
             or ctx.site and ("site " .. ctx.site) or "all sites"
  return {
    title = "Care gaps",
    subtitle = scope .. " — as of " .. ctx.as_of,
    params = {
      { label = "As of", value = ctx.as_of },
      { label = "Scope", value = scope },
      { label = "Results", value = summary.source == "stored" and "stored evaluation" or "evaluated now" },
    },
    figures = {
      { label = "Patients on LtOT", value = summary.ltot, note = "in the evaluation" },
      { label = "Open gaps", value = #all, href = "#gaps" },
      { label = "Patients with gaps", value = npatients, href = "#gaps" },
      { label = "Clinicians with gaps", value = #clinicians, href = "#counts" },
    },
    sections = sections,
  }
end

return {
  id = "gaps",
  title = "Care gaps by clinician",
  description = "Open care gaps as of a date, counted by clinician and check, with each clinician's patients on a page of their own.",
  run = run,
}
