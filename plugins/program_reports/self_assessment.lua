-- The self-assessment summary: per clinic and occasion, each item's mean score with the lowest
-- and highest answer (a wide spread is worth a conversation), each block's mean (the mean of its
-- item means) and the change from the kickoff, the baseline. Same numbers as
-- `sixbb assess summary`.
local sixbb = require "sixbb"
local common = require "common"

local OCCASIONS = { "kickoff", "midpoint", "end" }

local function round(x) return x and math.floor(x * 100 + 0.5) / 100 end

local function item_info()
  local info = {}
  for _, a in ipairs(sixbb.registry("assessment")) do
    info[a.item] = { topic = a.topic, block = a.plugin }
  end
  return info
end

local function stats(site)
  local out = {}
  for _, r in ipairs(sixbb.data.assessment.scores(site)) do
    out[r.occasion] = out[r.occasion] or {}
    out[r.occasion][r.item] = r
  end
  return out
end

local function item_rows(st, occasion, info)
  local rows, base = {}, st.kickoff or {}
  local items = {}
  for item in pairs(st[occasion]) do items[#items + 1] = item end
  table.sort(items)
  for _, item in ipairs(items) do
    local r, b = st[occasion][item], base[item]
    rows[#rows + 1] = { item = item, topic = info[item] and info[item].topic or "",
                        block = info[item] and info[item].block or "", n = r.n,
                        mean = round(r.mean), spread = r.lo .. "–" .. r.hi,
                        change = b and round(r.mean - b.mean) or nil }
  end
  return rows
end

-- Block means per occasion (the mean of the block's item means), and the change from the
-- kickoff at the latest occasion, over the items scored at both (as `sixbb assess summary`).
local function block_rows(st, info)
  local rows = {}
  local latest = st["end"] and "end" or st.midpoint and "midpoint" or nil
  for _, block in ipairs(common.BLOCKS) do
    local row = { block = common.BLOCK_TITLES[block] }
    local any = false
    for _, oc in ipairs(OCCASIONS) do
      local sum, n = 0, 0
      for item, r in pairs(st[oc] or {}) do
        if info[item] and info[item].block == block then sum, n = sum + r.mean, n + 1 end
      end
      if n > 0 then row[oc], any = round(sum / n), true end
    end
    if latest and st.kickoff then
      local diff, n = 0, 0
      for item, r in pairs(st[latest]) do
        local b = st.kickoff[item]
        if b and info[item] and info[item].block == block then diff, n = diff + r.mean - b.mean, n + 1 end
      end
      if n > 0 then row.change = round(diff / n) end
    end
    if any then rows[#rows + 1] = row end
  end
  return rows
end

local ITEM_COLUMNS = {
  { key = "item", title = "Item", format = "integer" }, { key = "topic", title = "Topic" },
  { key = "block", title = "Block" }, { key = "n", title = "Respondents", format = "integer" },
  { key = "mean", title = "Mean", format = "number" }, { key = "spread", title = "Lowest–highest" },
  { key = "change", title = "Change from kickoff", format = "number" },
}

local function run(ctx)
  local info, sections = item_info(), {}
  for _, site in ipairs(common.sites(ctx.site)) do
    local st = stats(site.site_id)
    local blocks = { { type = "table", id = "blocks-" .. site.site_id, title = "Block means by occasion",
      columns = { { key = "block", title = "Block" },
                  { key = "kickoff", title = "Kickoff", format = "number" },
                  { key = "midpoint", title = "Midpoint", format = "number" },
                  { key = "end", title = "End", format = "number" },
                  { key = "change", title = "Change (latest − kickoff)", format = "number" } },
      rows = block_rows(st, info) } }
    for _, oc in ipairs(OCCASIONS) do
      if st[oc] then
        blocks[#blocks + 1] = { type = "table", id = "items-" .. site.site_id .. "-" .. oc,
                                title = "Items at the " .. oc, columns = ITEM_COLUMNS,
                                rows = item_rows(st, oc, info) }
      end
    end
    if #blocks == 1 then blocks = { { type = "text", text = "No self-assessment scores recorded." } } end
    sections[#sections + 1] = { id = "site-" .. site.site_id, title = site.site_id .. " — " .. site.name,
                                blocks = blocks }
  end
  return {
    title = "Self-assessment summary",
    subtitle = ctx.site and ("site " .. ctx.site) or "all sites",
    params = { { label = "Scores", value = "1 (least developed) to 12 (most developed)" } },
    sections = sections,
  }
end

return {
  id = "self-assessment",
  title = "Self-assessment summary",
  description = "Self-assessment scores per clinic: item means and spread, block means, change from the kickoff.",
  run = run,
}
