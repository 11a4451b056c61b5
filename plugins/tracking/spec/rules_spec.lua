-- The risk tier and LtOT rule in rules.lua agree with the built-in rules on constructed patients.
local sixbb = require "sixbb"
local rules = require "lib.rules"

local D = "2026-06-30"
local function ago(n) return sixbb.date.add(D, -n) end

-- Parameters shaped like the config's rules.risk.
local params = {
  high = { med = 90, benzo_overlap_days = 30, overdose_days = 365, ort = 8 },
  moderate = { med = 50, ort = 4, phq9 = 10 },
}

local function patient(over)
  local p = {
    id = "P1", as_of = D, med = 20, benzo_overlap_days = 0, oud = false,
    ltot = true, ltot_rule = "seed", meets_fill_rule = true, labeled = false,
    ltot_reason = "3 opioid fills", last = {}, scores = {},
  }
  for k, v in pairs(over or {}) do p[k] = v end
  return p
end

local cases = {
  { "low", {} },
  { "high", { med = 90 } },
  { "moderate", { med = 89.95 } },
  { "moderate", { med = 50 } },
  { "high", { benzo_overlap_days = 4 } },
  { "high", { oud = true } },
  { "high", { last = { overdose = ago(364) } } },
  { "low", { last = { overdose = ago(365) } } },
  { "low", { last = { overdose = sixbb.date.add(D, 1) } } },
  { "high", { scores = { ort = { score = 8, date = ago(10) } } } },
  { "moderate", { scores = { ort = { score = 4, date = ago(10) } } } },
  { "moderate", { scores = { phq9 = { score = 10, date = ago(10) } } } },
  { "low", { scores = { phq9 = { score = 9, date = ago(10) } } } },
  { "low", { scores = { phq9 = { date = ago(10) } } } },
  { "high", { med = 120, oud = true, benzo_overlap_days = 30,
              last = { overdose = ago(1) }, scores = { ort = { score = 9 } } } },
  { "moderate", { med = 60, scores = { ort = { score = 5 }, phq9 = { score = 12 } } } },
}

describe("the risk tier", function()
  it("is the same from rules.lua and from the built-in", function()
    for i, c in ipairs(cases) do
      local p = patient(c[2])
      local tier, reasons = sixbb.rules.risk_tier(p, params)
      local lua_tier, lua_reasons = rules.risk(p, params)
      assert.equal(c[1], tier, "case " .. i)
      assert.equal(tier, lua_tier, "case " .. i)
      assert.same(reasons, lua_reasons, "case " .. i)
    end
  end)

  it("names its reasons", function()
    local _, reasons = sixbb.rules.risk_tier(patient { med = 95.25 }, params)
    assert.same({ "current MED 95.2 >= 90" }, reasons)
  end)

  it("follows changed thresholds", function()
    local strict = { high = { med = 50, benzo_overlap_days = 30, overdose_days = 365, ort = 8 },
                     moderate = { med = 20, ort = 4, phq9 = 10 } }
    assert.equal("high", (sixbb.rules.risk_tier(patient { med = 60 }, strict)))
    assert.equal("high", (rules.risk(patient { med = 60 }, strict)))
    assert.equal("moderate", (sixbb.rules.risk_tier(patient {}, strict)))
  end)
end)

describe("the LtOT rule", function()
  it("is the same from rules.lua and from the built-in", function()
    local ltot_cases = {
      { true, {} },
      { true, { meets_fill_rule = false, labeled = true } },
      { false, { meets_fill_rule = false, ltot = false } },
      { false, { ltot_rule = "cdc", ltot = false } },
      { true, { ltot_rule = "kpwa", meets_fill_rule = false, ltot = true } },
    }
    for i, c in ipairs(ltot_cases) do
      local p = patient(c[2])
      local v, why = sixbb.rules.ltot(p, {})
      local lv, lwhy = rules.ltot(p, {})
      assert.equal(c[1], v, "case " .. i)
      assert.equal(v, lv, "case " .. i)
      assert.equal(why, lwhy, "case " .. i)
    end
  end)
end)
