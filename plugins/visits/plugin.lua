-- Building block: Planned, patient-centered visits.
-- Each visit of a patient on long-term opioids is prepared ahead and planned with the patient.
local sixbb = require "sixbb"

return sixbb.plugin {
  id = "visits",
  block = "Planned, patient-centered visits",
  description = "Each visit of a patient on long-term opioids is prepared ahead and planned with the patient.",
  milestones = require "milestones",
  assessment = require "assessment",
  checks = require "checks",
  instruments = require "instruments",
}
