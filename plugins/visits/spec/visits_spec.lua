-- Checks, the PEG instrument and milestones of the visits plugin, tested at their boundaries.
local sixbb = require "sixbb"

local D = "2026-06-30"
local function ago(n) return sixbb.date.add(D, -n) end

-- A typical LtOT patient on D with every piece of care up to date and no overdose risk.
local function patient(over)
  local p = {
    id = "P1", site = "S1", clinician = "C1", as_of = D, age = 54, sex = "female",
    ltot = true, meets_fill_rule = true, labeled = true, excluded = false,
    med = 40, med_unknown = false, benzo_overlap_days = 0, oud = false, overdose_ever = false,
    risk = "moderate", review_interval = 182,
    last = { udt = ago(60), visit = ago(20), education = ago(120), agreement = ago(100) },
    fills = { opioid = ago(10) },
    scores = { peg = { score = 5, date = ago(20) } },
  }
  for k, v in pairs(over or {}) do p[k] = v end
  return p
end

local function run(id, facts, params)
  local gap, err = sixbb.run_check(id, facts, params)
  assert(err == nil, err)
  return gap
end

-- Asserts that `s` begins with `prefix`, compared as plain text.
local function starts(prefix, s)
  assert.equal(prefix, type(s) == "string" and s:sub(1, #prefix) or s)
end

local function entry(kind, id)
  for _, e in ipairs(sixbb.registry(kind)) do
    if e.id == id then return e end
  end
  error("no " .. kind .. " entry " .. id)
end

describe("a typical patient with care up to date", function()
  it("has no visits gaps", function()
    for _, id in ipairs({ "udt-due", "visit-due", "peg-due", "naloxone-due", "taper-plan-due", "education-due" }) do
      assert.equal(nil, run(id, patient()), id)
    end
  end)
end)

-- Sets the last date of an event `n` days before D (nil: never) on a fresh patient.
local function tiered(id, field, what)
  describe(id, function()
    for tier, n in pairs({ high = 90, moderate = 182, low = 365 }) do
      it("uses " .. n .. " days for " .. tier .. " risk", function()
        local function at(days)
          local p = patient { risk = tier }
          p.last[field] = ago(days)
          return run(id, p)
        end
        assert.equal(nil, at(n - 1))
        local gap = at(n)
        assert.equal("due", gap.severity)
        assert.equal(D, gap.due)
        starts("last " .. what .. " " .. ago(n) .. "; due " .. D .. " (" .. tier .. " risk: every " .. n .. " days)", gap.detail)
        assert.equal(ago(1), at(n + 1).due)
      end)
    end
    it("opens with no due date when never done", function()
      local p = patient()
      p.last[field] = nil
      local gap = run(id, p)
      assert.equal("due", gap.severity)
      assert.equal(nil, gap.due)
      starts("no " .. what .. " on record", gap.detail)
    end)
    it("follows a site interval", function()
      local p = patient { risk = "low" }
      p.last[field] = ago(90)
      assert.equal(nil, run(id, p))
      local site = { interval = { high = 90, moderate = 90, low = 90 } }
      assert.equal(D, run(id, p, site).due)
      p.last[field] = ago(89)
      assert.equal(nil, run(id, p, site))
    end)
  end)
end

tiered("udt-due", "udt", "UDT")
tiered("visit-due", "visit", "visit")

describe("visit-due detail", function()
  it("shows a booked visit or its absence", function()
    local p = patient { risk = "high", next_visit = "2026-07-08" }
    p.last.visit = ago(95)
    assert.equal("last visit " .. ago(95) .. "; due " .. ago(5) .. " (high risk: every 90 days); next visit booked 2026-07-08", run("visit-due", p).detail)
    p.next_visit = nil
    assert.match("; no visit booked$", run("visit-due", p).detail)
  end)
end)

-- A check whose window is a single `days` parameter, reading `set(p, date)`.
local function windowed(id, n, what, set)
  describe(id, function()
    local function at(days, params, over)
      local p = patient(over)
      set(p, days and ago(days))
      return run(id, p, params)
    end
    it("is closed at " .. (n - 1) .. " days and open at " .. n .. " and " .. (n + 1), function()
      assert.equal(nil, at(n - 1))
      local gap = at(n)
      assert.equal("due", gap.severity)
      assert.equal(D, gap.due)
      starts("last " .. what .. " " .. ago(n) .. "; due " .. D, gap.detail)
      assert.equal(ago(1), at(n + 1).due)
    end)
    it("opens with no due date when never done", function()
      local gap = at(nil)
      assert.equal(nil, gap.due)
      starts("no " .. what .. " on record", gap.detail)
    end)
    it("follows a site window", function()
      assert.equal(nil, at(n - 11))
      assert.equal(ago(1), at(n - 9, { days = n - 10 }).due)
    end)
  end)
end

windowed("peg-due", 90, "PEG", function(p, d) p.scores.peg = d and { score = 6, date = d } end)
windowed("education-due", 365, "patient education", function(p, d) p.last.education = d end)
windowed("taper-plan-due", 365, "taper plan", function(p, d) p.med = 95; p.last.taper_plan = d end)

describe("peg-due without any scores", function()
  it("treats a missing scores table as never", function()
    local p = patient()
    p.scores = nil
    assert.equal("no PEG on record", run("peg-due", p).detail)
  end)
end)

describe("taper-plan-due", function()
  it("applies at MED 90, not 89.9", function()
    assert.equal(nil, run("taper-plan-due", patient { med = 89.9 }))
    local gap = run("taper-plan-due", patient { med = 90 })
    assert.equal("no taper plan on record (current MED 90.0 ≥ 90)", gap.detail)
  end)
  it("is closed by a plan within the year", function()
    local p = patient { med = 150 }
    p.last.taper_plan = ago(364)
    assert.equal(nil, run("taper-plan-due", p))
  end)
  it("follows a site threshold", function()
    assert.truthy(run("taper-plan-due", patient { med = 70 }, { med = 70 }))
    assert.equal(nil, run("taper-plan-due", patient { med = 69.9 }, { med = 70 }))
  end)
end)

describe("naloxone-due", function()
  it("does not apply without a risk", function()
    assert.equal(nil, run("naloxone-due", patient { med = 49.9 }))
  end)
  it("applies at MED 50 and names it", function()
    local gap = run("naloxone-due", patient { med = 50 })
    assert.equal("due", gap.severity)
    assert.equal(nil, gap.due)
    assert.equal("no naloxone on record (current MED 50.0 ≥ 50)", gap.detail)
  end)
  it("applies to a benzodiazepine overlap alone", function()
    assert.equal("no naloxone on record (benzodiazepine overlap 2 of last 30 days)",
      run("naloxone-due", patient { benzo_overlap_days = 2 }).detail)
  end)
  it("applies to an OUD diagnosis alone", function()
    assert.equal("no naloxone on record (OUD diagnosis)", run("naloxone-due", patient { oud = true }).detail)
  end)
  it("applies to an overdose at any time", function()
    assert.equal("no naloxone on record (overdose on record)", run("naloxone-due", patient { overdose_ever = true }).detail)
    local p = patient()
    p.last.overdose = "2019-03-04"
    assert.equal("no naloxone on record (overdose on record)", run("naloxone-due", p).detail)
  end)
  it("lists every risk that applies", function()
    assert.equal("no naloxone on record (current MED 95.0 ≥ 50; OUD diagnosis; overdose on record)",
      run("naloxone-due", patient { med = 95, oud = true, overdose_ever = true }).detail)
  end)
  local function at(days, kind)
    local p = patient { med = 60 }
    if kind == "event" then p.last.naloxone = ago(days) else p.fills.naloxone = ago(days) end
    return run("naloxone-due", p)
  end
  for _, kind in ipairs({ "event", "fill" }) do
    it("counts a naloxone " .. kind .. " within 730 days", function()
      assert.equal(nil, at(729, kind))
      local gap = at(730, kind)
      assert.equal(D, gap.due)
      assert.equal("last naloxone " .. ago(730) .. "; due " .. D .. " (current MED 60.0 ≥ 50)", gap.detail)
      assert.equal(ago(1), at(731, kind).due)
    end)
  end
  it("uses the later of a naloxone event and fill", function()
    local p = patient { med = 60 }
    p.last.naloxone = ago(900)
    p.fills.naloxone = ago(100)
    assert.equal(nil, run("naloxone-due", p))
    p.last.naloxone, p.fills.naloxone = ago(100), ago(900)
    assert.equal(nil, run("naloxone-due", p))
    p.last.naloxone = ago(800)
    assert.equal(sixbb.date.add(ago(800), 730), run("naloxone-due", p).due)
  end)
  it("follows site thresholds", function()
    assert.equal(nil, run("naloxone-due", patient { med = 60 }, { med = 90 }))
    assert.truthy(run("naloxone-due", patient { med = 40 }, { med = 40 }))
    assert.equal(nil, run("naloxone-due", patient { benzo_overlap_days = 2 }, { benzo_min_days = 3 }))
    local p = patient { med = 60 }
    p.fills.naloxone = ago(400)
    assert.equal(D, run("naloxone-due", p, { days = 400 }).due)
  end)
end)

describe("peg instrument", function()
  local peg = entry("instruments", "peg")
  it("scores the mean of three items", function()
    assert.equal(3, peg.items)
    assert.near(5, peg.score({ 4, 5, 6 }), 1e-9)
    assert.near(19 / 3, peg.score({ 7, 6, 6 }), 1e-9)
    assert.equal(0, peg.score({ 0, 0, 0 }))
    assert.equal(10, peg.score({ 10, 10, 10 }))
  end)
  it("refuses wrong counts and values", function()
    assert.error(function() peg.score({ 4, 5 }) end, "peg expects 3 items from 0 to 10, got 2")
    assert.error(function() peg.score({ 4, 11, 5 }) end, "peg expects 3 items from 0 to 10, item 2 is 11")
    assert.error(function() peg.score({ 4, 5, -1 }) end, "item 3 is %-1")
    assert.error(function() peg.score({ 4.5, 5, 1 }) end, "item 1 is 4.5")
    assert.error(function() peg.score({ "4", 5, 1 }) end, "item 1 is 4")
  end)
end)

describe("visits milestones", function()
  it("shows when huddle lists were last produced", function()
    local m = entry("milestones", "visits-previsit-planning")
    assert.equal("huddle list last produced 2026-06-29 (1 day ago)", m.evidence({ as_of = D, last_huddle = "2026-06-29" }))
    assert.equal("no huddle list produced yet", m.evidence({ as_of = D }))
  end)
end)
