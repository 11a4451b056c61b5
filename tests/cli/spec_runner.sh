#!/usr/bin/env bash
# sixbb test: passing and failing specs, the closing tally, runaway tests, site plugins tested
# against a temporary copy of the site.
source "$SIXBB_SOURCE/tests/lib.sh"
cat > pass_spec.lua <<'LUA'
describe("arithmetic", function()
  local n
  before_each(function() n = 2 end)
  it("adds", function() assert.equal(4, n + 2) end)
  it("compares tables", function() assert.same({ a = { 1, 2 } }, { a = { 1, 2 } }) end)
end)
LUA
expect_rc 0 "$SIXBB" test pass_spec.lua
contains "$out" "2 passed, 0 failed"

cat > fail_spec.lua <<'LUA'
it("is wrong", function() assert.equal(5, 2 + 2) end)
it("spins", function() while true do end end)
it("is right", function() assert(true) end)
LUA
expect_rc 1 "$SIXBB" test fail_spec.lua
contains "$out" "1 passed, 2 failed"
contains "$out" "expected 5, got 4"
contains "$out" "fail_spec.lua:1:"
contains "$out" "exceeded the time limit"

echo 'local x = ' > syntax_spec.lua
expect_rc 1 "$SIXBB" test syntax_spec.lua
contains "$out" "syntax_spec.lua:"
expect_rc 1 "$SIXBB" test no_such_spec.lua
expect_rc 2 "$SIXBB" test

# A folder is searched for *_spec.lua files.
mkdir d && cp pass_spec.lua d/a_spec.lua && cp pass_spec.lua d/b_spec.lua && echo 'error("not a spec")' > d/helper.lua
expect_rc 0 "$SIXBB" test d
contains "$out" "4 passed, 0 failed"

# A clinic tests its own site plugin: the spec runs against a copy, never the site itself.
"$SIXBB" init site >/dev/null
cat > site/plugins/local.lua <<'LUA'
return sixbb.plugin { id = "local", block = "Ours",
  checks = { { id = "always", title = "Always a gap", run = function(p) return { detail = "gap for " .. p.id } end } } }
LUA
mkdir site/tests
cat > site/tests/local_spec.lua <<'LUA'
it("finds the gap", function()
  assert.equal("gap for P9", sixbb.run_check("always", { id = "P9" }).detail)
end)
LUA
before=$(sha256sum site/sixbb.db)
expect_rc 0 "$SIXBB" -C site test
contains "$out" "1 passed, 0 failed"
equals "$(sha256sum site/sixbb.db)" "$before" "site database after tests"
# sixbb.run_check without params runs a check as evaluation does: its defaults with the site's
# settings merged over them (here a 10-day agreement interval), and with params, just those.
cat > site/sixbb.lua <<'LUA'
return { checks = { ["agreement-due"] = { days = 10 } } }
LUA
cat > site/tests/local_spec.lua <<'LUA'
local p = { id = "P9", as_of = "2026-06-30", last = { agreement = "2026-06-01" } }
it("uses the site's interval", function()
  local gap = sixbb.run_check("agreement-due", p)
  assert(gap, "expected a gap with the site's 10 days")
  assert.equal("2026-06-11", gap.due)
end)
it("uses the params it is given", function()
  assert.equal(nil, sixbb.run_check("agreement-due", p, { days = 365 }))
end)
LUA
expect_rc 0 "$SIXBB" -C site test
contains "$out" "2 passed, 0 failed"
done_ok
