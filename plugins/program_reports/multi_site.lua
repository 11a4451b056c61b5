-- The log across every clinic a facilitator follows: stage, milestones, last and next meetings
-- by the program's cadence, open and overdue action-plan steps, and the latest evaluation's
-- figures, with a list of what needs attention before the next meeting.
local sixbb = require "sixbb"
local common = require "common"

local function one(sql, ...)
  return sixbb.query(sql, ...)[1] or {}
end

local function last_meeting(site, kind, as_of)
  return one("SELECT max(date) AS d FROM meetings WHERE site_id = ?1 AND type = ?2 AND date <= ?3",
             site, kind, as_of).d
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
  local ms = one("SELECT count(CASE WHEN status = 'complete' THEN 1 END) AS done, "
                 .. "count(CASE WHEN status = 'in_progress' THEN 1 END) AS going "
                 .. "FROM milestone_status WHERE site_id = ?1", id)
  local steps = one("SELECT count(*) AS open, count(CASE WHEN s.due < ?2 THEN 1 END) AS late "
                    .. "FROM plan_steps s JOIN plan_activities a ON a.id = s.activity_id "
                    .. "WHERE s.done IS NULL AND a.plan_id = (SELECT max(plan_id) FROM action_plans "
                    .. "WHERE site_id = ?1)", id, ctx.as_of)
  -- Gaps of the latest evaluation on or before the date: a clinic with none then has none,
  -- whatever older evaluations found.
  local gaps = one("SELECT count(*) AS n FROM check_results WHERE site_id = ?1 AND as_of = "
                   .. "(SELECT max(as_of) FROM evaluations WHERE as_of <= ?2)", id, ctx.as_of)
  local it_last = last_meeting(id, "improvement_team", ctx.as_of)
  local ap_last = last_meeting(id, "action_plan", ctx.as_of)
  local it_next, it_late = next_meeting(it_last, p.team_days, ctx.as_of)
  local ap_next, ap_late = next_meeting(ap_last, p.action_plan_days, ctx.as_of)
  local active = stage.stage == "design_implement"
  if not active then ap_next, ap_late, it_next, it_late = "", false, "", false end
  local missing = {}
  for _, role in ipairs({ "qi_lead", "clinical_champion" }) do
    if not one("SELECT 1 AS y FROM team_members WHERE site_id = ?1 AND role = ?2", id, role).y then
      missing[#missing + 1] = common.words(role)
    end
  end
  if it_late then attention[#attention + 1] = id .. ": improvement-team meeting due (" .. it_next .. ")" end
  if ap_late then attention[#attention + 1] = id .. ": action-plan meeting due (" .. ap_next .. ")" end
  if (steps.late or 0) > 0 then
    attention[#attention + 1] = id .. ": " .. steps.late .. " overdue action-plan step(s)"
  end
  if #missing > 0 then attention[#attention + 1] = id .. ": no " .. table.concat(missing, " or ") end
  if not stage.stage then attention[#attention + 1] = id .. ": no program stage recorded" end
  return {
    site = id, name = site.name, stage = common.words(stage.stage or "not set"),
    track = common.words(stage.track or ""), since = stage.start_date or "",
    ms_done = ms.done or 0, ms_going = ms.going or 0,
    team_last = it_last or "", team_next = it_next, plan_last = ap_last or "", plan_next = ap_next,
    open_steps = steps.open or 0, overdue_steps = steps.late or 0, open_gaps = gaps.n or 0,
  }
end

local function run(ctx)
  local rows, attention = {}, {}
  for _, site in ipairs(common.sites(ctx.site)) do
    rows[#rows + 1] = row_for(site, ctx, attention)
  end
  local ev = one("SELECT as_of, ltot FROM evaluations WHERE as_of <= ?1 ORDER BY as_of DESC LIMIT 1",
                 ctx.as_of)
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
