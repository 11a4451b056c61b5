-- The log across every clinic a facilitator follows: stage, milestones, last and next meetings
-- by the program's cadence, open and overdue action-plan steps, and the latest evaluation's
-- figures, with a list of what needs attention before the next meeting.
local sixbb = require "sixbb"
local common = require "common"

local data = sixbb.data

local function last_meeting(site, kind, as_of)
  return data.meetings.last(site, kind, as_of).date
end

-- The next meeting by cadence: `days` after the last, or now when none is on record.
local function next_meeting(last, days, as_of)
  if not last then return as_of, true end
  local due = sixbb.date.add(last, days)
  return due, due <= as_of
end

local function row_for(site, ctx, attention)
  local id, p = site.site_id, ctx.params
  local stage = common.stage(id, ctx.as_of)
  local ms = data.milestones.counts(id)
  -- Open steps of the clinic's current plan only.
  local steps = data.plans.open_step_counts(id, ctx.as_of)
  -- Gaps of the latest evaluation on or before the date: a clinic with none then has none,
  -- whatever older evaluations found.
  local gaps = data.results.open_gaps(id, ctx.as_of)
  local it_last = last_meeting(id, "improvement_team", ctx.as_of)
  local ap_last = last_meeting(id, "action_plan", ctx.as_of)
  local it_next, it_late = next_meeting(it_last, p.team_days, ctx.as_of)
  local ap_next, ap_late = next_meeting(ap_last, p.action_plan_days, ctx.as_of)
  local active = stage.stage == "design_implement"
  if not active then ap_next, ap_late, it_next, it_late = "", false, "", false end
  local missing = {}
  for _, role in ipairs({ "qi_lead", "clinical_champion" }) do
    if not data.team.has_role(id, role) then
      missing[#missing + 1] = common.words(role)
    end
  end
  if it_late then attention[#attention + 1] = id .. ": improvement-team meeting due (" .. it_next .. ")" end
  if ap_late then attention[#attention + 1] = id .. ": action-plan meeting due (" .. ap_next .. ")" end
  if steps.overdue > 0 then
    attention[#attention + 1] = id .. ": " .. steps.overdue .. " overdue action-plan step(s)"
  end
  if #missing > 0 then attention[#attention + 1] = id .. ": no " .. table.concat(missing, " or ") end
  if not stage.stage then attention[#attention + 1] = id .. ": no program stage recorded" end
  return {
    site = id, name = site.name, stage = common.words(stage.stage or "not set"),
    track = common.words(stage.track or ""), since = stage.start_date or "",
    ms_done = ms.complete, ms_going = ms.in_progress,
    team_last = it_last or "", team_next = it_next, plan_last = ap_last or "", plan_next = ap_next,
    open_steps = steps.open, overdue_steps = steps.overdue, open_gaps = gaps.n,
  }
end

local function run(ctx)
  local rows, attention = {}, {}
  for _, site in ipairs(common.sites(ctx.site)) do
    rows[#rows + 1] = row_for(site, ctx, attention)
  end
  local ev = data.evaluations.latest(ctx.as_of) or {}
  local figures = { { label = "Clinics", value = #rows } }
  if ev.as_of then
    figures[#figures + 1] = { label = "Patients on LtOT", value = ev.ltot, note = "evaluation of " .. ev.as_of }
  end
  figures[#figures + 1] = { label = "Needs attention", value = #attention, href = "#attention" }
  return {
    title = "Multi-site log",
    subtitle = "as of " .. ctx.as_of,
    params = { { label = "As of", value = ctx.as_of },
               { label = "Cadence", value = "improvement team every " .. ctx.params.team_days
                 .. " days; action plan every " .. ctx.params.action_plan_days .. " days" } },
    figures = figures,
    sections = {
      { id = "log", title = "Clinics", blocks = { { type = "table", id = "clinics", main = true,
        columns = {
          { key = "site", title = "Site" }, { key = "stage", title = "Stage" },
          { key = "track", title = "Track" }, { key = "since", title = "Since", format = "date" },
          { key = "ms_done", title = "Milestones complete", format = "integer" },
          { key = "ms_going", title = "In progress", format = "integer" },
          { key = "team_last", title = "Last team mtg", format = "date" },
          { key = "team_next", title = "Next team mtg", format = "date" },
          { key = "plan_last", title = "Last plan mtg", format = "date" },
          { key = "plan_next", title = "Next plan mtg", format = "date" },
          { key = "open_steps", title = "Open steps", format = "integer" },
          { key = "overdue_steps", title = "Overdue", format = "integer" },
          { key = "open_gaps", title = "Open gaps", format = "integer" },
        }, rows = rows } } },
      { id = "attention", title = "Needs attention", blocks = { #attention > 0
        and { type = "list", items = attention } or { type = "text", text = "Nothing overdue." } } },
    },
  }
end

return {
  id = "multi-site",
  title = "Multi-site log",
  description = "Every clinic on one page: stage, milestones, last and next meetings, open and overdue plan steps, open gaps.",
  params = { team_days = 31, action_plan_days = 92 },
  run = run,
}
