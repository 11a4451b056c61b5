#!/usr/bin/env bash
# sixbb plugins: the six built-ins, site plugins that override or extend them, a broken site
# plugin reported with file:line while the others keep working, and config validation.
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null

expect_rc 0 "$SIXBB" -C s plugins --json
ids=$(echo "$out" | jq -r '[.plugins[] | select(.status == "loaded") | .id] | sort | join(",")')
equals "$ids" "complex,leadership,measure-reports,measuring,policies,program,program-reports,reports,tracking,visits" "built-in plugin ids"
equals "$(echo "$out" | jq -r '.plugins[] | select(.id == "visits") | .block')" \
  "Planned, patient-centered visits" "visits block title"
equals "$(echo "$out" | jq '.failed')" 0 "failed count"

# Works without a site too (built-ins only).
expect_rc 0 "$SIXBB" plugins --json
equals "$(echo "$out" | jq '.site')" null "site without a site"

# A syntax error in one site plugin; a good one beside it.
cat > s/plugins/broken.lua <<'LUA'
local sixbb = require "sixbb"
return sixbb.plugin {
  id = "broken", block = "x"
  checks = {},
}
LUA
cat > s/plugins/good.lua <<'LUA'
local sixbb = require "sixbb"
return sixbb.plugin {
  id = "good", block = "Local additions",
  milestones = { { id = "local-1", title = "A local milestone" } },
  checks = { { id = "local-check", title = "Local check", run = function() end } },
}
LUA
expect_rc 0 "$SIXBB" -C s plugins --json
equals "$(echo "$out" | jq -r '.plugins[] | select(.file | endswith("broken.lua")) | .status')" failed
contains "$(echo "$out" | jq -r '.plugins[] | select(.file | endswith("broken.lua")) | .error')" "broken.lua:4:" "syntax error location"
equals "$(echo "$out" | jq -r '.plugins[] | select(.id == "good") | .registered.milestones')" 1
equals "$(echo "$out" | jq -r '.plugins[] | select(.id == "good") | .registered.checks')" 1
equals "$(echo "$out" | jq '[.plugins[] | select(.source == "builtin" and .status == "loaded")] | length')" 10
equals "$(echo "$out" | jq '.failed')" 1
expect_rc 0 "$SIXBB" -C s plugins
contains "$out" "1 plugin failed to load"
rm s/plugins/broken.lua

# Field-by-field validation: unknown field with a suggestion, wrong type, bad nested entry.
check_error() { # FILE-CONTENT EXPECTED
  printf '%s\n' "$1" > s/plugins/bad.lua
  expect_rc 0 "$SIXBB" -C s plugins --json
  contains "$(echo "$out" | jq -r '.plugins[] | select(.file | endswith("bad.lua")) | .error')" "$2"
}
check_error 'return sixbb.plugin { id = "bad", block = "x", chekcs = {} }' "unknown field 'chekcs' in plugin (did you mean 'checks'?)"
check_error 'return sixbb.plugin { id = "bad", block = 42 }' "plugin.block must be a string, got number"
check_error 'return sixbb.plugin { id = "bad", block = "x", checks = { { id = "c", title = "t" } } }' "plugin.checks[1].run is required (a function)"
check_error 'return sixbb.plugin { id = "bad", block = "x", checks = { { id = "c", title = "t", run = print, sevrity = "x" } } }' "unknown field 'sevrity' in plugin.checks[1] (did you mean 'severity'?)"
check_error 'return sixbb.plugin { id = "bad", block = "x", assessment = { { item = 30, topic = "t", levels = {"a","b","c","d"} } } }' "must be 1-22"
check_error 'return sixbb.plugin { id = "Bad Id", block = "x" }' "may only use"
check_error 'local x = 1' "did not call sixbb.plugin"
check_error 'sixbb.plugin { id = "bad", block = "x" } sixbb.plugin { id = "bad2", block = "x" }' "called twice"
# Atomic registration: an error after the call registers nothing.
check_error 'sixbb.plugin { id = "bad", block = "x" } error("late failure")' "late failure"
equals "$(echo "$out" | jq '[.plugins[] | select(.id == "bad")] | length')" 0 "half-registered plugin"
rm s/plugins/bad.lua

# A site plugin with a built-in's id overrides it; one with `extends` adds to it.
cat > s/plugins/visits.lua <<'LUA'
return sixbb.plugin { id = "visits", block = "Our own visits block" }
LUA
mkdir -p s/plugins/extra
cat > s/plugins/extra/plugin.lua <<'LUA'
local helpers = require "helpers"
return sixbb.plugin { id = "extra", extends = "tracking", checks = { helpers.check } }
LUA
cat > s/plugins/extra/helpers.lua <<'LUA'
return { check = { id = "extra-check", title = "From a module", run = function() end } }
LUA
expect_rc 0 "$SIXBB" -C s plugins --json
equals "$(echo "$out" | jq -r '.plugins[] | select(.id == "visits" and .status == "loaded") | .block')" "Our own visits block"
equals "$(echo "$out" | jq -r '.plugins[] | select(.id == "visits" and .source == "builtin") | .status')" overridden
equals "$(echo "$out" | jq -r '.plugins[] | select(.id == "extra") | .extends')" tracking
equals "$(echo "$out" | jq -r '.plugins[] | select(.id == "extra") | .registered.checks')" 1

# Site config: unknown keys name the nearest valid one; wrong types are refused.
echo 'return { standrd = "cdc2016" }' > s/sixbb.lua
expect_rc 1 "$SIXBB" -C s plugins
contains "$err" "unknown setting 'standrd' (did you mean 'standard'?)"
echo 'return { limits = { check_second = 1 } }' > s/sixbb.lua
expect_rc 1 "$SIXBB" -C s plugins
contains "$err" "unknown setting 'limits.check_second' (did you mean 'limits.check_seconds'?)"
echo 'return { limits = { check_seconds = "fast" } }' > s/sixbb.lua
expect_rc 1 "$SIXBB" -C s plugins
contains "$err" "must be a number, got string"
echo 'return 42' > s/sixbb.lua
expect_rc 1 "$SIXBB" -C s plugins
contains "$err" "must return a table"
echo 'return { standard = "cdc2016", checks = { ["education-due"] = { enabled = false } } }' > s/sixbb.lua
expect_rc 0 "$SIXBB" -C s plugins

# disabled_plugins: the plugin still loads (its errors show) but registers nothing.
echo 'return { disabled_plugins = { "complex" } }' > s/sixbb.lua
expect_rc 0 "$SIXBB" -C s plugins --json
equals "$(echo "$out" | jq -r '.plugins[] | select(.id == "complex") | .status')" disabled
cat > reg.lua <<'LUA'
local n = 0
for _, c in ipairs(sixbb.registry("checks")) do if c.plugin == "complex" then n = n + 1 end end
print(n)
LUA
expect_rc 0 "$SIXBB" -C s run reg.lua
equals "$out" 0 "checks registered by a disabled plugin"
done_ok
