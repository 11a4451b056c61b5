-- Building block: Caring for patients with complex needs.
-- Opioid use disorder and behavioral-health needs are found and connected to care.
local sixbb = require "sixbb"

return sixbb.plugin {
  id = "complex",
  block = "Caring for patients with complex needs",
  description = "Opioid use disorder and behavioral-health needs are found and connected to care.",
  milestones = require "milestones",
  assessment = require "assessment",
  checks = require "checks",
  instruments = require "instruments",
}
