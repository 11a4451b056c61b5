#!/usr/bin/env bash
# Adversarial plugins: each attack must fail cleanly with a clear message, within its limits,
# while the ten built-ins and a well-behaved site plugin
# beside it keep working.
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null
echo 'return { limits = { memory_mb = 128 } }' > s/sixbb.lua
cat > s/plugins/zz_good.lua <<'LUA'
-- Uses the library functions the attacks try to break for everyone.
local x = string.format("%d", 3)
local t = {}
table.insert(t, x)
assert(("abc"):upper() == "ABC" and #t == 1 and math.floor(2.5) == 2)
return sixbb.plugin { id = "zz_good", block = "Well behaved" }
LUA

# attack NAME MAX_MS EXPECTED-ERROR LUA...
attack() {
  local name=$1 max_ms=$2 expected=$3; shift 3
  printf '%s\n' "$@" "return sixbb.plugin { id = \"$name\", block = \"x\" }" > "s/plugins/$name.lua"
  local t0; t0=$(ms)
  expect_rc 0 "$SIXBB" -C s plugins --json
  local elapsed=$(( $(ms) - t0 ))
  [ "$elapsed" -le "$max_ms" ] || fail "$name took ${elapsed} ms (limit ${max_ms} ms)"
  local status error
  status=$(echo "$out" | jq -r ".plugins[] | select(.file | endswith(\"/$name.lua\")) | .status")
  error=$(echo "$out" | jq -r ".plugins[] | select(.file | endswith(\"/$name.lua\")) | .error")
  equals "$status" failed "$name status"
  contains "$error" "$expected" "$name error"
  equals "$(echo "$out" | jq '[.plugins[] | select(.status == "loaded")] | length')" 11 "$name: plugins still loaded"
  equals "$(echo "$out" | jq -r '.plugins[] | select(.id == "zz_good") | .status')" loaded "$name: good plugin"
  rm "s/plugins/$name.lua"
}

attack loop 3000 "loop.lua:1: stopped: exceeded the time limit" 'while true do end'
attack pcall_loop 3000 "stopped: exceeded the time limit" 'while true do pcall(function() while true do end end) end'
attack xpcall_handler_loop 3000 "stopped: exceeded the time limit" \
  'while true do xpcall(function() while true do end end, function() while true do end end) end'
attack xpcall_error_loop 3000 "stopped: exceeded the time limit" \
  'while true do xpcall(function() error("x") end, function() while true do end end) end'
attack coroutine_loop 3000 "stopped: exceeded the time limit" \
  'while true do coroutine.resume(coroutine.create(function() while true do end end)) end'
attack close_loop 3000 "stopped: exceeded the time limit" \
  'while true do pcall(function() local x <close> = setmetatable({}, {__close = function() while true do end end}); error("y") end) end'
attack gc_finalizer 3000 "__gc metamethods are not allowed" 'setmetatable({}, {__gc = function() while true do end end})'
attack memory_bomb 5000 "" 'local t = {} for i = 1, 1e9 do t[i] = {i, i, i, i} end'
attack rep_bomb 3000 "not enough memory" 'local s = string.rep("x", 1e9)'
attack rep_bomb_pcall 3000 "not enough memory" 'while true do pcall(string.rep, "x", 1e9) end'
attack concat_bomb 5000 "" 'local s = "x" while true do s = s .. s end'
attack deep_recursion 3000 "stack overflow" 'local function f(n) return 1 + f(n + 1) end f(1)'
attack io_access 3000 "attempt to index a nil value (global 'io')" 'io.open("/etc/passwd")'
attack os_execute 3000 "attempt to call a nil value (field 'execute')" 'os.execute("touch /tmp/sixbb-pwned")'
attack os_exit 3000 "attempt to call a nil value (field 'exit')" 'os.exit(3)'
attack os_getenv 3000 "attempt to call a nil value (field 'getenv')" 'os.getenv("HOME")'
attack load_call 3000 "attempt to call a nil value (global 'load')" 'load("return 1")()'
attack loadstring_call 3000 "global 'loadstring'" 'loadstring("return 1")()'
attack dofile_call 3000 "global 'dofile'" 'dofile("/etc/passwd")'
attack require_io 3000 "module 'io' is not available in the sandbox" 'require("io")'
attack require_path 3000 "not available in the sandbox" 'require("../../etc/passwd")'
attack debug_access 3000 "attempt to index a nil value (global 'debug')" 'debug.getinfo(1)'
attack package_access 3000 "global 'package'" 'package.loadlib("libc.so.6", "system")'
attack string_dump 3000 "field 'dump'" 'string.dump(function() end)'
attack collectgarbage_call 3000 "global 'collectgarbage'" 'collectgarbage("stop")'
attack api_write 3000 "attempt to modify a read-only table (field 'plugin')" 'sixbb.plugin = nil'
attack api_nested_write 3000 "attempt to modify a read-only table (field 'add')" 'sixbb.date.add = print'
attack string_dump_method 3000 "field 'dump'" '("").dump(function() end)'
attack registry_nested_write 3000 "attempt to modify a read-only table (field 'days')" \
  'for _, c in ipairs(sixbb.registry("checks")) do if type(c.params) == "table" then c.params.days = 99999 end end'
attack api_rawset 3000 "attempt to modify a read-only table" 'rawset(sixbb, "x", 1)'
attack api_setmetatable 3000 "cannot change a protected metatable" 'setmetatable(sixbb, {})'
attack string_metatable 3000 "attempt to index a nil value" 'getmetatable("").__index.upper = nil'
attack env_metatable 3000 "attempt to call a nil value (field 'write')" 'setmetatable(_ENV, { __index = function(_, k) return k end }) local f = rawget(_ENV, "io") io.write("x")'
[ ! -e /tmp/sixbb-pwned ] || fail "os.execute ran"

# Bytecode is refused even with a .lua name.
printf '\x1bLua\x54\x00\x19\x93\r\n\x1a\n' > s/plugins/bytecode.lua
expect_rc 0 "$SIXBB" -C s plugins --json
contains "$(echo "$out" | jq -r '.plugins[] | select(.file | endswith("bytecode.lua")) | .error')" "bytecode"
rm s/plugins/bytecode.lua

# One plugin tampering with its own copies of the libraries does not affect the next one.
cat > s/plugins/aa_tamper.lua <<'LUA'
string.format = nil; table.insert = nil; math.floor = nil
return sixbb.plugin { id = "aa_tamper", block = "x" }
LUA
expect_rc 0 "$SIXBB" -C s plugins --json
equals "$(echo "$out" | jq -r '.plugins[] | select(.id == "zz_good") | .status')" loaded "good plugin after tampering"
rm s/plugins/aa_tamper.lua

# A check that loops forever is stopped in under a second, naming plugin, check and file:line,
# and the next check still runs.
cat > s/plugins/spinner.lua <<'LUA'
return sixbb.plugin {
  id = "spinner", block = "x",
  checks = {
    { id = "spin", title = "Loops", run = function(p) while true do pcall(function() while true do end end) end end },
    { id = "fine", title = "Works", run = function(p) return { detail = "fine " .. p.id } end },
    { id = "late", title = "Registers late", run = function(p) return sixbb.plugin { id = "again", block = "y" } end },
  },
}
LUA
cat > try.lua <<'LUA'
local t0 = os.clock()
local r, err = sixbb.run_check("spin", { id = "P1" })
assert(r == nil)
print(err)
print(string.format("elapsed %.3f", os.clock() - t0))
print(sixbb.run_check("fine", { id = "P2" }).detail)
print(select(2, sixbb.run_check("late", { id = "P3" })))
LUA
t0=$(ms)
expect_rc 0 "$SIXBB" -C s run try.lua
elapsed=$(( $(ms) - t0 ))
contains "$out" "plugin 'spinner', check 'spin': "
contains "$out" "spinner.lua:4: stopped: exceeded the time limit"
contains "$out" "fine P2"
contains "$out" "plugins can only register while their file is loading"
[ "$elapsed" -lt 1000 ] || fail "looping check took ${elapsed} ms"
ok
done_ok
