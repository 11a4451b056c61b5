-- Program checks of the leadership block.
local gaps = require "lib.gaps"

return {
  gaps.check {
    id = "team-meeting-due",
    title = "Improvement team has not met this month",
    description = "Opens for a site when no meeting of type `meeting` (default improvement_team) "
      .. "is recorded within `days` (default 31) days; due the day that window ran out.",
    level = "site",
    severity = "program",
    params = { days = 31, meeting = "improvement_team" },
    run = function(s, params)
      local last = s.last_meeting and s.last_meeting[params.meeting]
      local what = params.meeting:gsub("_", "-") .. " meeting"
      return gaps.overdue(what, last, s.as_of, params.days)
    end,
  },
}
