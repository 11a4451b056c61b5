-- Reports on the program's measures: the dashboard a facilitator hands to the clinic team, the
-- monthly measures with run charts, and one clinician's measures against the site and peers.
-- The numbers come from sixbb.measures (the core engine); see docs/measures.md.
local sixbb = require "sixbb"

return sixbb.plugin {
  id = "measure-reports",
  block = "Reports",
  description = "Dashboard, measures by month and clinician measures, with run charts, aims and patient lists.",
  reports = {
    require "measures",
    require "dashboard",
    require "clinician",
  },
}
