-- The milestones checklist: per site and building block, each Design & Implement milestone with
-- its recorded status, date and note, and the live evidence the data gives — the same list
-- `sixbb milestones` prints, on a page per site for the improvement team's meeting.
local sixbb = require "sixbb"

local ORDER = { "leadership", "policies", "tracking", "visits", "complex", "measuring" }

-- plugin id -> { block = the block's plugin id, title = the block's title }
local function blocks()
  local by_id, out = {}, {}
  for _, p in ipairs(sixbb.plugins()) do by_id[p.id] = p end
  for id, p in pairs(by_id) do
    local owner = p.extends and by_id[p.extends] or p
    out[id] = { block = owner.id, title = owner.block or owner.id }
  end
  return out
end

local function rank(block)
  for i, b in ipairs(ORDER) do if b == block then return i end end
  return #ORDER + 1
end

local function milestones(site, owners)
  local list = {}
  for _, m in ipairs(sixbb.registry("milestones")) do
    local b = owners[m.plugin] or { block = m.plugin, title = m.plugin }
    list[#list + 1] = { id = m.id, title = m.title, block = b.block, block_title = b.title,
                        evidence = m.evidence, plugin = m.plugin }
  end
  for _, m in ipairs(sixbb.data.milestones.added(site)) do
    local b = owners[m.block] or { block = m.block, title = m.block }
    list[#list + 1] = { id = m.milestone_id, title = m.title .. " (local)", block = b.block,
                        block_title = b.title }
  end
  for i, m in ipairs(list) do m.order = i end
  table.sort(list, function(a, b)
    if rank(a.block) ~= rank(b.block) then return rank(a.block) < rank(b.block) end
    return a.order < b.order
  end)
  return list
end

local function statuses(site)
  local out = {}
  for _, r in ipairs(sixbb.data.milestones.status(site)) do
    out[r.milestone_id] = r
  end
  return out
end

local function evidence_of(m, e)
  if not m.evidence then return "" end
  local ok, text = pcall(m.evidence, e)
  if not ok then return "(evidence unavailable: " .. tostring(text) .. ")" end
  return type(text) == "string" and text or ""
end

local COLUMNS = {
  { key = "status", title = "Status" }, { key = "title", title = "Milestone" },
  { key = "date", title = "Date", format = "date" }, { key = "note", title = "Note" },
  { key = "evidence", title = "Evidence" },
}

local function site_rows(site, as_of, owners)
  local e = sixbb.report.evidence { site = site ~= "" and site or nil, as_of = as_of }
  local st = statuses(site)
  local rows = {}
  for _, m in ipairs(milestones(site, owners)) do
    local s = st[m.id] or {}
    rows[#rows + 1] = { site = site, block = m.block_title, id = m.id, title = m.title,
                        status = s.status or "not set", date = s.date or "", note = s.note or "",
                        evidence = evidence_of(m, e) }
  end
  return rows
end

local function site_section(i, site, name, rows)
  local blocks, current, done, going = {}, nil, 0, 0
  for _, r in ipairs(rows) do
    if r.block ~= current then
      current = r.block
      blocks[#blocks + 1] = { type = "table", title = current, columns = COLUMNS, rows = {} }
    end
    local t = blocks[#blocks].rows
    t[#t + 1] = r
    if r.status == "complete" then done = done + 1 elseif r.status == "in_progress" then going = going + 1 end
  end
  return {
    id = "site-" .. i, page_break = i > 1,
    title = (site ~= "" and ("Site " .. site) or "Organisation") .. (name and name ~= "" and (": " .. name) or ""),
    text = string.format("%d of %d complete, %d in progress.", done, #rows, going),
    blocks = blocks,
  }, done
end

local function run(ctx)
  local sites = sixbb.data.sites.list(ctx.site)
  if ctx.site and #sites == 0 then error("no site '" .. ctx.site .. "' in this registry", 0) end
  if #sites == 0 then sites = { { site_id = "", name = "" } } end
  local owners = blocks()
  local sections, all, complete = {}, {}, 0
  for i, s in ipairs(sites) do
    local rows = site_rows(s.site_id, ctx.as_of, owners)
    local section, done = site_section(i, s.site_id, s.name, rows)
    sections[#sections + 1] = section
    complete = complete + done
    for _, r in ipairs(rows) do all[#all + 1] = r end
  end
  if ctx.format == "csv" or ctx.format == "json" then
    local columns = { { key = "site", title = "Site" }, { key = "block", title = "Block" },
                      { key = "id", title = "Id" } }
    for _, c in ipairs(COLUMNS) do columns[#columns + 1] = c end
    sections[#sections + 1] = { id = "all", title = "All milestones", blocks = {
      { type = "table", id = "milestones", main = true, columns = columns, rows = all } } }
  end
  return {
    title = "Milestones",
    subtitle = (ctx.site and ("site " .. ctx.site) or "all sites") .. " — evidence as of " .. ctx.as_of,
    params = { { label = "As of", value = ctx.as_of } },
    figures = {
      { label = "Sites", value = #sites },
      { label = "Milestones", value = #all },
      { label = "Complete", value = complete },
    },
    sections = sections,
  }
end

return {
  id = "milestones",
  title = "Milestones",
  description = "The Design & Implement checklist per site and building block: status, date, note and live evidence from the data.",
  run = run,
}
