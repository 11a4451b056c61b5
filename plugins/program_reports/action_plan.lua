-- The action plan of one clinic laid out as the program's template: the goal, an overview of
-- every activity, one section per building block with its activities and steps, the future
-- activities, and the clinic's milestone tracking table. Open steps past their date are marked.
local sixbb = require "sixbb"
local common = require "common"

local function plan_of(site, id)
  if id and id > 0 then
    return sixbb.data.plans.get(id, site)
  end
  return sixbb.data.plans.current(site)
end

local function steps_of(activity, as_of)
  local steps = sixbb.data.plans.steps(activity)
  for _, s in ipairs(steps) do
    s.overdue = s.done == nil and s.due ~= nil and s.due < as_of
    s.status = s.done and "done" or s.overdue and "OVERDUE" or "open"
  end
  return steps
end

-- An activity's status from its steps: complete, overdue, in progress or not started.
local function status(steps)
  local open, done, late = 0, 0, 0
  for _, s in ipairs(steps) do
    if s.done then done = done + 1 else open = open + 1 end
    if s.overdue then late = late + 1 end
  end
  if #steps > 0 and open == 0 then return "complete", open, late end
  if late > 0 then return "overdue", open, late end
  if done > 0 then return "in progress", open, late end
  return "not started", open, late
end

local STEP_COLUMNS = {
  { key = "id", title = "Step", format = "integer" },
  { key = "what", title = "What" },
  { key = "who", title = "Who" },
  { key = "due", title = "When", format = "date" },
  { key = "done", title = "Done", format = "date" },
  { key = "status", title = "Status" },
}

local function block_section(block, acts)
  local blocks = {}
  for _, a in ipairs(acts) do
    local facts = { "Manager: " .. (a.manager or "not named"),
                    "Completion date: " .. (a.due or "not set"),
                    "Resources: " .. (a.resources or "none listed") }
    if a.carried_from then facts[#facts + 1] = "Carried forward from the previous plan" end
    blocks[#blocks + 1] = { type = "text", text = "Activity " .. a.id .. ": " .. a.title }
    blocks[#blocks + 1] = { type = "list", items = facts }
    blocks[#blocks + 1] = { type = "table", id = "steps-" .. a.id, title = "Steps",
                            columns = STEP_COLUMNS, rows = a.steps }
  end
  return { id = "block-" .. block, title = common.BLOCK_TITLES[block] or block, blocks = blocks }
end

-- Milestone rows for the clinic: the registered ones, then the local ones, with their status.
local function milestone_rows(site)
  local status = {}
  for _, r in ipairs(sixbb.data.milestones.status(site)) do
    status[r.milestone_id] = r
  end
  local list = {}
  for _, m in ipairs(sixbb.registry("milestones")) do
    list[#list + 1] = { id = m.id, title = m.title, block = m.plugin, n = #list }
  end
  for _, m in ipairs(sixbb.data.milestones.added(site)) do
    list[#list + 1] = { id = m.milestone_id, title = m.title .. " (local)", block = m.block, n = #list }
  end
  table.sort(list, function(a, b)
    local ra, rb = common.block_rank(a.block), common.block_rank(b.block)
    if ra ~= rb then return ra < rb end
    return a.n < b.n -- table.sort is not stable; keep the registered order within a block
  end)
  local rows, complete = {}, 0
  for _, m in ipairs(list) do
    local s = status[m.id] or {}
    if s.status == "complete" then complete = complete + 1 end
    rows[#rows + 1] = { block = m.block, milestone = m.title, status = common.words(s.status or "not set"),
                        date = s.date or "", notes = s.note or "" }
  end
  return rows, complete
end

local function run(ctx)
  local site = common.one_site(ctx)
  local plan = plan_of(site.site_id, ctx.params.plan)
  if not plan then
    error("site " .. site.site_id .. " has no action plan yet; start one with 'sixbb plan new'", 0)
  end
  local acts = sixbb.data.plans.activities(plan.plan_id)
  local overview, future, by_block = {}, {}, {}
  local open_total, late_total, done_total = 0, 0, 0
  for _, a in ipairs(acts) do
    a.steps = steps_of(a.id, ctx.as_of)
    local st, open, late = status(a.steps)
    open_total, late_total = open_total + open, late_total + late
    done_total = done_total + #a.steps - open
    if a.future == 1 then
      future[#future + 1] = string.format("%s (%s)%s", a.title, a.block,
                                          a.manager and (" — " .. a.manager) or "")
    else
      by_block[a.block] = by_block[a.block] or {}
      table.insert(by_block[a.block], a)
      overview[#overview + 1] = { activity = a.title, block = a.block, lead = a.manager or "",
                                  due = a.due or "", status = st,
                                  _href = { activity = "#steps-" .. a.id } }
    end
  end
  table.sort(overview, function(x, y) return common.block_rank(x.block) < common.block_rank(y.block) end)
  local sections = {
    { id = "overview", title = "Overview", text = "Goal: " .. plan.goal, blocks = {
      { type = "table", id = "activities", main = true, columns = {
        { key = "activity", title = "Activity" }, { key = "block", title = "Block" },
        { key = "lead", title = "Lead" }, { key = "due", title = "Due", format = "date" },
        { key = "status", title = "Status" } }, rows = overview } } },
  }
  for _, b in ipairs(common.BLOCKS) do
    if by_block[b] then sections[#sections + 1] = block_section(b, by_block[b]) end
  end
  sections[#sections + 1] = { id = "future", title = "Future activities",
    blocks = { #future > 0 and { type = "list", items = future }
               or { type = "text", text = "No future activities listed." } } }
  local ms, complete = milestone_rows(site.site_id)
  sections[#sections + 1] = { id = "milestones", title = "Milestone tracking", page_break = true,
    blocks = { { type = "table", id = "milestone-table", columns = {
      { key = "block", title = "Block" }, { key = "milestone", title = "Milestone" },
      { key = "status", title = "Status" }, { key = "date", title = "Date", format = "date" },
      { key = "notes", title = "Notes" } }, rows = ms } } }
  return {
    title = "Action plan — " .. site.name,
    subtitle = "Plan " .. plan.plan_id .. ", " .. plan.created .. " to " .. plan.through,
    params = {
      { label = "Site", value = site.site_id },
      { label = "Period", value = plan.created .. " to " .. plan.through },
      { label = "Goal", value = plan.goal },
      { label = "As of", value = ctx.as_of },
    },
    figures = {
      { label = "Activities", value = #overview, href = "#activities" },
      { label = "Open steps", value = open_total },
      { label = "Overdue steps", value = late_total },
      { label = "Steps done", value = done_total },
      { label = "Milestones complete", value = complete, note = "of " .. #ms, href = "#milestone-table" },
    },
    sections = sections,
  }
end

return {
  id = "action-plan",
  title = "Action plan",
  description = "A clinic's action plan as the program's template lays it out: overview, activities and steps per block, future activities, milestone tracking.",
  params = { plan = 0 },
  run = run,
}
