#!/usr/bin/env bash
# Exactly-once delivery under SIGKILL. Many messages are queued, then 'sixbb daemon --once' is
# killed with SIGKILL at several points of its delivery run, restarted each time, and finally
# run to the end. Every message must then be in out/outbox exactly once: one file per outbox id,
# with that id's subject, nothing missing, nothing twice, no temporary files left. A message a
# crash leaves in a running delivery command is set aside as 'uncertain', never sent again.
set -euo pipefail
: "${SIXBB:?SIXBB must name the sixbb binary}"

tmp=$(mktemp -d)
# Background daemons must not outlive the test, whatever way it ends.
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
N=200

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

wait_for() {
    local limit=$1 i
    shift
    for ((i = 0; i < limit * 10; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}

site=$tmp/site
"$SIXBB" init "$site" >/dev/null
# A sizeable attachment makes each delivery take a little while, so kills land mid-run.
head -c 45000 /dev/urandom | base64 >"$site/out/data.csv"
cat >"$site/plugins/bulk.lua" <<LUA
local sixbb = require "sixbb"
return sixbb.plugin {
  id = "bulk", block = "Test",
  jobs = {
    { id = "bulk", schedule = "0 0 1 1 *",
      run = function(ctx)
        for i = 1, $N do
          ctx.send { to = "team@example.org", subject = "bulk " .. i, body = "message " .. i,
                     attachments = { "out/data.csv" }, key = "bulk-" .. i }
        end
      end },
  },
}
LUA
"$SIXBB" -C "$site" jobs run bulk --json | jq -e ".queued == $N" >/dev/null || fail "queueing"
# Running the job again queues nothing new: the keys are the same.
"$SIXBB" -C "$site" jobs run bulk --json | jq -e ".queued == 0 and .duplicates == $N" >/dev/null ||
    fail "dedupe on a re-run"

outbox=$site/out/outbox
count() { find "$outbox" -maxdepth 1 -name '*.eml' 2>/dev/null | wc -l; }
for delay in 0.05 0.1 0.2 0.3 0.45 0.6; do
    "$SIXBB" -C "$site" daemon --once 2>>"$tmp/daemon.log" &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "killed after ${delay}s: $(count) of $N delivered" >&2
done
"$SIXBB" -C "$site" daemon --once 2>>"$tmp/daemon.log" || fail "the final run failed"

[[ $(count) == "$N" ]] || fail "$(count) files for $N messages"
[[ -z $(find "$outbox" -name '.tmp-*') ]] || fail "temporary files left behind"
"$SIXBB" -C "$site" outbox --json >"$tmp/outbox.json"
jq -e "length == $N and all(.[]; .status == \"delivered\")" "$tmp/outbox.json" >/dev/null ||
    fail "not every message is marked delivered"
# One file per id, and each file is the message of that id.
jq -r '.[] | "\(.id) \(.subject)"' "$tmp/outbox.json" | sort >"$tmp/want"
for f in "$outbox"/*.eml; do
    id=$(tr -d '\r' <"$f" | sed -n 's/^X-Sixbb-Outbox-Id: //p')
    subject=$(tr -d '\r' <"$f" | sed -n 's/^Subject: //p')
    [[ $(basename "$f") == "$(printf '%06d' "$id")-"* ]] || fail "$f does not carry id $id"
    echo "$id $subject"
done | sort >"$tmp/got"
diff "$tmp/want" "$tmp/got" >/dev/null || fail "files and outbox differ: $(diff "$tmp/want" "$tmp/got" | head)"
jq -r '.[].key' "$tmp/outbox.json" | sort | uniq -d | grep -q . && fail "duplicate keys"

# The command channel: a crash while the command runs leaves the message uncertain.
site2=$tmp/site2
"$SIXBB" init "$site2" >/dev/null
cat >"$site2/sixbb.lua" <<LUA
return { delivery = { channel = "command", command = "cat >>'$tmp/sent'; sleep 1" } }
LUA
cat >"$site2/plugins/one.lua" <<'LUA'
local sixbb = require "sixbb"
return sixbb.plugin { id = "one", block = "Test", jobs = { { id = "one", schedule = "0 0 1 1 *",
  run = function(ctx) ctx.send { to = "a@example.org", subject = "one", body = "x" } end } } }
LUA
"$SIXBB" -C "$site2" jobs run one >/dev/null
"$SIXBB" -C "$site2" daemon --once 2>>"$tmp/daemon2.log" &
pid=$!
wait_for 20 test -s "$tmp/sent" || fail "the command did not start"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
"$SIXBB" -C "$site2" daemon --once 2>>"$tmp/daemon2.log" || true
"$SIXBB" -C "$site2" outbox --json | jq -e '.[0].status == "uncertain" and
    (.[0].last_error | test("sixbb outbox mark"))' >/dev/null ||
    fail "an interrupted command delivery must be uncertain: $("$SIXBB" -C "$site2" outbox --json)"
sleep 1.2
[[ $(grep -c '^Subject: one' "$tmp/sent") == 1 ]] || fail "the uncertain message was sent again"
"$SIXBB" -C "$site2" outbox mark 1 delivered >/dev/null || fail "outbox mark"
"$SIXBB" -C "$site2" outbox --json | jq -e '.[0].status == "delivered"' >/dev/null ||
    fail "marked delivered"

# A job killed while it runs is marked interrupted at the next start and never run again.
site3=$tmp/site3
"$SIXBB" init "$site3" >/dev/null
echo 'return { limits = { call_seconds = 20 } }' >"$site3/sixbb.lua"
cat >"$site3/plugins/slow.lua" <<'LUA'
local sixbb = require "sixbb"
return sixbb.plugin { id = "slow", block = "Test", jobs = { { id = "slow", schedule = "* * * * *",
  run = function(ctx)
    ctx.send { to = "a@example.org", subject = "slow", body = "x" }
    while true do end
  end } } }
LUA
SIXBB_FAKE_NOW=2026-01-05T07:59:59Z SIXBB_TIME_SCALE=60 "$SIXBB" -C "$site3" daemon \
    2>"$tmp/daemon3.log" &
pid=$!
wait_for 60 grep -q "job slow (plugin slow): running for 2026-01-05T08:" "$tmp/daemon3.log" ||
    fail "the slow job did not start"
# On the accelerated clock a slow start-up can miss 08:00 and catch up a later minute: read
# which run is in progress, and restart half a minute after it.
run_at=$(grep -o "running for 2026-01-05T08:[0-9:]*" "$tmp/daemon3.log" | head -1 | cut -d' ' -f3)
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
restart=$(date -u -d "${run_at}Z + 30 seconds" +%Y-%m-%dT%H:%M:%SZ)
SIXBB_FAKE_NOW=$restart "$SIXBB" -C "$site3" daemon --once 2>"$tmp/daemon4.log" ||
    fail "restart after the crash"
grep -q "1 run(s) left unfinished by a stopped process marked interrupted" "$tmp/daemon4.log" ||
    fail "stale run not marked: $(cat "$tmp/daemon4.log")"
grep -q "running for" "$tmp/daemon4.log" && fail "the interrupted run was run again"
"$SIXBB" -C "$site3" jobs --json | jq -e '.jobs[] | select(.id == "slow") |
    .last_status == "interrupted"' >/dev/null || fail "last status interrupted"
"$SIXBB" -C "$site3" outbox --json | jq -e 'length == 0' >/dev/null ||
    fail "an interrupted run must queue nothing"

echo "daemon kill: all checks passed"
