-- What the six built-in plugins register together: every check of the care-gap rules in its
-- plugin, self-assessment items 1-22, the milestones of each block and the instruments.
local sixbb = require "sixbb"

local function by(kind, key)
  local out = {}
  for _, e in ipairs(sixbb.registry(kind)) do out[e[key]] = e end
  return out
end

local CHECKS = {
  ["ltot-unlabeled"] = "tracking", ["med-unknown"] = "tracking", ["high-dose"] = "tracking",
  ["benzo-overlap"] = "tracking", ["pdmp-due"] = "tracking",
  ["clinician-pdmp-unregistered"] = "tracking", ["agreement-due"] = "policies",
  ["udt-due"] = "visits", ["visit-due"] = "visits", ["peg-due"] = "visits",
  ["naloxone-due"] = "visits", ["taper-plan-due"] = "visits", ["education-due"] = "visits",
  ["depression-screen-due"] = "complex", ["bh-referral-due"] = "complex",
  ["oud-treatment-due"] = "complex", ["risk-screen-due"] = "complex",
  ["team-meeting-due"] = "leadership",
}

-- The numbers each check must expose as parameters, with their defaults.
local PARAMS = {
  ["high-dose"] = { med = 90 },
  ["benzo-overlap"] = { min_days = 1 },
  ["pdmp-due"] = { interval = { high = 90, moderate = 182, low = 365 } },
  ["clinician-pdmp-unregistered"] = { min_patients = 1 },
  ["agreement-due"] = { days = 365 },
  ["udt-due"] = { interval = { high = 90, moderate = 182, low = 365 } },
  ["visit-due"] = { interval = { high = 90, moderate = 182, low = 365 } },
  ["peg-due"] = { days = 90 },
  ["naloxone-due"] = { med = 50, benzo_min_days = 1, days = 730 },
  ["taper-plan-due"] = { med = 90, days = 365 },
  ["education-due"] = { days = 365 },
  ["depression-screen-due"] = { days = 365, instruments = { "phq9", "phq2" } },
  ["bh-referral-due"] = { phq9 = 10, gad7 = 10, trigger = "earliest" },
  ["oud-treatment-due"] = { comm = 9, trigger = "earliest" },
  ["risk-screen-due"] = { instruments = { "ort", "ort_oud" } },
  ["team-meeting-due"] = { days = 31, meeting = "improvement_team" },
  ["ltot-unlabeled"] = {},
  ["med-unknown"] = {},
}

describe("checks", function()
  local checks = by("checks", "id")
  it("registers each of the 18 checks in its plugin", function()
    local n = 0
    for id, owner in pairs(CHECKS) do
      assert(checks[id], "missing check " .. id)
      assert.equal(owner, checks[id].plugin, id)
      n = n + 1
    end
    local total = 0
    -- Only the six blocks' checks: other built-in plugins (program-reports) register their own.
    local blocks = { leadership = true, policies = true, tracking = true, visits = true,
                     complex = true, measuring = true }
    for _, c in ipairs(sixbb.registry("checks")) do
      if blocks[c.plugin] then
        if CHECKS[c.id] == nil then error("unexpected check " .. c.id) end
        total = total + 1
      end
    end
    assert.equal(18, n)
    assert.equal(18, total)
  end)
  it("gives every check a title, a description, a severity and its parameters", function()
    for id in pairs(CHECKS) do
      local c = checks[id]
      assert.equal("string", type(c.title), id)
      assert(#c.description > 40, id .. " needs a description")
      assert(({ due = true, flag = true, data = true, program = true })[c.severity], id .. " severity")
      assert.same(PARAMS[id], c.params, id .. " params")
    end
  end)
  it("sets level and applies", function()
    for id in pairs(CHECKS) do
      local c = checks[id]
      if id == "clinician-pdmp-unregistered" then
        assert.equal("clinician", c.level)
        assert.equal(nil, c.applies)
      elseif id == "team-meeting-due" then
        assert.equal("site", c.level)
        assert.equal(nil, c.applies)
      else
        assert.equal(nil, c.level, id)
        assert.equal(id == "ltot-unlabeled" and "fill_rule" or "ltot", c.applies, id)
      end
    end
  end)
  it("returns nil or a gap with severity and detail for an empty patient", function()
    for id, owner in pairs(CHECKS) do
      local gap, err = sixbb.run_check(id, { id = "P0", as_of = "2026-06-30" })
      assert(err == nil, err)
      if gap then
        assert.equal(checks[id].severity, gap.severity, id)
        assert.equal("string", type(gap.detail), id)
      end
    end
  end)
end)

describe("self-assessment", function()
  it("has items 1-22 once each, with a topic and four levels, in the right blocks", function()
    local owner = {}
    for item = 1, 3 do owner[item] = "leadership" end
    for item = 4, 7 do owner[item] = "policies" end
    for item = 8, 10 do owner[item] = "tracking" end
    for item = 11, 15 do owner[item] = "visits" end
    for item = 16, 20 do owner[item] = "complex" end
    for item = 21, 22 do owner[item] = "measuring" end
    local seen, count = {}, 0
    for _, a in ipairs(sixbb.registry("assessment")) do
      assert.equal(nil, seen[a.item], "item " .. a.item .. " twice")
      seen[a.item] = true
      count = count + 1
      assert.equal(owner[a.item], a.plugin, "item " .. a.item)
      assert(#a.topic > 0)
      assert.equal(4, #a.levels)
      local distinct = {}
      for _, l in ipairs(a.levels) do
        assert(#l > 15, "item " .. a.item .. " level too short")
        assert.equal(nil, distinct[l], "item " .. a.item .. " repeats a level")
        distinct[l] = true
      end
    end
    assert.equal(22, count)
  end)
end)

describe("milestones", function()
  it("has the Design & Implement milestones of each block with unique ids", function()
    local want = { leadership = 3, policies = 4, tracking = 5, visits = 6, complex = 5, measuring = 2 }
    local got, ids = {}, {}
    for _, m in ipairs(sixbb.registry("milestones")) do
      got[m.plugin] = (got[m.plugin] or 0) + 1
      assert.equal(nil, ids[m.id], m.id .. " twice")
      ids[m.id] = true
      assert.equal(1, m.id:find(m.plugin .. "-", 1, true), m.id .. " is prefixed with its block")
      assert(#m.title > 0 and #(m.description or "") > 0, m.id)
    end
    assert.same(want, got)
  end)
  it("shows evidence for labels, PDMP, MED, dashboard, huddles, care gaps and reviews", function()
    local ms = by("milestones", "id")
    local e = { as_of = "2026-06-30", fill_rule_patients = 10, fill_rule_labeled = 9, prescribers = 4,
      prescribers_registered = 4, current_fills = 20, current_fills_computable = 20,
      last_dashboard = "2026-06-01", last_huddle = "2026-06-30", last_evaluation = "2026-06-30" }
    for _, id in ipairs({ "tracking-ltot-labeled", "tracking-pdmp-registered", "tracking-med-calculation",
      "tracking-dashboard", "tracking-care-gaps", "visits-previsit-planning", "measuring-metric-reviewed" }) do
      assert.equal("function", type(ms[id].evidence), id)
      assert.equal("string", type(ms[id].evidence(e)), id)
    end
    assert.equal("measures last reported 2026-06-01 (29 days ago)", ms["measuring-metric-reviewed"].evidence(e))
    assert.equal("no measures report produced yet", ms["measuring-metric-reviewed"].evidence({}))
  end)
end)

describe("instruments", function()
  it("registers the nine instruments", function()
    local ids = {}
    for _, i in ipairs(sixbb.registry("instruments")) do ids[#ids + 1] = i.id end
    table.sort(ids)
    assert.same({ "comm", "gad7", "ort", "ort_oud", "pcptsd5", "peg", "phq2", "phq9", "stopbang" }, ids)
  end)
end)
