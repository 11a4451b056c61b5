-- Design & Implement milestones of the measuring block.
local sixbb = require "sixbb"

return {
  {
    id = "measuring-metric-chosen",
    title = "A measure of success has been chosen",
    description = "The team has picked one or two measures, with a baseline and an aim such as "
      .. "\"reduce X by N% by a date\", that it will track and share with the care teams.",
  },
  {
    id = "measuring-metric-reviewed",
    title = "The measure is reviewed and reported down to each clinician",
    description = "Results are produced on a regular schedule, reviewed by leaders and the team, "
      .. "and shared with each clinician for their own patients.",
    evidence = function(e)
      local date = e.last_dashboard
      if date == nil then
        return "no measures report produced yet"
      end
      local ago = e.as_of and sixbb.date.diff(e.as_of, date)
      if ago == nil then
        return "measures last reported " .. date
      end
      return "measures last reported " .. date
        .. (ago == 0 and " (today)" or (" (" .. ago .. (ago == 1 and " day" or " days") .. " ago)"))
    end,
  },
}
