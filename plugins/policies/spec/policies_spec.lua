-- The agreement check and the milestones of the policies plugin.
local sixbb = require "sixbb"

local D = "2026-06-30"
local function ago(n) return sixbb.date.add(D, -n) end

-- A typical LtOT patient on D whose agreement was signed `days` days ago (nil: never).
local function patient(days)
  return {
    id = "P1", site = "S1", as_of = D, ltot = true, excluded = false, med = 40, risk = "moderate",
    last = { agreement = days and ago(days), visit = ago(20) }, fills = {}, scores = {},
  }
end

local function run(facts, params)
  local gap, err = sixbb.run_check("agreement-due", facts, params)
  assert(err == nil, err)
  return gap
end

describe("agreement-due", function()
  it("is closed at 364 days and open at 365 and 366", function()
    assert.equal(nil, run(patient(0)))
    assert.equal(nil, run(patient(364)))
    local gap = run(patient(365))
    assert.equal("due", gap.severity)
    assert.equal(D, gap.due)
    assert.equal("last agreement " .. ago(365) .. "; due " .. D, gap.detail)
    assert.equal(ago(1), run(patient(366)).due)
  end)
  it("opens with no due date when none is on record", function()
    local gap = run(patient(nil))
    assert.equal(nil, gap.due)
    assert.equal("no agreement on record", gap.detail)
    local p = patient(nil)
    p.last = nil
    assert.equal("no agreement on record", run(p).detail)
  end)
  it("follows a site window", function()
    assert.equal(nil, run(patient(179), { days = 180 }))
    assert.equal(D, run(patient(180), { days = 180 }).due)
  end)
end)

describe("policies milestones", function()
  it("lists the four policy milestones", function()
    local ids = {}
    for _, m in ipairs(sixbb.registry("milestones")) do
      if m.plugin == "policies" then ids[#ids + 1] = m.id end
    end
    table.sort(ids)
    assert.same({ "policies-agreement-revised", "policies-policy-revised", "policies-training",
      "policies-workflows-written" }, ids)
  end)
end)
