-- Building block: Tracking and monitoring patient care.
-- Every patient on long-term opioid therapy is known, labeled and followed as a population.
local sixbb = require "sixbb"

return sixbb.plugin {
  id = "tracking",
  block = "Tracking and monitoring patient care",
  description = "Every patient on long-term opioid therapy is known, labeled and followed as a population.",
  milestones = require "milestones",
  assessment = require "assessment",
  checks = require "checks",
  -- The clinical rules, built into C for speed. A site plugin may name its own Lua functions
  -- here instead; rules.lua is the same rules written in Lua, to copy from.
  rules = { risk = sixbb.rules.risk_tier, ltot = sixbb.rules.ltot },
}
