-- The dashboard a facilitator hands to the clinic team: key figures, every measure by site and by
-- clinician against the peer median (the median across clinicians), run charts of 24 back-filled
-- months with aims as goal lines, and every number linked to the patients behind it.
local common = require "common"

local function figure(res, defs, id, label)
  local def = defs[id]
  local row = def and common.row(res, id, common.period_of(res, def), res.scope_site, nil)
  if not row then return nil end
  local v = common.number(def, row)
  return { label = label, value = def.kind == "count" and v or common.show(def, v),
           note = def.kind ~= "count" and string.format("%d of %d", row.numerator, row.denominator) or nil,
           href = "#list-" .. id }
end

local function summary_table(res, level, site)
  local columns = { { key = "measure", title = "Measure" } }
  local groups, seen = {}, {}
  for _, r in ipairs(res.rows) do
    local g = level == "site" and r.site or r.clinician
    if r.level == level and (not site or r.site == site) and not seen[g] then
      seen[g] = r.site
      groups[#groups + 1] = g
    end
  end
  table.sort(groups)
  local total = site and "Site" or "All"
  columns[#columns + 1] = { key = "total", title = total, format = "text" }
  for _, g in ipairs(groups) do columns[#columns + 1] = { key = "g_" .. g, title = g } end
  if level == "clinician" then columns[#columns + 1] = { key = "peer", title = "Peer median" } end
  local rows = {}
  for _, def in ipairs(res.measures) do
    local period = common.period_of(res, def)
    local row = { measure = def.title, _href = {} }
    row.total = common.show(def, common.number(def, common.row(res, def.id, period, site, nil)))
    row._href.total = "#list-" .. def.id
    for _, g in ipairs(groups) do
      local r = level == "site" and common.row(res, def.id, period, g, nil)
                or common.row(res, def.id, period, seen[g], g)
      row["g_" .. g] = r and common.show(def, common.number(def, r)) or ""
      if r then row._href["g_" .. g] = "#list-" .. def.id end
    end
    if level == "clinician" then row.peer = common.show(def, common.peer_median(res, def, site)) end
    rows[#rows + 1] = row
  end
  return { type = "table", id = "by-" .. level, title = "Measures by " .. level ..
           " (" .. res.last .. "; annual measures " .. res.year .. ")", columns = columns, rows = rows }
end

local function aims_block(aims, defs)
  local rows = {}
  for _, a in ipairs(aims) do
    local def = defs[a.measure]
    if def then
      rows[#rows + 1] = { id = a.id, measure = a.measure, site = a.site or "(all)",
                          target = common.show(def, a.target), by = a.by,
                          baseline = common.show(def, a.baseline), latest = common.show(def, a.latest),
                          status = a.status, note = a.note }
    end
  end
  return { type = "table", id = "aims", title = "Aims",
           columns = { { key = "id", title = "Aim" }, { key = "measure", title = "Measure" },
                       { key = "site", title = "Site" }, { key = "target", title = "Target" },
                       { key = "by", title = "By", format = "date" }, { key = "baseline", title = "Baseline" },
                       { key = "latest", title = "Latest" }, { key = "status", title = "Status" },
                       { key = "note", title = "Note" } },
           rows = rows }
end

local function run(ctx)
  local res = common.compute(ctx, { site = ctx.site, store = not ctx.site })
  res.scope_site = ctx.site
  local aims = common.aims(ctx, res)
  common.aim_status(aims, res)
  local defs = {}
  for _, d in ipairs(res.measures) do defs[d.id] = d end
  local figures = {}
  for _, f in ipairs({ { "ltot-patients", "Patients on LtOT" }, { "med-50", "At MED ≥ 50" },
                       { "med-90", "At MED ≥ 90" }, { "avg-med", "Mean MED" },
                       { "naloxone", "Naloxone coverage" }, { "benzo", "With benzodiazepine overlap" } }) do
    figures[#figures + 1] = figure(res, defs, f[1], f[2])
  end
  local sections = {
    { id = "summary", title = "Measures", text = "Each number links to its patient list. Rates are shares of patients on long-term opioid therapy (not excluded) at the period end unless the measure says otherwise.",
      blocks = { summary_table(res, "site", ctx.site), summary_table(res, "clinician", ctx.site), aims_block(aims, defs) } },
  }
  local charts = {}
  for _, def in ipairs(res.measures) do
    local chart = common.run_chart(res, def, aims, ctx.site, nil)
    if chart then charts[#charts + 1] = chart end
  end
  sections[#sections + 1] = { id = "charts", title = "Run charts", page_break = true,
    text = string.format("%d months to %s, back-filled from the records; the centre line is the median.", #res.periods, res.last),
    blocks = charts }
  for _, s in ipairs(common.list_sections(res, res.measures, "list-", ctx.site, nil, true)) do
    sections[#sections + 1] = s
  end
  local scope = ctx.site and ("site " .. ctx.site) or "all sites"
  return {
    title = "Dashboard", subtitle = scope .. " — as of " .. res.as_of,
    params = { { label = "As of", value = res.as_of }, { label = "Scope", value = scope },
               { label = "Months", value = #res.periods } },
    figures = figures, sections = sections,
  }
end

return {
  id = "dashboard", title = "Dashboard",
  description = "Key figures, measures by site and clinician with the peer median, run charts with aims, and the patient lists behind every number.",
  run = run,
}
