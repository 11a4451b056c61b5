-- Event tallies (hand counts for small tests of change) as run charts, one per clinic and
-- measure, with the run-chart signals in words under each chart.
local sixbb = require "sixbb"
local common = require "common"

local function run(ctx)
  local measure = ctx.params.measure ~= "" and ctx.params.measure or nil
  local sections, total = {}, 0
  for _, site in ipairs(common.sites(ctx.site)) do
    local series, names = {}, {}
    for _, r in ipairs(sixbb.data.tallies.series(site.site_id, measure, ctx.from,
                                                 ctx.to or ctx.as_of)) do
      if not series[r.measure] then
        series[r.measure] = {}
        names[#names + 1] = r.measure
      end
      table.insert(series[r.measure], { label = r.date, value = r.count })
      total = total + 1
    end
    local blocks = {}
    for _, m in ipairs(names) do
      local pts = series[m]
      blocks[#blocks + 1] = { type = "chart", kind = "run", title = m, unit = "count", points = pts }
      local rc = sixbb.report.runchart { points = pts }
      local said = {}
      for _, sg in ipairs(rc.signals) do said[#said + 1] = sg.text end
      blocks[#blocks + 1] = { type = "text", text = string.format("%s: %d counts, median %s. %s", m,
        #pts, tostring(rc.phases[1] and rc.phases[1].median or "-"),
        #said > 0 and ("Signals: " .. table.concat(said, "; ") .. ".") or "No run-chart signal.") }
    end
    if #blocks > 0 then
      sections[#sections + 1] = { id = "site-" .. site.site_id, title = site.site_id .. " — " .. site.name,
                                  blocks = blocks }
    end
  end
  if #sections == 0 then
    sections[1] = { title = "No tallies", blocks = { { type = "text",
      text = "No tallies recorded" .. (measure and (" for " .. measure) or "") .. "." } } }
  end
  return {
    title = "Event tallies" .. (measure and (": " .. measure) or ""),
    subtitle = ctx.site and ("site " .. ctx.site) or "all sites",
    params = { { label = "Measure", value = measure or "all" }, { label = "Up to", value = ctx.to or ctx.as_of } },
    figures = { { label = "Counts recorded", value = total } },
    sections = sections,
  }
end

return {
  id = "tally",
  title = "Event tallies as run charts",
  description = "Hand counts recorded with 'sixbb tally add', one run chart per clinic and measure.",
  params = { measure = "" },
  run = run,
}
