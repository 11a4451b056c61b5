-- Building block: Measuring success.
-- The clinic picks its success measures, tracks them and reviews them down to each clinician.
local sixbb = require "sixbb"

return sixbb.plugin {
  id = "measuring",
  block = "Measuring success",
  description = "The clinic picks its success measures, tracks them and reviews them down to each clinician.",
  milestones = require "milestones",
  assessment = require "assessment",
  measures = require "measures",
}
