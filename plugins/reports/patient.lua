-- The patient summary: one page for a clinician reading one patient's opioid therapy as of a
-- date — the daily MED over the last months as a chart, every fill with its arithmetic, events,
-- assessments with scores, diagnoses, and the open care gaps with the rule behind each.
local sixbb = require "sixbb"
local common = require "common"

-- The highest daily MED in each step of days, from the timeline, oldest first.
local function med_points(id, as_of, params)
  local from = sixbb.date.add(as_of, -params.months * 30 + 1)
  local series = sixbb.report.med_series { patient = id, from = from, to = as_of } or {}
  local points, at50, at90 = {}, 0, 0
  local step = math.max(1, math.floor(params.chart_step_days))
  -- Steps end on as_of, so the last point is today's dose.
  local first = ((#series - 1) % step) + 1
  local top = 0
  for i, day in ipairs(series) do
    top = math.max(top, day.med)
    if day.med >= params.high then at90 = at90 + 1 end
    if day.med >= params.moderate then at50 = at50 + 1 end
    if i >= first and (i - first) % step == 0 then
      points[#points + 1] = { label = day.date, value = top }
      top = 0
    end
  end
  return points, at50, at90, from
end

local function fill_rows(id, as_of, params)
  local rows = sixbb.data.patients.fills(id, as_of, sixbb.date.add(as_of, -params.fills_days))
  local out = {}
  for _, r in ipairs(rows) do
    local ok, calc = pcall(sixbb.med.calc, {
      drug = r.drug, ndc = r.ndc, rxnorm = r.rxnorm, strength = r.strength,
      strength_unit = r.strength_unit, form = r.form, quantity = r.quantity,
      days_supply = r.days_supply, dose = r.dose, doses_per_day = r.doses_per_day,
      prn = r.prn == 1 or nil })
    local how = ok and (calc.arithmetic or calc.error or calc.note) or tostring(calc)
    out[#out + 1] = {
      date = r.fill_date, rx = r.rx_id, drug = r.drug, quantity = r.quantity,
      days = r.days_supply, class = r.class or "", med = r.med,
      arithmetic = how or r.resolve_error or "", flags = r.dq_flags or "",
    }
  end
  return out
end

local function events(id, as_of)
  return sixbb.data.patients.events(id, as_of)
end

local function assessments(id, as_of)
  return sixbb.data.patients.assessments(id, as_of)
end

local function diagnoses(id, as_of)
  local rows = sixbb.data.patients.diagnoses(id, as_of)
  for _, r in ipairs(rows) do
    r.active = r.end_date == "" or r.end_date >= as_of
  end
  return rows
end

local function gap_rows(id, as_of, p)
  local titles = {}
  for _, c in ipairs(sixbb.registry("checks")) do titles[c.id] = c.title end
  local rows = {}
  for _, g in ipairs(sixbb.report.gaps { as_of = as_of, patient = id }) do
    rows[#rows + 1] = { action = common.action(g, p), check = g.check,
                        rule = titles[g.check] or g.check, severity = g.severity,
                        due = g.due or "", detail = g.detail }
  end
  return rows
end

local function table_block(id, title, columns, rows, empty)
  if #rows == 0 then return { type = "text", text = empty } end
  return { type = "table", id = id, title = title, columns = columns, rows = rows }
end

local function col(key, title, format) return { key = key, title = title, format = format } end

local function status_text(p)
  if p.excluded then return "excluded: " .. (p.exclusion or "") end
  return (p.ltot and "on" or "not on") .. " long-term opioid therapy (" .. (p.ltot_reason or "") .. ")"
end

local function run(ctx)
  local params = ctx.params
  if not ctx.patient then error("the patient summary needs --patient P", 0) end
  local id, as_of = ctx.patient, ctx.as_of
  local p = sixbb.report.patients { as_of = as_of, patient = id, all = true }[1]
  if not p then error("no patient '" .. id .. "'", 0) end
  local label = common.labeler { id }
  local points, at50, at90, from = med_points(id, as_of, params)
  local m = common.monitoring(p, params)
  local gaps = (p.ltot and not p.excluded) and gap_rows(id, as_of, p) or {}
  local fills = fill_rows(id, as_of, params)
  return {
    title = "Patient " .. label(id),
    subtitle = "as of " .. as_of,
    params = {
      { label = "As of", value = as_of },
      { label = "Site", value = p.site },
      { label = "Clinician", value = p.clinician or "(none)" },
      { label = "Age, sex", value = string.format("%s, %s", p.age or "?", p.sex or "?") },
      { label = "Status", value = status_text(p) },
      { label = "Risk", value = common.risk_text(p) },
    },
    figures = {
      { label = "Current MED", value = string.format("%.1f", p.med),
        note = p.med_unknown and "incomplete: a current fill has no MED" or nil },
      { label = "Highest MED, 90 days", value = string.format("%.1f", p.med_max_90 or 0) },
      { label = "Open gaps", value = #gaps, href = "#gaps-section" },
      { label = "Next visit", value = p.next_visit or "none booked" },
    },
    sections = {
      { id = "dose", title = "Dose over time",
        text = string.format("Highest daily MED in each %d-day step from %s; %d days at MED ≥ %s and %d at MED ≥ %s.",
                             params.chart_step_days, from, at50, params.moderate, at90, params.high),
        blocks = {
          { type = "chart", kind = "line", title = "Daily MED", unit = "number", points = points,
            goal = params.high, goal_label = "MED " .. params.high .. " (high dose); " ..
              params.moderate .. " marks moderate" },
        } },
      { id = "monitoring", title = "Monitoring", blocks = {
        { type = "table", columns = { col("item", "Item"), col("value", "Last → next due") }, rows = {
          { item = "PDMP check", value = m.pdmp }, { item = "Urine drug test", value = m.udt },
          { item = "Agreement", value = m.agreement }, { item = "PEG", value = m.peg },
          { item = "Naloxone", value = m.naloxone }, { item = "Benzodiazepine", value = m.benzo } } } } },
      { id = "gaps-section", title = "Open care gaps", blocks = {
        table_block("gaps", nil, { col("action", "Action"), col("rule", "Rule"),
                                   col("due", "Due", "date"), col("detail", "Detail") }, gaps,
                    "No open care gaps.") } },
      { id = "fills-section", title = "Prescription fills", blocks = {
        table_block("fills", nil, { col("date", "Filled", "date"), col("drug", "Drug"),
          col("quantity", "Qty", "number"), col("days", "Days", "integer"), col("class", "Class"),
          col("med", "MED", "med"), col("arithmetic", "Arithmetic"), col("flags", "Data flags") },
          fills, "No fills in the last " .. params.fills_days .. " days.") } },
      { id = "events", title = "Events", blocks = {
        table_block(nil, nil, { col("date", "Date", "date"), col("type", "Event"),
          col("result", "Result"), col("note", "Note") }, events(id, as_of), "No events on record.") } },
      { id = "assessments", title = "Assessments", blocks = {
        table_block(nil, nil, { col("date", "Date", "date"), col("instrument", "Instrument"),
          col("score", "Score", "number"), col("items", "Items") }, assessments(id, as_of),
          "No assessments on record.") } },
      { id = "diagnoses", title = "Diagnoses", blocks = {
        table_block(nil, nil, { col("code", "Code"), col("date", "From", "date"),
          col("end_date", "To", "date"), col("active", "Active") }, diagnoses(id, as_of),
          "No diagnoses on record.") } },
    },
  }
end

return {
  id = "patient",
  title = "Patient summary",
  description = "One patient's opioid therapy on one page: MED over time, fills with their arithmetic, events, assessments, diagnoses and open care gaps (needs --patient).",
  params = {
    months = 12,          -- how far back the dose chart reaches (30-day months)
    chart_step_days = 7,  -- one chart point per this many days: the highest daily MED in it
    high = sixbb.setting "rules.risk.high.med",         -- the high-dose reference line
    moderate = sixbb.setting "rules.risk.moderate.med", -- the moderate-dose reference named with it
    fills_days = 730,     -- fills this recent are listed
    agreement_days = 365, -- the agreement's next due date: last + this
    benzo_recent_days = 90, -- a benzodiazepine fill this recent is shown even without overlap
  },
  run = run,
}
