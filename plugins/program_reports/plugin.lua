-- Program reports for QI leads and practice facilitators: each clinic's action plan in the
-- program's template, the self-assessment summary, event tallies as run charts and the log
-- across all clinics; plus the check that action-plan meetings happen about every quarter.
local sixbb = require "sixbb"

return sixbb.plugin {
  id = "program-reports",
  block = "Program reports",
  description = "Action plans, self-assessment, event tallies and the multi-site log for facilitators.",
  checks = require "checks",
  reports = {
    require "action_plan",
    require "self_assessment",
    require "tally",
    require "multi_site",
  },
}
