-- A local check: high-risk patients with no visit scheduled in the next 30 days.
local sixbb = require "sixbb"

return sixbb.plugin {
  id = "local-checks",
  block = "Local rules",
  checks = {
    {
      id = "high-risk-no-visit-booked",
      title = "High-risk patient with no visit booked",
      description = "A high-risk patient on long-term opioid therapy has no visit scheduled "
        .. "in the next 30 days.",
      params = { days = 30 },
      run = function(p, params)
        if p.risk ~= "high" then
          return nil
        end
        local horizon = sixbb.date.add(p.as_of, params.days)
        if p.next_visit == nil or p.next_visit > horizon then
          return {
            severity = "due",
            detail = p.next_visit and ("next visit " .. p.next_visit .. ", after " .. horizon)
              or ("no visit booked; book one by " .. horizon),
          }
        end
      end,
    },
  },
}
