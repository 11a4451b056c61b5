-- Reports that come with sixbb and show how report plugins are written. Each report's run(ctx)
-- returns a document (see docs/reports.md); the core checks it and renders it as text, CSV,
-- JSON or printable HTML.
local sixbb = require "sixbb"

return sixbb.plugin {
  id = "reports",
  block = "Reports",
  description = "Clinical reports built on sixbb.report: care gaps by clinician, the huddle list, the patient summary, the registry, data quality and milestones.",
  reports = {
    require "gaps",
    require "huddle",
    require "patient",
    require "registry",
    require "data_quality",
    require "milestones",
  },
}
