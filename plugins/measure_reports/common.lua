-- Shared by the measure reports: running the engine, reading its rows into series, peer medians,
-- aims, and the blocks every report draws (run charts with aims as goal lines, patient lists).
local sixbb = require "sixbb"

local M = {}

local function key(measure, period, site, clinician)
  return table.concat({ measure, period, site or "", clinician or "" }, "\31")
end

-- Runs the engine for the request and indexes its rows.
function M.compute(ctx, opts)
  local res = sixbb.measures.compute {
    as_of = ctx.as_of, from = ctx.from, to = ctx.to, site = opts.site, clinician = opts.clinician,
    store = opts.store, lists = opts.lists, list_clinician = opts.list_clinician,
  }
  res.by_key = {}
  for _, r in ipairs(res.rows) do res.by_key[key(r.measure, r.period, r.site, r.clinician)] = r end
  res.last = res.periods[#res.periods].label
  return res
end

function M.row(res, measure, period, site, clinician)
  return res.by_key[key(measure, period, site, clinician)]
end

function M.number(def, row)
  if not row then return nil end
  if def.kind == "count" then return row.numerator end
  if def.kind == "value" then return row.value end
  return row.rate
end

function M.period_of(res, def)
  return def.kind == "annual" and res.year or res.last
end

-- The monthly series of one group, as run-chart points (months without a value are left out).
function M.series(res, def, site, clinician)
  local points = {}
  for _, p in ipairs(res.periods) do
    local v = M.number(def, M.row(res, def.id, p.label, site, clinician))
    if v then points[#points + 1] = { label = p.label, value = v } end
  end
  return points
end

function M.median(values)
  if #values == 0 then return nil end
  local v = {}
  for i, x in ipairs(values) do v[i] = x end
  table.sort(v)
  local n = #v
  if n % 2 == 1 then return v[(n + 1) // 2] end
  return (v[n // 2] + v[n // 2 + 1]) / 2
end

-- The median across clinicians of a measure in the last period (clinicians with a denominator).
function M.peer_median(res, def, site)
  local values = {}
  local period = M.period_of(res, def)
  for _, r in ipairs(res.rows) do
    if r.measure == def.id and r.period == period and r.level == "clinician"
       and (not site or r.site == site) then
      local v = M.number(def, r)
      if v then values[#values + 1] = v end
    end
  end
  return M.median(values)
end

function M.unit_format(def)
  if def.kind == "count" then return "integer" end
  if def.kind == "value" then return "med" end
  return "percent"
end

function M.chart_unit(def)
  if def.kind == "count" then return "count" end
  if def.kind == "value" then return "number" end
  return "percent"
end

-- Aims for a measure that apply to the scope (the site's own, else the organisation's).
function M.aim_for(aims, measure, site)
  local best
  for _, a in ipairs(aims) do
    if a.measure == measure and (a.site == site or (not a.site and not best)) then best = a end
  end
  return best
end

-- The run chart of a measure for a scope, with the aim as its goal line.
function M.run_chart(res, def, aims, site, clinician, title)
  local points = M.series(res, def, site, clinician)
  if def.kind == "annual" or #points == 0 then return nil end
  local chart = { type = "chart", kind = "run", title = title or def.title,
                  unit = M.chart_unit(def), points = points }
  local aim = M.aim_for(aims, def.id, site)
  if aim then
    chart.goal = aim.target
    chart.goal_label = string.format("Aim: %s by %s (%s)", M.show(def, aim.target), aim.by,
                                     aim.status)
  end
  return chart
end

function M.show(def, v)
  if v == nil then return "–" end
  if def.kind == "count" then
    -- A count is whole, but a median of counts across an even number of clinicians may not be.
    if v == math.floor(v) then return string.format("%d", v) end
    return string.format("%.1f", v)
  end
  if def.kind == "value" then return string.format("%.1f", v) end
  return string.format("%.1f%%", v * 100)
end

-- Ids as paragraphs: a dashboard for a whole organisation lists hundreds of thousands of
-- patient-measure pairs, which as table rows would make a page too large to open or print.
local function id_blocks(title, ids)
  local blocks = { { type = "text", text = string.format("%s (%d):", title, #ids) } }
  for i = 1, #ids, 400 do
    blocks[#blocks + 1] = { type = "text", text = table.concat(ids, ", ", i, math.min(#ids, i + 399)) }
  end
  return blocks
end

local function compact_blocks(rows)
  local num, rest = {}, {}
  for _, r in ipairs(rows) do
    local t = r.numerator and num or rest
    t[#t + 1] = r.patient
  end
  local blocks = id_blocks("In the numerator", num)
  for _, b in ipairs(id_blocks("In the denominator only", rest)) do blocks[#blocks + 1] = b end
  return blocks
end

-- Sections listing the patients behind each measure in the last period: the denominator with a
-- yes/no for the numerator, filtered to the scope (compact: the ids as two paragraphs). Ids
-- only, never names.
function M.list_sections(res, defs, anchor_prefix, site, clinician, compact)
  local sections = {}
  for _, def in ipairs(defs) do
    local rows = {}
    local l = res.lists[def.id]
    for i = 1, l and #l.patient or 0 do
      if (not site or l.site[i] == site) and (not clinician or l.clinician[i] == clinician) then
        rows[#rows + 1] = { patient = l.patient[i], site = l.site[i], clinician = l.clinician[i],
                            numerator = l.numerator[i], med = l.value[i] }
      end
    end
    table.sort(rows, function(a, b)
      if a.numerator ~= b.numerator then return a.numerator end
      return a.patient < b.patient
    end)
    local columns = { { key = "patient", title = "Patient" }, { key = "site", title = "Site" },
                      { key = "clinician", title = "Clinician" },
                      { key = "numerator", title = "In numerator" } }
    if def.kind ~= "count" then
      columns[#columns + 1] = { key = "med", title = def.id == "hedis-hdo" and "Average MME" or "MED", format = "med" }
    end
    sections[#sections + 1] = {
      id = anchor_prefix .. def.id, title = "Patients: " .. def.title, page_break = true,
      text = string.format("%s, period %s: %d patients in the denominator; those in the numerator first.",
                           def.id, M.period_of(res, def), #rows),
      blocks = compact and compact_blocks(rows) or { { type = "table", columns = columns, rows = rows } },
    }
  end
  return sections
end

-- Days since 1970-01-01 of an ISO date (the civil-from-days algorithm), for the aim line.
local function days(iso)
  local y, m, d = iso:match("^(%d+)-(%d+)-(%d+)")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function at_least_as_good(def, v, ref)
  if def.better == "higher" then return v >= ref end
  return v <= ref
end

-- On track, in plain words (docs/measures.md): the latest value already meets the target
-- ("met"), or it is at least as good as the straight line from the baseline (the median of up to
-- 12 months before the aim was set, else the first month) on the day the aim was set to the
-- target on its date ("on track"); otherwise "off track", and always so once the date has passed
-- unmet.
function M.aim_status(aims, res)
  local defs = {}
  for _, d in ipairs(res.measures) do defs[d.id] = d end
  for _, a in ipairs(aims) do
    local def = defs[a.measure]
    local points = def and M.series(res, def, a.site, nil) or {}
    local latest = points[#points]
    if not latest then
      a.status = "no data"
    else
      local set_month = a.created:sub(1, 7)
      local before = {}
      for _, p in ipairs(points) do if p.label < set_month then before[#before + 1] = p.value end end
      while #before > 12 do table.remove(before, 1) end
      a.baseline = #before > 0 and M.median(before) or points[1].value
      a.latest = latest.value
      local t0, t1, now = days(a.created), days(a.by), days(res.as_of)
      local frac = t1 > t0 and math.min(1, math.max(0, (now - t0) / (t1 - t0))) or 1
      a.expected = a.baseline + (a.target - a.baseline) * frac
      if at_least_as_good(def, latest.value, a.target) then a.status = "met"
      elseif now > t1 then a.status = "off track"
      elseif at_least_as_good(def, latest.value, a.expected) then a.status = "on track"
      else a.status = "off track" end
    end
  end
end

function M.aims(ctx, res)
  return sixbb.measures.aims { as_of = res.as_of, from = ctx.from, to = ctx.to }
end

return M
