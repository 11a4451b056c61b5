-- The sixbb API as plugins and scripts see it, run by `sixbb test` against a temporary site.
local sixbb = require "sixbb"

describe("sixbb.date", function()
  it("adds days and months and keeps nil as nil", function()
    assert.equal("2026-03-01", sixbb.date.add("2026-02-28", 1))
    assert.equal("2024-02-29", sixbb.date.add("2024-02-28", 1))
    assert.equal("2025-12-31", sixbb.date.add("2026-01-01", -1))
    assert.equal(nil, sixbb.date.add(nil, 90))
    assert.equal("2026-02-28", sixbb.date.add_months("2026-01-31", 1))
    assert.equal("2026-06-30", sixbb.date.month_end("2026-06-02"))
  end)
  it("measures differences and validates", function()
    assert.equal(365, sixbb.date.diff("2027-01-01", "2026-01-01"))
    assert.truthy(sixbb.date.valid("2026-12-31"))
    assert.falsy(sixbb.date.valid("2026-02-30"))
    assert.error(function() sixbb.date.add("2026-02-30", 1) end, "bad date")
    assert.equal(0, sixbb.date.weekday("2026-11-22"))
  end)
end)

describe("plugins", function()
  it("lists the six building blocks, program, and the reports plugins", function()
    local ids = {}
    for _, p in ipairs(sixbb.plugins()) do
      if p.status == "loaded" then ids[#ids + 1] = p.id end
    end
    table.sort(ids)
    assert.same({ "complex", "leadership", "measure-reports", "measuring", "policies", "program",
                  "program-reports", "reports", "tracking", "visits" }, ids)
  end)
  it("keeps the API read-only", function()
    assert.error(function() sixbb.version = "x" end, "read%-only")
    assert.error(function() sixbb.date.add = nil end, "read%-only")
    assert.equal("locked", getmetatable(sixbb))
  end)
  it("refuses unknown registry kinds", function()
    assert.error(function() sixbb.registry("widgets") end, "unknown registry kind")
    assert.equal("table", type(sixbb.registry("checks")))
  end)
  it("has a temporary site of its own", function()
    assert.equal("string", type(spec_site))
    assert.match("sixbb%-spec%-", spec_site)
  end)
end)
