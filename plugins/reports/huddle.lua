-- The huddle list: one clinic day's appointments of patients on long-term opioid therapy, one
-- printed page per clinician. Each patient shows the dose and its trend, the monitoring items
-- with their last and next-due dates, the risk tier with its reasons, and the open care gaps
-- phrased as the actions that close them, all as of the clinic day. Only the scheduled patients
-- are evaluated, so a large site's list takes as long as its day's appointments.
local sixbb = require "sixbb"
local common = require "common"

-- The clinic day: the --as-of date when given, else the next clinic day after today.
local function clinic_day(ctx, params)
  if ctx.as_of_given then return ctx.as_of end
  local open = {}
  for d in tostring(params.clinic_days):gmatch("%d") do open[tonumber(d)] = true end
  local day = sixbb.date.add(ctx.as_of, 1)
  for _ = 1, 7 do
    if open[sixbb.date.weekday(day)] then return day end
    day = sixbb.date.add(day, 1)
  end
  return sixbb.date.add(ctx.as_of, 1)
end

local SKIPPED = { cancelled = true, no_show = true }

-- The day's kept or booked appointments within the report's scope, by time.
local function appointments(day, ctx)
  local rows = sixbb.data.appointments.day(day, ctx.site, ctx.clinician)
  local out = {}
  for _, r in ipairs(rows) do
    if not SKIPPED[r.status] then out[#out + 1] = r end
  end
  return out
end

-- One read of the clinician table rather than a query per clinician on the list.
local function clinician_names(ids)
  local wanted, names = {}, {}
  for _, id in ipairs(ids) do wanted[id] = true end
  for _, r in ipairs(sixbb.data.clinicians.list()) do
    if wanted[r.id] then names[r.id] = r.name end
  end
  return names
end

-- "up from 40.0 (+20.0 since …)", "stable (60.0 on …)", against the MED trend_days earlier.
local function trend(p, before, from, params)
  if p.med_unknown then return "incomplete: a current fill has no MED" end
  local diff = p.med - before
  if math.abs(diff) < params.stable_within then
    return string.format("stable (%.1f on %s)", before, from)
  end
  return string.format("%s from %.1f (%+.1f since %s)", diff > 0 and "up" or "down", before, diff,
                       from)
end

-- Facts of every scheduled patient as of the day, with their open gaps and the MED on the trend
-- date: one evaluation of the day's patients, whatever the size of the site.
local function evaluate(appts, day, params)
  local ids, seen = {}, {}
  for _, a in ipairs(appts) do
    if not seen[a.patient] then seen[a.patient] = true; ids[#ids + 1] = a.patient end
  end
  local from = sixbb.date.add(day, -params.trend_days)
  local facts = {}
  for _, p in ipairs(sixbb.report.patients { as_of = day, patients = ids, all = not params.ltot_only,
                                             gaps = true, med_on = { from } }) do
    facts[p.id] = p
  end
  return facts, from
end

-- Everything the huddle shows for one appointment.
local function visit(appt, p, from, params)
  local actions = {}
  if p.ltot and not p.excluded then
    for _, g in ipairs(p.gaps) do actions[#actions + 1] = common.action(g, p) end
  end
  local before = p.med_on[from]
  local m = common.monitoring(p, params)
  return {
    appt = appt, p = p, actions = actions,
    row = {
      time = appt.time, patient = appt.patient, clinician = appt.clinician, site = appt.site,
      med = p.med, med_before = before, trend = trend(p, before, from, params), risk = p.risk,
      risk_reasons = table.concat(p.risk_reasons or {}, "; "),
      pdmp = m.pdmp, udt = m.udt, agreement = m.agreement, peg = m.peg,
      naloxone = m.naloxone, benzo = m.benzo, gaps = #actions,
      actions = table.concat(actions, "; "),
    },
  }
end

local PAGE_COLUMNS = {
  { key = "time", title = "Time" },
  { key = "patient", title = "Patient" },
  { key = "med", title = "MED", format = "med" },
  { key = "trend", title = "MED trend" },
  { key = "risk", title = "Risk" },
  { key = "pdmp", title = "PDMP last → due" },
  { key = "udt", title = "UDT last → due" },
  { key = "agreement", title = "Agreement last → due" },
  { key = "peg", title = "PEG" },
  { key = "naloxone", title = "Naloxone" },
  { key = "benzo", title = "Benzodiazepine" },
  { key = "gaps", title = "Gaps", format = "integer" },
}

-- The full list (CSV and JSON): the page's columns with the clinician and site first, the dose
-- 90 days earlier and the risk reasons beside theirs, and the actions last.
local MAIN_COLUMNS = { { key = "clinician", title = "Clinician" }, { key = "site", title = "Site" } }
for _, c in ipairs(PAGE_COLUMNS) do
  MAIN_COLUMNS[#MAIN_COLUMNS + 1] = c
  if c.key == "med" then
    MAIN_COLUMNS[#MAIN_COLUMNS + 1] = { key = "med_before", title = "MED before", format = "med" }
  elseif c.key == "risk" then
    MAIN_COLUMNS[#MAIN_COLUMNS + 1] = { key = "risk_reasons", title = "Risk reasons" }
  end
end
MAIN_COLUMNS[#MAIN_COLUMNS + 1] = { key = "actions", title = "Actions" }

-- One clinician's page: the table of visits, then each patient's actions.
local function page(who, name, visits, label, day, anchor)
  local rows, blocks = {}, {}
  for _, v in ipairs(visits) do
    local row = {}
    for k, val in pairs(v.row) do row[k] = val end
    row.patient = label(v.row.patient)
    rows[#rows + 1] = row
  end
  blocks[1] = { type = "table", columns = PAGE_COLUMNS, rows = rows }
  for _, v in ipairs(visits) do
    local head = string.format("%s %s: MED %s, %s; risk %s", v.row.time ~= "" and v.row.time or "(no time)",
                               label(v.row.patient), common.fmt_med(v.p.med), v.row.trend,
                               common.risk_text(v.p))
    blocks[#blocks + 1] = { type = "text", text = head }
    blocks[#blocks + 1] = { type = "list",
      items = #v.actions > 0 and v.actions or { "No open gaps: nothing to do before the visit." } }
  end
  return {
    id = anchor, page_break = true,
    title = "Clinician " .. who .. (name and (" — " .. name) or "") .. ", " .. day,
    text = string.format("%d patient%s on long-term opioid therapy scheduled.", #visits,
                         #visits == 1 and "" or "s"),
    blocks = blocks,
  }
end

local WEEKDAYS = { [0] = "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" }

local function run(ctx)
  local params = ctx.params
  local day = clinic_day(ctx, params)
  local appts = appointments(day, ctx)
  local facts, from = evaluate(appts, day, params)
  local by_clinician, all, ids, nactions, with_actions = {}, {}, {}, 0, 0
  for _, a in ipairs(appts) do
    local p = facts[a.patient]
    if p then
      local v = visit(a, p, from, params)
      local list = by_clinician[a.clinician] or {}
      by_clinician[a.clinician] = list
      list[#list + 1] = v
      all[#all + 1] = v.row
      ids[#ids + 1] = a.patient
      nactions = nactions + #v.actions
      if #v.actions > 0 then with_actions = with_actions + 1 end
    end
  end
  local label = common.labeler(ids)
  local clinicians = common.sorted_keys(by_clinician)
  local cnames = clinician_names(clinicians)
  local sections = {}
  for i, who in ipairs(clinicians) do
    sections[#sections + 1] = page(who, cnames[who], by_clinician[who], label, day, "clinician-" .. i)
  end
  if #clinicians == 0 then
    sections[1] = { id = "none", title = "No patients to review",
      text = "No patient on long-term opioid therapy has an appointment on " .. day .. "." }
  end
  if ctx.format == "csv" or ctx.format == "json" then
    for _, r in ipairs(all) do r.patient = label(r.patient) end
    sections[#sections + 1] = { id = "all", title = "All appointments", blocks = {
      { type = "table", id = "appointments", main = true, columns = MAIN_COLUMNS, rows = all } } }
  end
  local weekday = WEEKDAYS[sixbb.date.weekday(day)]
  return {
    title = "Huddle list — " .. weekday .. " " .. day,
    subtitle = common.scope(ctx) .. "; care gaps as of the clinic day",
    params = {
      { label = "Clinic day", value = day },
      { label = "Scope", value = common.scope(ctx) },
      { label = "MED trend against", value = params.trend_days .. " days earlier" },
      { label = "Patients", value = params.ltot_only and "on long-term opioid therapy" or "every scheduled patient" },
    },
    figures = {
      { label = "Patients scheduled", value = #all },
      { label = "Clinicians", value = #clinicians },
      { label = "Patients with actions", value = with_actions },
      { label = "Actions", value = nactions },
    },
    sections = sections,
  }
end

return {
  id = "huddle",
  title = "Huddle list",
  description = "The pre-visit list for one clinic day: each scheduled patient on long-term opioid therapy with dose, trend, monitoring, risk and the actions that close their care gaps, one page per clinician.",
  params = {
    trend_days = 90,       -- the MED trend compares with the MED this many days before the day
    stable_within = 5,     -- a change smaller than this (MED) is "stable"
    agreement_days = 365,  -- the agreement's next due date: last + this
    benzo_recent_days = 90, -- a benzodiazepine fill this recent is shown even without overlap
    ltot_only = true,      -- false: list every scheduled patient, with gaps for those on LtOT
    clinic_days = "12345", -- weekdays the clinic is open (0 Sunday … 6 Saturday), for the default day
  },
  run = run,
}
