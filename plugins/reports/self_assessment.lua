-- The self-assessment: how the team rated each of the 22 items (1–12) on each occasion, the
-- spread between respondents, and the change from the first occasion (the baseline) to the
-- latest, by item and by building block. Ratings come from the self_assessments table.
local sixbb = require "sixbb"

-- item number -> { topic, block title, block id }, from the plugins' assessment entries.
local function items()
  local by_plugin, out = {}, {}
  for _, p in ipairs(sixbb.plugins()) do by_plugin[p.id] = p end
  for _, a in ipairs(sixbb.registry("assessment")) do
    local p = by_plugin[a.plugin] or {}
    local owner = p.extends and by_plugin[p.extends] or p
    out[a.item] = { topic = a.topic, block = owner.block or a.plugin, plugin = owner.id or a.plugin }
  end
  return out
end

local function occasions(site)
  return sixbb.query([[SELECT occasion, min(date) AS date, count(DISTINCT respondent_role || '/' || respondent) AS respondents
                         FROM self_assessments WHERE site_id = ?1 GROUP BY occasion ORDER BY date, occasion]], site)
end

-- scores[occasion][item] = { n, mean, min, max }
local function scores(site)
  local out = {}
  for _, r in ipairs(sixbb.query([[SELECT occasion, item, count(*) AS n, avg(score) AS mean,
                                           min(score) AS lo, max(score) AS hi
                                      FROM self_assessments WHERE site_id = ?1
                                     GROUP BY occasion, item]], site)) do
    out[r.occasion] = out[r.occasion] or {}
    out[r.occasion][r.item] = { n = r.n, mean = r.mean, lo = r.lo, hi = r.hi }
  end
  return out
end

local function occasion_key(i) return "occ" .. i end

local function columns(occ)
  local cols = { { key = "item", title = "Item", format = "integer" }, { key = "topic", title = "Topic" } }
  for i, o in ipairs(occ) do
    cols[#cols + 1] = { key = occasion_key(i), title = o.occasion .. " (" .. o.date .. ")", format = "number" }
  end
  cols[#cols + 1] = { key = "spread", title = "Spread, latest" }
  cols[#cols + 1] = { key = "change", title = "Change from baseline", format = "number" }
  return cols
end

local function item_row(n, info, occ, sc)
  local row = { item = n, topic = info and info.topic or "" }
  local first, last
  for i, o in ipairs(occ) do
    local s = sc[o.occasion] and sc[o.occasion][n]
    if s then
      row[occasion_key(i)] = s.mean
      first = first or s
      last = s
    end
  end
  if last then
    row.baseline, row.latest = first.mean, last.mean
    row.spread = string.format("%d–%d (%d rating%s)", last.lo, last.hi, last.n, last.n == 1 and "" or "s")
    if first ~= last then row.change = last.mean - first.mean end
  end
  return row
end

-- Block means per occasion, for the chart and the summary table.
local function block_rows(rows_by_block, order, occ)
  local out = {}
  for _, b in ipairs(order) do
    local row = { block = b }
    for i = 1, #occ do
      local sum, n = 0, 0
      for _, r in ipairs(rows_by_block[b]) do
        local v = r[occasion_key(i)]
        if v then sum, n = sum + v, n + 1 end
      end
      if n > 0 then row[occasion_key(i)] = sum / n end
    end
    local first, last
    for i = 1, #occ do
      local v = row[occasion_key(i)]
      if v then first = first or v; last = v end
    end
    if first and #occ > 1 then row.change = last - first end
    out[#out + 1] = row
  end
  return out
end

local function site_sections(site, name, info, params)
  local occ = occasions(site)
  local title = "Site " .. site .. (name and name ~= "" and (": " .. name) or "")
  if #occ == 0 then
    return { { id = "site-" .. site, title = title, text = "No self-assessment recorded yet." } }, {}
  end
  local sc = scores(site)
  local by_block, order, all = {}, {}, {}
  for n = 1, params.items do
    local i = info[n]
    local block = i and i.block or "Other items"
    if not by_block[block] then by_block[block] = {}; order[#order + 1] = block end
    local row = item_row(n, i, occ, sc)
    table.insert(by_block[block], row)
    local flat = { site = site, block = block }
    for k, v in pairs(row) do flat[k] = v end
    all[#all + 1] = flat
  end
  local cols = columns(occ)
  local bcols = { { key = "block", title = "Block" } }
  for i = 3, #cols do if cols[i].key ~= "spread" then bcols[#bcols + 1] = cols[i] end end
  local brows = block_rows(by_block, order, occ)
  local points = {}
  for _, r in ipairs(brows) do
    local v = r[occasion_key(#occ)]
    if v then points[#points + 1] = { label = r.block, value = v } end
  end
  local sections = { {
    id = "site-" .. site, title = title, page_break = true,
    text = string.format("%d occasion%s; latest %s (%s) with %d respondent%s. Scores run from 1 to 12.",
                         #occ, #occ == 1 and "" or "s", occ[#occ].occasion, occ[#occ].date,
                         occ[#occ].respondents, occ[#occ].respondents == 1 and "" or "s"),
    blocks = {
      { type = "table", title = "By building block (mean of the item means)", columns = bcols, rows = brows },
    } } }
  if #points > 0 then
    table.insert(sections[1].blocks, { type = "chart", kind = "bar", title = "Latest occasion by block",
                                       unit = "number", points = points })
  end
  for k, b in ipairs(order) do
    sections[#sections + 1] = { id = "site-" .. site .. "-block-" .. k, title = b, blocks = {
      { type = "table", columns = cols, rows = by_block[b] } } }
  end
  return sections, all
end

local function run(ctx)
  local sites = sixbb.query("SELECT site_id, name FROM sites WHERE ?1 IS NULL OR site_id = ?1 ORDER BY site_id", ctx.site)
  local info = items()
  local sections, all = {}, {}
  for _, s in ipairs(sites) do
    local secs, rows = site_sections(s.site_id, s.name, info, ctx.params)
    for _, x in ipairs(secs) do sections[#sections + 1] = x end
    for _, r in ipairs(rows) do all[#all + 1] = r end
  end
  if #sections == 0 then
    sections[1] = { id = "none", title = "No sites", text = "The registry holds no site yet." }
  end
  if ctx.format == "csv" or ctx.format == "json" then
    sections[#sections + 1] = { id = "all", title = "All items", blocks = {
      { type = "table", id = "items", main = true, columns = {
          { key = "site", title = "Site" }, { key = "block", title = "Block" },
          { key = "item", title = "Item", format = "integer" }, { key = "topic", title = "Topic" },
          { key = "baseline", title = "Baseline mean", format = "number" },
          { key = "latest", title = "Latest mean", format = "number" },
          { key = "spread", title = "Spread, latest" },
          { key = "change", title = "Change from baseline", format = "number" } },
        rows = all } } }
  end
  return {
    title = "Self-assessment",
    subtitle = ctx.site and ("site " .. ctx.site) or "all sites",
    params = { { label = "Scale", value = "1 (not in place) to 12 (fully in place)" } },
    figures = { { label = "Sites", value = #sites } },
    sections = sections,
  }
end

return {
  id = "self-assessment",
  title = "Self-assessment",
  description = "The team's self-assessment ratings per item and building block across respondents and occasions: mean, spread and change from the baseline occasion.",
  params = {
    items = 22, -- the number of items in the self-assessment
  },
  run = run,
}
