-- The measures report: every measure for every month of the range (default: the 24 months to
-- the as-of date), for the organisation, each site and each clinician, with a run chart per
-- measure. Its main table is the flat list of numbers ({measure, period, site, clinician,
-- numerator, denominator, rate}) that JSON and CSV carry.
local common = require "common"

local COLUMNS = {
  { key = "measure", title = "Measure" }, { key = "period", title = "Period" },
  { key = "level", title = "Level" }, { key = "site", title = "Site" },
  { key = "clinician", title = "Clinician" },
  { key = "numerator", title = "Numerator", format = "integer" },
  { key = "denominator", title = "Denominator", format = "integer" },
  { key = "rate", title = "Rate", format = "percent" }, { key = "value", title = "Value", format = "number" },
}

local function measure_section(res, def, aims, ctx)
  local rows = {}
  for _, r in ipairs(res.rows) do
    if r.measure == def.id and r.level == "organisation" then rows[#rows + 1] = r end
  end
  local blocks = { { type = "table", columns = COLUMNS, rows = rows } }
  local chart = common.run_chart(res, def, aims, ctx.site, ctx.clinician)
  if chart then blocks[#blocks + 1] = chart end
  return { id = "measure-" .. def.id, title = def.title, text = def.description, blocks = blocks }
end

local function run(ctx)
  local unfiltered = not ctx.site and not ctx.clinician
  local res = common.compute(ctx, { site = ctx.site, clinician = ctx.clinician, store = unfiltered })
  local aims = common.aims(ctx, res)
  common.aim_status(aims, res)
  local sections = {}
  for _, def in ipairs(res.measures) do sections[#sections + 1] = measure_section(res, def, aims, ctx) end
  sections[#sections + 1] = { id = "all", title = "All numbers", page_break = true,
    blocks = { { type = "table", id = "numbers", main = true, columns = COLUMNS, rows = res.rows } } }
  local scope = ctx.clinician and ("clinician " .. ctx.clinician) or ctx.site and ("site " .. ctx.site) or "all sites"
  return {
    title = "Measures",
    subtitle = string.format("%s — %s to %s", scope, res.periods[1].label, res.last),
    params = { { label = "As of", value = res.as_of }, { label = "Scope", value = scope },
               { label = "Months", value = #res.periods } },
    sections = sections,
  }
end

return {
  id = "measures", title = "Measures by month",
  description = "Every measure for every month of the range, by organisation, site and clinician, with run charts.",
  run = run,
}
