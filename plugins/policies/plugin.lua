-- Building block: Policies, patient agreements, and workflows.
-- The clinic's opioid policy, patient agreement and workflows are revised, aligned and taught.
local sixbb = require "sixbb"

return sixbb.plugin {
  id = "policies",
  block = "Policies, patient agreements, and workflows",
  description = "The clinic's opioid policy, patient agreement and workflows are revised, aligned and taught.",
  milestones = require "milestones",
  assessment = require "assessment",
  checks = require "checks",
}
