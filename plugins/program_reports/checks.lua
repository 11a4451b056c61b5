-- Site-level cadence of the Design and Implement stage: action-plan meetings about quarterly.
local gaps = require "lib.gaps"

return {
  gaps.check {
    id = "action-plan-meeting-due",
    title = "Action-plan meeting due",
    description = "Opens for a clinic in one of `stages` (default design_implement) when no "
      .. "meeting of type `meeting` (default action_plan) is recorded within `days` (default 92) "
      .. "days; due the day that window ran out.",
    level = "site",
    severity = "program",
    params = { days = 92, meeting = "action_plan", stages = { "design_implement" } },
    run = function(s, params)
      local applies = false
      for _, st in ipairs(params.stages) do
        if s.stage == st then applies = true end
      end
      if not applies then return nil end
      local last = s.last_meeting and s.last_meeting[params.meeting]
      return gaps.overdue(params.meeting:gsub("_", "-") .. " meeting", last, s.as_of, params.days)
    end,
  },
}
