-- Checks and instruments of the complex-needs plugin, tested at their boundaries.
local sixbb = require "sixbb"

local D = "2026-06-30"
local function ago(n) return sixbb.date.add(D, -n) end

-- A typical LtOT patient on D: screened, negative screens, no OUD.
local function patient(over)
  local p = {
    id = "P1", site = "S1", clinician = "C1", as_of = D, age = 54, sex = "female",
    ltot = true, excluded = false, med = 40, oud = false, overdose_ever = false,
    risk = "moderate", review_interval = 182,
    last = { visit = ago(20) },
    fills = { opioid = ago(10) },
    scores = {
      phq9 = { score = 4, date = ago(100) },
      gad7 = { score = 3, date = ago(100) },
      comm = { score = 2, date = ago(100) },
      ort = { score = 3, date = ago(300) },
    },
  }
  for k, v in pairs(over or {}) do p[k] = v end
  return p
end

local function run(id, facts, params)
  local gap, err = sixbb.run_check(id, facts, params)
  assert(err == nil, err)
  return gap
end

local function instrument(id)
  for _, e in ipairs(sixbb.registry("instruments")) do
    if e.id == id then return e end
  end
  error("no instrument " .. id)
end

local function rep(v, n)
  local t = {}
  for i = 1, n do t[i] = v end
  return t
end

describe("a typical screened patient", function()
  it("has no complex-needs gaps", function()
    for _, id in ipairs({ "depression-screen-due", "bh-referral-due", "oud-treatment-due", "risk-screen-due" }) do
      assert.equal(nil, run(id, patient()), id)
    end
  end)
end)

describe("depression-screen-due", function()
  local function at(id, days, params)
    local p = patient()
    p.scores.phq9 = nil
    if days then p.scores[id] = { score = 1, date = ago(days) } end
    return run("depression-screen-due", p, params)
  end
  for _, id in ipairs({ "phq9", "phq2" }) do
    it("counts a " .. id .. " within 365 days", function()
      assert.equal(nil, at(id, 364))
      local gap = at(id, 365)
      assert.equal("due", gap.severity)
      assert.equal(D, gap.due)
      local label = id == "phq9" and "PHQ-9" or "PHQ-2"
      assert.equal("last depression screen (" .. label .. ") " .. ago(365) .. "; due " .. D, gap.detail)
      assert.equal(ago(1), at(id, 366).due)
    end)
  end
  it("uses the later of PHQ-9 and PHQ-2", function()
    local p = patient()
    p.scores.phq9 = { score = 3, date = ago(500) }
    p.scores.phq2 = { score = 1, date = ago(200) }
    assert.equal(nil, run("depression-screen-due", p))
  end)
  it("opens with no due date when never screened", function()
    local gap = at("phq9", nil)
    assert.equal(nil, gap.due)
    assert.equal("no depression screen (PHQ-9 or PHQ-2) on record", gap.detail)
    local p = patient()
    p.scores = nil
    assert.equal("no depression screen (PHQ-9 or PHQ-2) on record", run("depression-screen-due", p).detail)
  end)
  it("follows site parameters", function()
    assert.equal(D, at("phq2", 180, { days = 180 }).due)
    assert.equal("no depression screen (PHQ-9) on record", at("phq2", 10, { instruments = { "phq9" } }).detail)
  end)
end)

describe("bh-referral-due", function()
  local function with(phq9, gad7, referral)
    local p = patient()
    p.scores.phq9 = phq9 and { score = phq9[1], date = ago(phq9[2]) }
    p.scores.gad7 = gad7 and { score = gad7[1], date = ago(gad7[2]) }
    p.last.referral_bh = referral and ago(referral)
    return p
  end
  it("opens at PHQ-9 10, not 9", function()
    assert.equal(nil, run("bh-referral-due", with({ 9, 40 })))
    local gap = run("bh-referral-due", with({ 10, 40 }))
    assert.equal("due", gap.severity)
    assert.equal(ago(40), gap.due)
    assert.equal("PHQ-9 10 on " .. ago(40) .. " (≥ 10); no behavioral-health referral on record", gap.detail)
  end)
  it("opens at GAD-7 10, not 9", function()
    assert.equal(nil, run("bh-referral-due", with(nil, { 9, 40 })))
    assert.equal(ago(40), run("bh-referral-due", with(nil, { 10, 40 })).due)
  end)
  it("is closed by a referral on or after the assessment, not before", function()
    local before = run("bh-referral-due", with({ 14, 40 }, nil, 41))
    assert.equal("PHQ-9 14 on " .. ago(40) .. " (≥ 10); last behavioral-health referral " .. ago(41) .. " is before it", before.detail)
    assert.equal(nil, run("bh-referral-due", with({ 14, 40 }, nil, 40)))
    assert.equal(nil, run("bh-referral-due", with({ 14, 40 }, nil, 39)))
  end)
  it("uses the earlier positive assessment when both are positive", function()
    assert.equal(nil, run("bh-referral-due", with({ 12, 60 }, { 11, 20 }, 40)))
    assert.equal(ago(60), run("bh-referral-due", with({ 12, 60 }, { 11, 20 }, 61)).due)
    assert.equal(ago(60), run("bh-referral-due", with({ 12, 20 }, { 11, 60 })).due)
  end)
  it("can use the later positive assessment instead", function()
    local gap = run("bh-referral-due", with({ 12, 60 }, { 11, 20 }, 40), { trigger = "latest" })
    assert.equal(ago(20), gap.due)
    assert.match("^GAD%-7 11", gap.detail)
  end)
  it("follows site cut-offs", function()
    assert.equal(nil, run("bh-referral-due", with({ 12, 40 }), { phq9 = 15 }))
    assert.truthy(run("bh-referral-due", with(nil, { 8, 40 }), { gad7 = 8 }))
  end)
end)

describe("oud-treatment-due", function()
  local function with(over, comm)
    local p = patient(over)
    if comm then p.scores.comm = { score = comm[1], date = ago(comm[2]) } end
    return p
  end
  it("opens for an OUD diagnosis without treatment", function()
    local gap = run("oud-treatment-due", with { oud = true, oud_date = ago(50) })
    assert.equal("due", gap.severity)
    assert.equal(ago(50), gap.due)
    assert.equal("OUD diagnosis " .. ago(50) .. "; no OUD referral or MOUD on record", gap.detail)
  end)
  it("opens at COMM 9, not 8", function()
    assert.equal(nil, run("oud-treatment-due", with({}, { 8, 30 })))
    local gap = run("oud-treatment-due", with({}, { 9, 30 }))
    assert.equal(ago(30), gap.due)
    assert.equal("COMM 9 on " .. ago(30) .. " (≥ 9); no OUD referral or MOUD on record", gap.detail)
  end)
  for _, source in ipairs({ "referral_oud", "moud", "fill" }) do
    it("is closed by " .. source .. " on the trigger date, not the day before", function()
      local function at(days)
        local p = with({ oud = true, oud_date = ago(50) })
        if source == "fill" then p.fills.moud = ago(days) else p.last[source] = ago(days) end
        return run("oud-treatment-due", p)
      end
      assert.equal(nil, at(50))
      assert.equal(nil, at(10))
      local gap = at(51)
      assert.equal(ago(50), gap.due)
      assert.equal("OUD diagnosis " .. ago(50) .. "; last OUD referral or MOUD " .. ago(51) .. " is before it", gap.detail)
    end)
  end
  it("uses the earlier of diagnosis and COMM dates", function()
    local p = with({ oud = true, oud_date = ago(200) }, { 12, 30 })
    p.last.referral_oud = ago(100)
    assert.equal(nil, run("oud-treatment-due", p))
    local gap = run("oud-treatment-due", p, { trigger = "latest" })
    assert.equal(ago(30), gap.due)
    p = with({ oud = true, oud_date = ago(30) }, { 12, 200 })
    p.last.moud = ago(100)
    assert.equal(nil, run("oud-treatment-due", p))
  end)
  it("accepts any treatment when the diagnosis has no date", function()
    local p = with { oud = true }
    assert.equal("OUD diagnosis; no OUD referral or MOUD on record", run("oud-treatment-due", p).detail)
    assert.equal(nil, run("oud-treatment-due", p).due)
    p.fills.moud = ago(700)
    assert.equal(nil, run("oud-treatment-due", p))
  end)
  it("follows a site COMM cut-off", function()
    assert.equal(nil, run("oud-treatment-due", with({}, { 9, 30 }), { comm = 10 }))
    assert.truthy(run("oud-treatment-due", with({}, { 10, 30 }), { comm = 10 }))
  end)
end)

describe("risk-screen-due", function()
  it("is closed by an ORT or ORT-OUD at any date", function()
    local p = patient()
    p.scores.ort = { score = 2, date = "2015-01-01" }
    assert.equal(nil, run("risk-screen-due", p))
    p.scores.ort = nil
    p.scores.ort_oud = { score = 1, date = ago(3000) }
    assert.equal(nil, run("risk-screen-due", p))
  end)
  it("opens with no due date when never screened", function()
    local p = patient()
    p.scores.ort = nil
    local gap = run("risk-screen-due", p)
    assert.equal("due", gap.severity)
    assert.equal(nil, gap.due)
    assert.equal("no ORT or ORT-OUD on record", gap.detail)
    p.scores = nil
    assert.equal("no ORT or ORT-OUD on record", run("risk-screen-due", p).detail)
  end)
end)

describe("instruments", function()
  it("scores PHQ-9 with bands and the item-9 flag", function()
    local phq9 = instrument("phq9").score
    local cases = { { 4, "minimal" }, { 5, "mild" }, { 9, "mild" }, { 10, "moderate" }, { 14, "moderate" },
      { 15, "moderately severe" }, { 19, "moderately severe" }, { 20, "severe" }, { 24, "severe" } }
    for _, c in ipairs(cases) do
      local items = rep(0, 9)
      local left = c[1]
      for i = 1, 8 do
        items[i] = math.min(3, left)
        left = left - items[i]
      end
      local score, label = phq9(items)
      assert.equal(c[1], score)
      assert.equal(c[2], label)
    end
    local score, label = phq9({ 3, 3, 3, 3, 3, 3, 3, 3, 3 })
    assert.equal(27, score)
    assert.equal("severe; item 9 positive: assess suicide risk", label)
    assert.equal("minimal; item 9 positive: assess suicide risk", select(2, phq9({ 0, 0, 0, 0, 0, 0, 0, 0, 1 })))
  end)
  it("refuses bad PHQ-9 answers", function()
    local phq9 = instrument("phq9").score
    assert.error(function() phq9({ 0, 1, 2, 5, 0, 0, 0, 0, 0 }) end, "phq9 expects 9 items from 0 to 3, item 4 is 5")
    assert.error(function() phq9(rep(1, 8)) end, "phq9 expects 9 items from 0 to 3, got 8")
    assert.error(function() phq9(nil) end, "got nil")
  end)
  it("scores PHQ-2 positive from 3", function()
    local phq2 = instrument("phq2").score
    assert.same({ 2, "negative" }, { phq2({ 1, 1 }) })
    assert.same({ 3, "positive" }, { phq2({ 2, 1 }) })
    assert.same({ 6, "positive" }, { phq2({ 3, 3 }) })
    assert.error(function() phq2({ 4, 0 }) end, "item 1 is 4")
  end)
  it("scores GAD-7 bands", function()
    local gad7 = instrument("gad7").score
    assert.same({ 4, "minimal" }, { gad7({ 1, 1, 1, 1, 0, 0, 0 }) })
    assert.same({ 5, "mild" }, { gad7({ 1, 1, 1, 1, 1, 0, 0 }) })
    assert.same({ 10, "moderate" }, { gad7({ 3, 3, 3, 1, 0, 0, 0 }) })
    assert.same({ 14, "moderate" }, { gad7({ 3, 3, 3, 3, 2, 0, 0 }) })
    assert.same({ 15, "severe" }, { gad7({ 3, 3, 3, 3, 3, 0, 0 }) })
    assert.same({ 21, "severe" }, { gad7(rep(3, 7)) })
    assert.error(function() gad7(rep(1, 9)) end, "gad7 expects 7 items from 0 to 3, got 9")
  end)
  it("scores COMM positive from 9", function()
    local comm = instrument("comm").score
    local items = rep(0, 17)
    items[1], items[2] = 4, 4
    assert.same({ 8, "negative" }, { comm(items) })
    items[3] = 1
    assert.same({ 9, "positive" }, { comm(items) })
    assert.same({ 68, "positive" }, { comm(rep(4, 17)) })
    items[17] = 5
    assert.error(function() comm(items) end, "comm expects 17 items from 0 to 4, item 17 is 5")
  end)
  it("scores PC-PTSD-5 positive from 3", function()
    local pc = instrument("pcptsd5").score
    assert.same({ 2, "negative" }, { pc({ 1, 1, 0, 0, 0 }) })
    assert.same({ 3, "positive" }, { pc({ 1, 1, 1, 0, 0 }) })
    assert.error(function() pc({ 1, 2, 0, 0, 0 }) end, "pcptsd5 expects 5 items of 0 %(no%) or 1 %(yes%), item 2 is 2")
  end)
  it("scores STOP-Bang bands", function()
    local sb = instrument("stopbang").score
    assert.same({ 2, "low" }, { sb({ 1, 1, 0, 0, 0, 0, 0, 0 }) })
    assert.same({ 3, "intermediate" }, { sb({ 1, 1, 1, 0, 0, 0, 0, 0 }) })
    assert.same({ 4, "intermediate" }, { sb({ 1, 1, 1, 1, 0, 0, 0, 0 }) })
    assert.same({ 5, "high" }, { sb({ 1, 1, 1, 1, 1, 0, 0, 0 }) })
    assert.same({ 8, "high" }, { sb(rep(1, 8)) })
    assert.error(function() sb(rep(1, 7)) end, "got 7")
  end)
  it("scores ORT-OUD one point per yes", function()
    local o = instrument("ort_oud").score
    assert.equal(0, o(rep(0, 9)))
    assert.equal(9, o(rep(1, 9)))
    assert.equal(3, o({ 1, 0, 1, 0, 1, 0, 0, 0, 0 }))
    assert.error(function() o(rep(1, 10)) end, "ort_oud expects 9 items")
  end)
  it("weights ORT items by sex", function()
    local ort = instrument("ort").score
    local female = { 1, 2, 4, 3, 4, 5, 1, 3, 2, 1 }
    local male = { 3, 3, 4, 3, 4, 5, 1, 0, 2, 1 }
    for i = 1, 10 do
      local items = rep(0, 10)
      items[i] = 1
      assert.equal(female[i], (ort(items, { sex = "female" })), "female item " .. i)
      assert.equal(male[i], (ort(items, { sex = "M" })), "male item " .. i)
    end
    assert.same({ 26, "high" }, { ort(rep(1, 10), { sex = "F" }) })
    assert.same({ 26, "high" }, { ort(rep(1, 10), { sex = "male" }) })
  end)
  it("bands ORT low 0-3, moderate 4-7, high from 8", function()
    local ort = instrument("ort").score
    -- family history of alcohol and of illegal drugs: female 1 + 2 = 3, male 3 + 3 = 6
    local items = { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }
    assert.same({ 3, "low" }, { ort(items, { sex = "female" }) })
    assert.same({ 6, "moderate" }, { ort(items, { sex = "male" }) })
    -- add age 16-45: female 4, male 7
    items[7] = 1
    assert.same({ 4, "moderate" }, { ort(items, { sex = "female" }) })
    assert.same({ 7, "moderate" }, { ort(items, { sex = "male" }) })
    -- add depression: male 8
    items[10] = 1
    assert.same({ 8, "high" }, { ort(items, { sex = "male" }) })
    assert.same({ 5, "moderate" }, { ort(items, { sex = "female" }) })
    -- preadolescent sexual abuse counts for female patients only
    local abuse = rep(0, 10)
    abuse[8] = 1
    assert.equal(3, (ort(abuse, { sex = "female" })))
    assert.equal(0, (ort(abuse, { sex = "male" })))
  end)
  it("uses the higher ORT scoring when sex is not recorded", function()
    local ort = instrument("ort").score
    local abuse = rep(0, 10)
    abuse[8] = 1
    local score, label = ort(abuse, {})
    assert.equal(3, score)
    assert.equal("low (sex not recorded: higher of female and male scoring)", label)
    local family = { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }
    assert.equal(6, (ort(family, nil)))
    assert.equal(6, (ort(family, { sex = "unknown" })))
  end)
  it("refuses bad ORT answers", function()
    local ort = instrument("ort").score
    assert.error(function() ort({ 1, 0, 0, 0, 0, 0, 0, 0, 0, 2 }, { sex = "F" }) end,
      "ort expects 10 items of 0 %(no%) or 1 %(yes%), item 10 is 2")
    assert.error(function() ort(rep(0, 9), { sex = "F" }) end, "got 9")
  end)
  it("declares item counts", function()
    local want = { phq9 = 9, phq2 = 2, gad7 = 7, comm = 17, pcptsd5 = 5, ort = 10, ort_oud = 9, stopbang = 8 }
    for id, n in pairs(want) do
      assert.equal(n, instrument(id).items, id)
      assert.equal("complex", instrument(id).plugin, id)
    end
  end)
end)
