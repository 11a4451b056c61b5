-- Checks and milestones of the tracking plugin, tested at their boundaries.
local sixbb = require "sixbb"

local D = "2026-06-30"
local function ago(n) return sixbb.date.add(D, -n) end

-- A typical LtOT patient on D with every piece of care up to date.
local function patient(over)
  local p = {
    id = "P1", site = "S1", clinician = "C1", as_of = D, age = 54, sex = "female",
    ltot = true, ltot_rule = "seed", meets_fill_rule = true, labeled = true,
    label_code = "Z79.891", excluded = false, med = 60, med_unknown = false,
    benzo_overlap_days = 0, oud = false, overdose_ever = false,
    risk = "moderate", review_interval = 182,
    last = { pdmp_check = ago(30), udt = ago(60), agreement = ago(100), visit = ago(20) },
    fills = { opioid = ago(10) },
    scores = { ort = { score = 3, date = ago(300) } },
  }
  for k, v in pairs(over or {}) do p[k] = v end
  return p
end

local function run(id, facts, params)
  local gap, err = sixbb.run_check(id, facts, params)
  assert(err == nil, err)
  return gap
end

describe("a typical patient with care up to date", function()
  it("has no tracking gaps", function()
    for _, id in ipairs({ "ltot-unlabeled", "med-unknown", "high-dose", "benzo-overlap", "pdmp-due" }) do
      assert.equal(nil, run(id, patient()), id)
    end
  end)
end)

describe("ltot-unlabeled", function()
  it("opens when the fill rule is met without a label", function()
    local gap = run("ltot-unlabeled", patient { labeled = false })
    assert.equal("data", gap.severity)
    assert.equal(nil, gap.due)
    assert.match("no LtOT label", gap.detail)
  end)
  it("stays closed when labeled or when the fill rule is not met", function()
    assert.equal(nil, run("ltot-unlabeled", patient { labeled = true }))
    assert.equal(nil, run("ltot-unlabeled", patient { labeled = false, meets_fill_rule = false }))
  end)
  it("applies to patients meeting the fill rule", function()
    local entry
    for _, c in ipairs(sixbb.registry("checks")) do
      if c.id == "ltot-unlabeled" then entry = c end
    end
    assert.equal("fill_rule", entry.applies)
  end)
end)

describe("med-unknown", function()
  it("opens with the core's explanation", function()
    local gap = run("med-unknown", patient { med_unknown = true, med_unknown_detail = "fill 2026-06-01: unknown NDC" })
    assert.equal("data", gap.severity)
    assert.equal("fill 2026-06-01: unknown NDC", gap.detail)
  end)
  it("has a default explanation and stays closed when every MED is known", function()
    assert.match("no computable MED", run("med-unknown", patient { med_unknown = true }).detail)
    assert.equal(nil, run("med-unknown", patient { med_unknown = false }))
  end)
end)

describe("high-dose", function()
  it("flags MED 90 and above, not 89.9", function()
    assert.equal(nil, run("high-dose", patient { med = 89.9 }))
    local gap = run("high-dose", patient { med = 90 })
    assert.equal("flag", gap.severity)
    assert.equal("current MED 90.0 (≥ 90)", gap.detail)
    assert.equal("current MED 120.0 (≥ 90)", run("high-dose", patient { med = 120 }).detail)
  end)
  it("treats a missing MED as zero", function()
    local p = patient()
    p.med = nil
    assert.equal(nil, run("high-dose", p))
  end)
  it("follows a site threshold", function()
    assert.equal(nil, run("high-dose", patient { med = 80 }))
    assert.equal("current MED 80.0 (≥ 80)", run("high-dose", patient { med = 80 }, { med = 80 }).detail)
    assert.equal(nil, run("high-dose", patient { med = 79.9 }, { med = 80 }))
  end)
end)

describe("benzo-overlap", function()
  it("flags one overlap day within 30 days, not zero", function()
    assert.equal(nil, run("benzo-overlap", patient { benzo_overlap_days = 0 }))
    local p = patient { benzo_overlap_days = 1 }
    p.fills.benzo = ago(12)
    local gap = run("benzo-overlap", p)
    assert.equal("flag", gap.severity)
    assert.equal("opioid and benzodiazepine overlap on 1 of the last 30 days; last benzodiazepine fill " .. ago(12), gap.detail)
  end)
  it("treats missing overlap as none and follows a site minimum", function()
    local p = patient()
    p.benzo_overlap_days = nil
    assert.equal(nil, run("benzo-overlap", p))
    assert.equal(nil, run("benzo-overlap", patient { benzo_overlap_days = 4 }, { min_days = 5 }))
    assert.truthy(run("benzo-overlap", patient { benzo_overlap_days = 5 }, { min_days = 5 }))
  end)
end)

describe("pdmp-due", function()
  local tiers = { high = 90, moderate = 182, low = 365 }
  for tier, n in pairs(tiers) do
    it("uses " .. n .. " days for " .. tier .. " risk", function()
      local function at(days)
        local p = patient { risk = tier }
        p.last.pdmp_check = ago(days)
        return run("pdmp-due", p)
      end
      assert.equal(nil, at(n - 1))
      local gap = at(n)
      assert.equal("due", gap.severity)
      assert.equal(D, gap.due)
      assert.equal("last PDMP check " .. ago(n) .. "; due " .. D .. " (" .. tier .. " risk: every " .. n .. " days)", gap.detail)
      assert.equal(ago(1), at(n + 1).due)
    end)
  end
  it("opens with no due date when no check is on record", function()
    local p = patient()
    p.last.pdmp_check = nil
    local gap = run("pdmp-due", p)
    assert.equal(nil, gap.due)
    assert.match("^no PDMP check on record", gap.detail)
    p.last = nil
    assert.match("^no PDMP check on record", run("pdmp-due", p).detail)
  end)
  it("follows a site interval", function()
    local p = patient { risk = "low" }
    p.last.pdmp_check = ago(90)
    assert.equal(nil, run("pdmp-due", p))
    local gap = run("pdmp-due", p, { interval = { high = 90, moderate = 90, low = 90 } })
    assert.equal(D, gap.due)
    p.last.pdmp_check = ago(89)
    assert.equal(nil, run("pdmp-due", p, { interval = { high = 90, moderate = 90, low = 90 } }))
  end)
  it("keeps the other tiers when a site changes one", function()
    local p = patient { risk = "moderate" }
    p.last.pdmp_check = ago(181)
    assert.equal(nil, run("pdmp-due", p, { interval = { high = 60 } }))
    p.risk = "high"
    p.last.pdmp_check = ago(60)
    assert.equal(D, run("pdmp-due", p, { interval = { high = 60 } }).due)
  end)
  it("uses the shortest interval when the tier is unknown", function()
    local p = patient()
    p.risk = nil
    p.last.pdmp_check = ago(90)
    assert.match("risk tier unknown: every 90 days", run("pdmp-due", p).detail)
    p.last.pdmp_check = ago(89)
    assert.equal(nil, run("pdmp-due", p))
  end)
end)

describe("clinician-pdmp-unregistered", function()
  local function clinician(over)
    local c = { id = "C1", site = "S1", as_of = D, role = "prescriber", ltot_patients = 12 }
    for k, v in pairs(over or {}) do c[k] = v end
    return c
  end
  it("opens for an unregistered clinician with LtOT patients", function()
    local gap = run("clinician-pdmp-unregistered", clinician())
    assert.equal("program", gap.severity)
    assert.equal("12 LtOT patients; no PDMP registration on record", gap.detail)
    assert.equal("1 LtOT patient; no PDMP registration on record",
      run("clinician-pdmp-unregistered", clinician { ltot_patients = 1 }).detail)
  end)
  it("stays closed when registered or with no LtOT patients", function()
    assert.equal(nil, run("clinician-pdmp-unregistered", clinician { pdmp_registered = "2025-01-10" }))
    assert.equal(nil, run("clinician-pdmp-unregistered", clinician { ltot_patients = 0 }))
    local c = clinician()
    c.ltot_patients = nil
    assert.equal(nil, run("clinician-pdmp-unregistered", c))
  end)
  it("is a clinician-level check", function()
    for _, c in ipairs(sixbb.registry("checks")) do
      if c.id == "clinician-pdmp-unregistered" then assert.equal("clinician", c.level) end
    end
  end)
end)

describe("tracking milestones", function()
  local function milestone(id)
    for _, m in ipairs(sixbb.registry("milestones")) do
      if m.id == id then return m end
    end
    error("no milestone " .. id)
  end
  local e = {
    as_of = D, ltot_patients = 90, ltot_labeled = 85, fill_rule_patients = 80, fill_rule_labeled = 74,
    prescribers = 16, prescribers_registered = 14, current_fills = 120, current_fills_computable = 116,
    last_dashboard = "2026-06-01", last_evaluation = D,
  }
  it("shows live evidence", function()
    assert.equal("74 of 80 patients meeting the LtOT fill rule are labeled (93%)", milestone("tracking-ltot-labeled").evidence(e))
    assert.equal("14 of 16 prescribers registered with the PDMP (88%)", milestone("tracking-pdmp-registered").evidence(e))
    assert.equal("116 of 120 current opioid fills have a computable MED (97%)", milestone("tracking-med-calculation").evidence(e))
    assert.equal("dashboard last produced 2026-06-01 (29 days ago)", milestone("tracking-dashboard").evidence(e))
    assert.equal("care-gap review last run 2026-06-30 (today)", milestone("tracking-care-gaps").evidence(e))
  end)
  it("says when there is nothing yet", function()
    local none = { as_of = D, fill_rule_patients = 0, fill_rule_labeled = 0, prescribers = 0, prescribers_registered = 0 }
    assert.equal("no patients meet the LtOT fill rule yet", milestone("tracking-ltot-labeled").evidence(none))
    assert.equal("no opioid prescribers on record yet", milestone("tracking-pdmp-registered").evidence(none))
    assert.equal("no dashboard produced yet", milestone("tracking-dashboard").evidence(none))
    assert.equal("no care-gap review run yet", milestone("tracking-care-gaps").evidence(none))
    assert.equal(nil, milestone("tracking-med-calculation").evidence({}))
  end)
end)
