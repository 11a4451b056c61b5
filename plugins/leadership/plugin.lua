-- Building block: Leadership and consensus.
-- Leaders make safer opioid prescribing a visible priority and build agreement across the clinic.
local sixbb = require "sixbb"

return sixbb.plugin {
  id = "leadership",
  block = "Leadership and consensus",
  description = "Leaders make safer opioid prescribing a visible priority and build agreement across the clinic.",
  milestones = require "milestones",
  assessment = require "assessment",
  checks = require "checks",
}
