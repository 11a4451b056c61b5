-- sixbb.report as report code sees it, and the reference gaps report on an empty site.
local sixbb = require "sixbb"

local function series(values)
  local points = {}
  for i, v in ipairs(values) do points[i] = { label = "m" .. i, value = v } end
  return points
end

describe("sixbb.report.runchart", function()
  it("finds a shift below the baseline median and says so in words", function()
    local rc = sixbb.report.runchart {
      points = series { 4, 6, 4, 6, 4, 3, 4, 3, 4, 3, 6 }, baseline = 4 }
    assert.equal(5, rc.phases[1].median)
    assert.equal(1, #rc.signals)
    assert.equal("shift", rc.signals[1].rule)
    assert.equal(5, rc.signals[1].first)
    assert.equal("shift: 6 points below the median from m5 to m10", rc.signals[1].text)
    assert.truthy(rc.points[5].shift)
    assert.falsy(rc.points[11].shift)
  end)
  it("takes a new median for each phase", function()
    local rc = sixbb.report.runchart {
      points = series { 10, 11, 10, 11, 10, 20, 21, 20, 21, 20 }, phases = { { start = 6 } } }
    assert.equal(2, #rc.phases)
    assert.equal(10, rc.phases[1].median)
    assert.equal(20, rc.phases[2].median)
    assert.equal(20, rc.points[7].median)
  end)
  it("lets the astronomical rule be tuned or turned off", function()
    local points = series { 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 14 }
    local on = sixbb.report.runchart { points = points, baseline = 10 }
    assert.truthy(on.points[11].astronomical)
    local off = sixbb.report.runchart { points = points, baseline = 10, astronomical = 0 }
    assert.falsy(off.points[11].astronomical)
  end)
  it("refuses malformed points", function()
    assert.error(function() sixbb.report.runchart { points = { { label = "a" } } } end,
                 "points%[1%] must be")
    assert.error(function() sixbb.report.runchart { points = {} } end, "at least one point")
  end)
end)

describe("sixbb.report.gaps and patients", function()
  it("evaluates an empty site without gaps", function()
    local gaps, summary = sixbb.report.gaps { as_of = "2026-06-30" }
    assert.equal(0, #gaps)
    assert.equal("evaluated", summary.source)
    assert.equal(0, #sixbb.report.patients { as_of = "2026-06-30" })
  end)
  it("checks its options", function()
    assert.error(function() sixbb.report.gaps { as_of = "2026-02-30" } end, "must be a date")
    assert.error(function() sixbb.report.gaps { clinican = "C1" } end, "unknown option 'clinican'")
  end)
end)

describe("the reports plugin", function()
  it("registers the gaps report", function()
    local found
    for _, r in ipairs(sixbb.registry("reports")) do
      if r.id == "gaps" then found = r end
    end
    assert.truthy(found)
    assert.equal("reports", found.plugin)
  end)
end)

describe("the clinical reports", function()
  it("are all registered by the reports plugin", function()
    local ids = {}
    for _, r in ipairs(sixbb.registry("reports")) do
      if r.plugin == "reports" then ids[#ids + 1] = r.id end
    end
    table.sort(ids)
    assert.same({ "data-quality", "gaps", "huddle", "milestones", "patient", "registry" }, ids)
  end)
  it("declare their thresholds as params", function()
    for _, r in ipairs(sixbb.registry("reports")) do
      if r.id == "huddle" then
        assert.equal(90, r.params.trend_days)
        assert.equal(5, r.params.stable_within)
      end
    end
  end)
end)

describe("the helpers behind them", function()
  it("check their options", function()
    assert.error(function() sixbb.report.med_series { to = "2026-06-30" } end, "needs the option 'patient'")
    assert.error(function() sixbb.report.med_series { patient = "P1", from = "2026-07-01", to = "2026-06-30" } end,
                 "on or before")
    assert.error(function() sixbb.report.patients { patients = "P1" } end, "list of patient ids")
    assert.error(function() sixbb.report.patients { patients = { 7 } } end, "list of patient ids")
    assert.error(function() sixbb.report.patients { as_of = "2026-06-30", med_on = { "2026-06-31" } } end)
  end)
  it("return nothing for nobody", function()
    assert.equal(0, #sixbb.report.patients { as_of = "2026-06-30", patients = {} })
    assert.equal(0, #sixbb.report.gaps { as_of = "2026-06-30", patients = {} })
    assert.equal(nil, sixbb.report.med_series { patient = "P1", to = "2026-06-30" })
    assert.equal(nil, next(sixbb.report.names { "P1" }))
  end)
  it("give the milestones' evidence of an empty site", function()
    local e = sixbb.report.evidence { as_of = "2026-06-30" }
    assert.equal(0, e.patients)
    assert.equal("2026-06-30", e.as_of)
  end)
end)
