-- Helpers for milestone evidence: the one-line sentences `sixbb milestones` shows beside a
-- milestone. Any plugin can use them with require "lib.evidence".
local sixbb = require "sixbb"

local M = {}

-- "74 of 80 <what> (92%)", or a sentence saying there is nothing to count yet.
function M.share(part, whole, what, none)
  if whole == nil or part == nil then
    return nil
  end
  if whole == 0 then
    return none
  end
  return string.format("%d of %d %s (%d%%)", part, whole, what, math.floor(100 * part / whole + 0.5))
end

-- "<what> last <verb> 2026-06-01 (29 days ago)", or "no <what> <verb> yet".
function M.dated(date, as_of, what, verb)
  if date == nil then
    return "no " .. what .. " " .. verb .. " yet"
  end
  local ago = as_of and sixbb.date.diff(as_of, date)
  local when = ""
  if ago == 0 then
    when = " (today)"
  elseif ago then
    when = " (" .. ago .. (ago == 1 and " day" or " days") .. " ago)"
  end
  return what .. " last " .. verb .. " " .. date .. when
end

return M
