-- The action-plan cadence check and the reports the program-reports plugin registers.
local sixbb = require "sixbb"

local D = "2026-06-30"
local function ago(n) return sixbb.date.add(D, -n) end

local function site(stage, days)
  return { id = "N1", name = "North Clinic", as_of = D, stage = stage, track = "full",
           last_meeting = { action_plan = days and ago(days), improvement_team = ago(3) } }
end

local function run(facts, params)
  local gap, err = sixbb.run_check("action-plan-meeting-due", facts, params)
  assert(err == nil, err)
  return gap
end

describe("action-plan-meeting-due", function()
  it("is closed at 91 days and open at 92", function()
    assert.equal(nil, run(site("design_implement", 91)))
    local gap = run(site("design_implement", 92))
    assert.equal("program", gap.severity)
    assert.equal(D, gap.due)
    assert.equal("last action-plan meeting " .. ago(92) .. "; due " .. D, gap.detail)
  end)
  it("opens without a due date when no action-plan meeting is on record", function()
    assert.equal("no action-plan meeting on record", run(site("design_implement", nil)).detail)
  end)
  it("leaves clinics in other stages, or with no stage, alone", function()
    assert.equal(nil, run(site("prepare_launch", nil)))
    assert.equal(nil, run(site("monitor_sustain", 400)))
    assert.equal(nil, run(site(nil, nil)))
  end)
  it("takes its window and stages from params", function()
    assert.equal(nil, run(site("design_implement", 100), { days = 120 }))
    assert.truthy(run(site("monitor_sustain", 400), { stages = { "monitor_sustain" } }))
  end)
end)

describe("program reports", function()
  it("registers the four facilitator reports", function()
    local ids = {}
    for _, r in ipairs(sixbb.registry("reports")) do ids[r.id] = r.plugin end
    for _, id in ipairs({ "action-plan", "self-assessment", "tally", "multi-site" }) do
      assert.equal("program-reports", ids[id])
    end
  end)
end)
