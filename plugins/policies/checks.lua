-- Care-gap checks of the policies block.
local gaps = require "lib.gaps"

return {
  gaps.check {
    id = "agreement-due",
    title = "Patient agreement due",
    description = "Opens when no signed or reviewed patient agreement is recorded within `days` "
      .. "(default 365) days; due the day the year ran out after the last one.",
    applies = "ltot",
    severity = "due",
    params = { days = 365 },
    run = function(p, params)
      return gaps.overdue("agreement", p.last and p.last.agreement, p.as_of, params.days)
    end,
  },
}
