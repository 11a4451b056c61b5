#!/usr/bin/env bash
# SIGTERM stops the daemon promptly even when jobs are due back to back: each run here takes its
# whole time limit and the accelerated clock makes the next one due at once, so the daemon is
# never idle. (A timer re-armed with no delay used to keep it from ever seeing the signal.)
source "$SIXBB_SOURCE/tests/lib.sh"
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$T"' EXIT
"$SIXBB" init s >/dev/null
echo 'return { limits = { call_seconds = 1 } }' > s/sixbb.lua
cat > s/plugins/busy.lua <<'LUA'
return sixbb.plugin { id = "busy", block = "Test", jobs = { { id = "busy", schedule = "* * * * *",
  run = function(ctx) while true do end end } } }
LUA
SIXBB_FAKE_NOW=2026-01-05T07:59:59Z SIXBB_TIME_SCALE=600 "$SIXBB" -C s daemon 2> daemon.log &
pid=$!
for _ in $(seq 1 100); do grep -q "job busy failed" daemon.log 2>/dev/null && break; sleep 0.1; done
grep -q "job busy failed" daemon.log || fail "the busy job never ran: $(cat daemon.log)"
kill -TERM "$pid"
stopped=no
for _ in $(seq 1 50); do
  if ! kill -0 "$pid" 2>/dev/null; then stopped=yes; break; fi
  sleep 0.1
done
equals "$stopped" yes "daemon stopped within 5 s of SIGTERM"
wait "$pid" || fail "the daemon exited with status $?"
contains "$(cat daemon.log)" "received SIGTERM: stopping"
done_ok
