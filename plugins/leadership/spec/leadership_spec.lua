-- The team-meeting check and the milestones of the leadership plugin.
local sixbb = require "sixbb"

local D = "2026-06-30"
local function ago(n) return sixbb.date.add(D, -n) end

-- A site on D whose improvement team last met `days` days ago (nil: never).
local function site(days)
  return {
    id = "S1", name = "Main Street Clinic", as_of = D, ltot_patients = 80, stage = "design",
    last_meeting = { improvement_team = days and ago(days), kickoff = ago(200) },
  }
end

local function run(facts, params)
  local gap, err = sixbb.run_check("team-meeting-due", facts, params)
  assert(err == nil, err)
  return gap
end

describe("team-meeting-due", function()
  it("is closed at 30 days and open at 31 and 32", function()
    assert.equal(nil, run(site(30)))
    local gap = run(site(31))
    assert.equal("program", gap.severity)
    assert.equal(D, gap.due)
    assert.equal("last improvement-team meeting " .. ago(31) .. "; due " .. D, gap.detail)
    assert.equal(ago(1), run(site(32)).due)
  end)
  it("opens with no due date when the team never met", function()
    local gap = run(site(nil))
    assert.equal(nil, gap.due)
    assert.equal("no improvement-team meeting on record", gap.detail)
    local s = site(nil)
    s.last_meeting = nil
    assert.equal("no improvement-team meeting on record", run(s).detail)
  end)
  it("does not count other meeting types", function()
    local s = site(nil)
    s.last_meeting.action_plan = ago(3)
    assert.truthy(run(s))
  end)
  it("follows a site window and meeting type", function()
    assert.equal(nil, run(site(40), { days = 45 }))
    assert.equal(ago(1), run(site(46), { days = 45 }).due)
    local s = site(nil)
    s.last_meeting.action_plan = ago(80)
    assert.equal(nil, run(s, { meeting = "action_plan", days = 92 }))
    assert.equal("last action-plan meeting " .. ago(80) .. "; due " .. ago(8),
      run(s, { meeting = "action_plan", days = 72 }).detail)
  end)
  it("is a site-level check", function()
    for _, c in ipairs(sixbb.registry("checks")) do
      if c.id == "team-meeting-due" then assert.equal("site", c.level) end
    end
  end)
end)
