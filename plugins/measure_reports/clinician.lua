-- One clinician's measures against their site and the peer median (the median across the
-- site's clinicians), with run charts of the clinician's months and their patient lists.
local common = require "common"

local function run(ctx)
  if not ctx.clinician then error("the clinician report needs --clinician C", 0) end
  local res = common.compute(ctx, { site = ctx.site, list_clinician = ctx.clinician })
  local site
  for _, r in ipairs(res.rows) do
    if r.clinician == ctx.clinician then site = r.site break end
  end
  if not site then error("no patients of clinician " .. ctx.clinician .. " in any measure", 0) end
  local aims = common.aims(ctx, res)
  common.aim_status(aims, res)
  local rows = {}
  for _, def in ipairs(res.measures) do
    local period = common.period_of(res, def)
    local mine = common.row(res, def.id, period, site, ctx.clinician)
    rows[#rows + 1] = {
      measure = def.title, period = period,
      clinician = common.show(def, common.number(def, mine)),
      counts = mine and (def.kind == "count" and tostring(mine.numerator)
                         or string.format("%d / %d", mine.numerator, mine.denominator)) or "",
      site = common.show(def, common.number(def, common.row(res, def.id, period, site, nil))),
      peer = common.show(def, common.peer_median(res, def, site)),
      better = def.better or "",
      _href = mine and { clinician = "#patients-" .. def.id, counts = "#patients-" .. def.id } or nil,
    }
  end
  local charts = {}
  for _, def in ipairs(res.measures) do
    local chart = common.run_chart(res, def, {}, site, ctx.clinician, def.title .. " — " .. ctx.clinician)
    if chart then charts[#charts + 1] = chart end
  end
  local sections = {
    { id = "measures", title = "Measures", blocks = { { type = "table", id = "clinician-measures", main = true,
      columns = { { key = "measure", title = "Measure" }, { key = "period", title = "Period" },
                  { key = "clinician", title = ctx.clinician }, { key = "counts", title = "Patients" },
                  { key = "site", title = "Site " .. site }, { key = "peer", title = "Peer median" },
                  { key = "better", title = "Better" } },
      rows = rows } } },
    { id = "charts", title = "Run charts", page_break = true, blocks = charts },
  }
  local with_list = {}
  for _, def in ipairs(res.measures) do with_list[#with_list + 1] = def end
  for _, s in ipairs(common.list_sections(res, with_list, "patients-", site, ctx.clinician)) do
    sections[#sections + 1] = s
  end
  return {
    title = "Clinician measures", subtitle = "clinician " .. ctx.clinician .. " (site " .. site .. ") — as of " .. res.as_of,
    params = { { label = "As of", value = res.as_of }, { label = "Clinician", value = ctx.clinician },
               { label = "Site", value = site } },
    sections = sections,
  }
end

return {
  id = "clinician", title = "Clinician measures",
  description = "One clinician's measures against the site and the peer median, with run charts and patient lists.",
  run = run,
}
