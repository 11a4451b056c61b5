-- Program coordination: the reminders that keep the Six Building Blocks work going between
-- meetings. Every job here can be rescheduled, switched off or given other params in the site
-- config under `jobs` (see docs/scheduling.md). Recipients come from delivery.recipients.
-- Messages name sites, clinicians and plans by id and give counts; never patient names.
local sixbb = require "sixbb"

-- Sends to a configured recipient role, or logs why nothing was sent.
local function send_to(ctx, role, subject, lines)
  local to = ctx.recipients[role]
  if type(to) ~= "string" or to == "" then
    sixbb.log.warn(ctx.job .. ": no address in delivery.recipients." .. role .. "; nothing sent")
    return false
  end
  ctx.send { to = to, subject = subject, body = table.concat(lines, "\n") .. "\n" }
  return true
end

local data = sixbb.data

local function site_ids()
  local ids = {}
  for _, r in ipairs(data.sites.list()) do
    ids[#ids + 1] = r.site_id
  end
  return ids
end

-- Only each site's current plan (its latest) is the one being worked: a new plan carries the
-- unfinished steps forward and leaves the earlier plan as it was, so counting every plan would
-- count a carried step twice and keep reminding of it after it was done in the new plan. The
-- sixbb.data.plans reads count the current plans only.
local function open_step_count(site)
  return data.plans.open_step_counts(site).open
end

-- Open steps of every site's current action plan, oldest due date first (steps without a date
-- last).
local function open_steps(through)
  return data.plans.open_steps(through)
end

local function step_line(s)
  return string.format("- [%s, plan %d, %s] %s%s%s", s.site_id, s.plan_id, s.block, s.what,
    s.who and (" (" .. s.who .. ")") or "", s.due and (", due " .. s.due) or "")
end

-- One line per registered measure with its latest stored organisation-wide value.
local function snapshot_lines()
  local lines = {}
  for _, m in ipairs(sixbb.registry("measures")) do
    local r = data.measures.latest_snapshot(m.id)
    if r then
      lines[#lines + 1] = string.format("- %s (%s): %s%s", m.title, r.period,
        r.value and string.format("%.3g", r.value) or "no value",
        r.denominator and string.format(" (%g of %g)", r.numerator, r.denominator) or "")
    else
      lines[#lines + 1] = string.format("- %s: no snapshot stored yet", m.title)
    end
  end
  return lines
end

local function team_meeting(ctx)
  local sites = site_ids()
  local lines = {
    "The improvement team meets at least once a month. Time to set this month's meeting.",
    "",
    string.format("Sites: %d (%s)", #sites, #sites > 0 and table.concat(sites, ", ") or "none yet"),
    string.format("Open action-plan steps: %d", open_step_count(nil)),
    string.format("Milestones in progress: %d", data.milestones.counts(nil).in_progress),
    "",
    "Suggested agenda: progress on the action plan, data review, barriers, next steps.",
  }
  local measures = snapshot_lines()
  if #measures > 0 then
    lines[#lines + 1] = ""
    lines[#lines + 1] = "The success measures as last recorded (sixbb report dashboard has the run charts):"
    for _, l in ipairs(measures) do
      lines[#lines + 1] = l
    end
  end
  send_to(ctx, "team", "Monthly improvement team meeting (" .. ctx.as_of .. ")", lines)
end

local function action_plan_meeting(ctx)
  local steps = open_steps(nil)
  local lines = {
    "Action plans are reviewed and renewed about every three months. Time to hold the",
    "action plan meeting: review what was done, carry forward unfinished steps, plan the",
    "next period.",
    "",
    string.format("Open steps: %d", #steps),
  }
  local limit = ctx.params.max_listed or 50
  for i, s in ipairs(steps) do
    if i > limit then
      lines[#lines + 1] = string.format("... and %d more", #steps - limit)
      break
    end
    lines[#lines + 1] = step_line(s)
  end
  send_to(ctx, "team", "Quarterly action plan meeting (" .. ctx.as_of .. ")", lines)
end

local function steps_due(ctx)
  local through = sixbb.date.add(ctx.as_of, ctx.params.days_ahead or 7)
  local steps = open_steps(through)
  if #steps == 0 then
    return -- nothing coming due: no message
  end
  local lines = { string.format("Action-plan steps open and due by %s: %d", through, #steps), "" }
  for _, s in ipairs(steps) do
    lines[#lines + 1] = step_line(s)
  end
  send_to(ctx, "team", string.format("%d action-plan step(s) due by %s", #steps, through), lines)
end

local function policy_review(ctx)
  local lines = {
    "Once a year, revisit the opioid prescribing policy, the patient agreement and the",
    "workflows that support them: align them with current guidelines and state rules, and",
    "plan training on anything that changes.",
  }
  send_to(ctx, "team", "Annual review: policy, patient agreement and workflows", lines)
end

local function learning_call(ctx)
  local lines = {
    "Monthly shared learning call across the sites you follow. Status by site:",
    "",
  }
  for _, id in ipairs(site_ids()) do
    local ms = data.milestones.counts(id)
    lines[#lines + 1] = string.format("- %s: %d milestone(s) complete, %d in progress, %d open "
      .. "action-plan step(s)", id, ms.complete, ms.in_progress, open_step_count(id))
  end
  if #lines == 2 then
    lines[#lines + 1] = "(no sites recorded yet)"
  end
  send_to(ctx, "facilitator", "Shared learning call (" .. ctx.as_of .. ")", lines)
end

local function care_gap_digest(ctx)
  local latest = data.results.latest_as_of().as_of
  local addresses = ctx.recipients.clinicians or {}
  local any = false
  for clinician, to in pairs(addresses) do
    any = true
    local lines
    if not latest then
      lines = { "There are no stored evaluation results yet, so there is no care-gap digest.",
        "Run an evaluation to store results; the next digest will use them." }
    else
      local rows = data.results.by_check(latest, clinician)
      lines = { string.format("Care gaps for clinician %s in the evaluation as of %s:", clinician,
        latest), "" }
      for _, r in ipairs(rows) do
        lines[#lines + 1] = string.format("- %s (%s): %d patient(s)", r.check_id, r.severity, r.n)
      end
      if #rows == 0 then
        lines[#lines + 1] = "No open care gaps."
      end
    end
    ctx.send { to = to, subject = "Weekly care-gap digest for clinician " .. clinician,
      body = table.concat(lines, "\n") .. "\n" }
  end
  if not any then
    sixbb.log.warn(ctx.job .. ": no addresses in delivery.recipients.clinicians; nothing sent")
  end
end

-- Takes the month's snapshot of every measure (stored in measure_snapshots, so history is kept
-- even if the data are later corrected) and sends the values to the team.
local function measure_snapshot(ctx)
  if #sixbb.registry("measures") == 0 then
    sixbb.log.info(ctx.job .. ": no measures are registered; nothing recorded")
    return
  end
  sixbb.measures.compute { as_of = ctx.as_of, from = ctx.as_of, to = ctx.as_of, store = true }
  local lines = { "The success measures as of " .. ctx.as_of .. " (stored as this month's snapshot):", "" }
  for _, l in ipairs(snapshot_lines()) do
    lines[#lines + 1] = l
  end
  send_to(ctx, "team", "Monthly measure snapshot (" .. ctx.as_of .. ")", lines)
end

local jobs = {
  { id = "team-meeting", title = "Monthly improvement team meeting reminder",
    schedule = "0 8 1 * *", run = team_meeting },
  { id = "action-plan-meeting", title = "Quarterly action plan meeting reminder",
    schedule = "0 8 1 1,4,7,10 *", run = action_plan_meeting, params = { max_listed = 50 } },
  { id = "plan-steps-due", title = "Action-plan steps coming due",
    schedule = "0 7 * * 1", run = steps_due, params = { days_ahead = 7 } },
  { id = "policy-review", title = "Annual policy and patient-agreement review",
    schedule = "0 9 15 1 *", run = policy_review },
  { id = "learning-call", title = "Monthly shared learning call reminder",
    schedule = "0 9 1 * *", run = learning_call },
  { id = "care-gap-digest", title = "Weekly care-gap digest per clinician",
    schedule = "0 7 * * 1", run = care_gap_digest },
  { id = "measure-snapshot", title = "Monthly measure snapshot",
    schedule = "0 6 2 * *", run = measure_snapshot },
}

-- The next clinic day after a date: weekends are skipped.
local function next_clinic_day(d)
  local day = sixbb.date.add(d, 1)
  while sixbb.date.weekday(day) == 0 or sixbb.date.weekday(day) == 6 do
    day = sixbb.date.add(day, 1)
  end
  return day
end

-- Each morning, every clinician with appointments on the next clinic day gets their huddle list
-- (the `huddle` report, one printable HTML file) attached to a message. The report is produced
-- for every such clinician, so it is in out/reports/ even where no address is configured.
local function huddle_lists(ctx)
  if not sixbb.report.exists(ctx.params.report) then
    sixbb.log.warn(ctx.job .. ": no report '" .. ctx.params.report .. "' is registered; nothing produced")
    return
  end
  local day = next_clinic_day(ctx.as_of)
  local addresses = ctx.recipients.clinicians or {}
  local rows = data.appointments.by_clinician(day)
  for _, r in ipairs(rows) do
    local path = sixbb.report.run(ctx.params.report, { as_of = day, clinician = r.clinician_id })
    local to = addresses[r.clinician_id]
    if type(to) == "string" and to ~= "" then
      ctx.send { to = to, subject = "Huddle list for " .. day .. " (clinician " .. r.clinician_id .. ")",
        body = r.n .. " scheduled visit(s) on " .. day .. ". The list is attached.\n",
        attachments = { path },
        -- One list per clinician per clinic day, however often the job runs.
        key = ctx.job .. "|" .. day .. "|" .. r.clinician_id }
    else
      sixbb.log.warn(ctx.job .. ": no address for clinician " .. r.clinician_id .. "; list kept in " .. path)
    end
  end
  sixbb.log.info(ctx.job .. ": " .. #rows .. " huddle list(s) for " .. day)
end

jobs[#jobs + 1] = { id = "huddle-list", title = "Daily pre-visit huddle list per clinician",
  schedule = "30 7 * * 1-5", params = { report = "huddle" }, run = huddle_lists }

return sixbb.plugin {
  id = "program",
  block = "Program coordination",
  description = "Reminders for meetings, action plans, reviews and digests between meetings.",
  jobs = jobs,
}
