-- Helpers the built-in checks share: parameters merged over defaults, date windows and the
-- one-line details. Any plugin can use them with require "lib.gaps".
local sixbb = require "sixbb"

local M = {}

-- `given` merged over `defaults`, table by table, so a site that overrides one entry of a table
-- (say `interval.high`) keeps the defaults of the others. A list (such as a list of instruments)
-- is replaced whole. Neither argument is modified.
function M.merge(defaults, given)
  if type(given) ~= "table" then
    return defaults
  end
  local out = {}
  for k, v in pairs(defaults) do
    out[k] = v
  end
  for k, v in pairs(given) do
    if type(v) == "table" and type(defaults[k]) == "table" and defaults[k][1] == nil then
      out[k] = M.merge(defaults[k], v)
    else
      out[k] = v
    end
  end
  return out
end

-- Finishes a check definition: its run receives the parameters merged over the check's own
-- defaults, and a gap it returns gets the check's severity unless it names one.
function M.check(def)
  local defaults, run, severity = def.params or {}, def.run, def.severity
  def.params = defaults
  -- The core passes the same merged table on every call, so each distinct table is merged once.
  local merged = setmetatable({}, { __mode = "k" })
  def.run = function(p, params)
    local use = defaults
    if type(params) == "table" then
      use = merged[params]
      if not use then
        use = M.merge(defaults, params)
        merged[params] = use
      end
    end
    local gap = run(p or {}, use)
    if gap and gap.severity == nil then
      gap.severity = severity
    end
    return gap
  end
  return def
end

-- Whether `last` lies within `days` days of `as_of`, i.e. in (as_of - days, as_of].
function M.within(last, as_of, days)
  return last ~= nil and sixbb.date.diff(as_of, last) < days
end

-- The later of any number of dates; nil ones are skipped.
function M.latest(...)
  local best
  for i = 1, select("#", ...) do
    local d = select(i, ...)
    if d ~= nil and (best == nil or d > best) then
      best = d
    end
  end
  return best
end

-- A gap when `last` is not within `days` of `as_of`: due the day the window closed, or no due
-- date when nothing is on record. `what` names the event in the detail; `note` is appended.
function M.overdue(what, last, as_of, days, note)
  if M.within(last, as_of, days) then
    return nil
  end
  local suffix = note and (" (" .. note .. ")") or ""
  if last == nil then
    return { detail = "no " .. what .. " on record" .. suffix }
  end
  local due = sixbb.date.add(last, days)
  return { due = due, detail = "last " .. what .. " " .. last .. "; due " .. due .. suffix }
end

-- The review interval of a risk tier from `params.interval`; an unknown tier gets the shortest
-- interval of the table, the cautious choice.
function M.interval(params, risk)
  local days = params.interval[risk]
  if days then
    return days, risk .. " risk: every " .. days .. " days"
  end
  for _, n in pairs(params.interval) do
    if days == nil or n < days then
      days = n
    end
  end
  return days, "risk tier unknown: every " .. days .. " days"
end

-- A MED with one decimal, as the care team sees it.
function M.med(x)
  return string.format("%.1f", x or 0)
end

return M
