#!/usr/bin/env bash
# sixbb jobs / jobs run / outbox / daemon end to end: the JSON shapes, a manual run, a daemon
# on an accelerated test clock (SIXBB_FAKE_NOW + SIXBB_TIME_SCALE=60: one real second is one
# minute, so a '* * * * *' job fires every second) delivering into out/outbox, plugin timers
# whose errors do not stop the loop, SIGHUP with a broken plugin (the old one stays) and then a
# good one, a second daemon refused, and a clean stop on SIGTERM.
set -euo pipefail
: "${SIXBB:?SIXBB must name the sixbb binary}"

tmp=$(mktemp -d)
daemon_pid=
cleanup() {
    if [[ -n $daemon_pid ]]; then kill -9 "$daemon_pid" 2>/dev/null || true; fi
    kill -9 $(jobs -p) 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    [[ -f $tmp/daemon.log ]] && sed 's/^/    log: /' "$tmp/daemon.log" >&2
    exit 1
}

# wait_for SECONDS COMMAND...: polls until the command succeeds.
wait_for() {
    local limit=$1 i
    shift
    for ((i = 0; i < limit * 10; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}

count_files() { find "$1" -maxdepth 1 -name '*.eml' 2>/dev/null | wc -l; }
at_least() { (($(count_files "$1") >= $2)); }

site=$tmp/site
"$SIXBB" init "$site" >/dev/null
cat >"$site/plugins/t.lua" <<'LUA'
local sixbb = require "sixbb"
if sixbb.timer.available() then
  local n = 0
  sixbb.timer.every(30, function()
    n = n + 1
    sixbb.log.info("timer " .. n)
    if n == 2 then error("boom at 2") end
  end)
end
return sixbb.plugin {
  id = "t", block = "Test",
  jobs = {
    { id = "tick", title = "Every minute", schedule = "* * * * *",
      run = function(ctx)
        local n = sixbb.query("SELECT count(*) AS n FROM job_runs WHERE job = ?", ctx.job)[1].n
        ctx.send { to = "team@example.org", subject = "tick " .. ctx.scheduled,
                   body = "run " .. n .. " as of " .. ctx.as_of }
      end },
    { id = "outside", schedule = "0 0 1 1 *",
      run = function() sixbb.timer.after(1, function() end) end },
    { id = "writer", schedule = "0 0 1 1 *",
      run = function() sixbb.query("DELETE FROM outbox") end },
  },
}
LUA

# jobs --json: the shape.
"$SIXBB" -C "$site" jobs --json >"$tmp/jobs.json" || fail "jobs --json"
jq -e '.timezone == "UTC" and (.now | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$"))' \
    "$tmp/jobs.json" >/dev/null || fail "jobs --json header: $(cat "$tmp/jobs.json")"
jq -e '.jobs[] | select(.id == "tick") | .plugin == "t" and .schedule == "* * * * *" and
       .enabled == true and (.next | test("T[0-9]{2}:[0-9]{2}:00\\+00:00$")) and
       .last_status == null and .error == null' "$tmp/jobs.json" >/dev/null ||
    fail "jobs --json tick entry: $(cat "$tmp/jobs.json")"
jq -e '[.jobs[].plugin] | index("program") != null' "$tmp/jobs.json" >/dev/null ||
    fail "the program plugin's jobs are listed"
"$SIXBB" -C "$site" jobs | grep -q '^tick  *t  ' || fail "jobs text listing"

# jobs run: a manual run queues one message; a job using timers or writing SQL fails clearly.
"$SIXBB" -C "$site" jobs run tick --as-of 2026-03-02 --json >"$tmp/run.json" || fail "jobs run"
jq -e '.job == "tick" and .status == "ok" and .queued == 1 and .duplicates == 0' "$tmp/run.json" \
    >/dev/null || fail "jobs run --json: $(cat "$tmp/run.json")"
"$SIXBB" -C "$site" jobs --json | jq -e '.jobs[] | select(.id == "tick") |
    .last_status == "ok" and .last_manual == true' >/dev/null || fail "last run shown"
status=0
"$SIXBB" -C "$site" jobs run outside 2>"$tmp/err" || status=$?
[[ $status == 1 ]] || fail "a job using timers outside the daemon must fail (status $status)"
grep -q "plugin 't', job 'outside': .*t.lua:[0-9]*: sixbb.timer: timers only run inside 'sixbb daemon'" \
    "$tmp/err" || fail "timer error message: $(cat "$tmp/err")"
status=0
"$SIXBB" -C "$site" jobs run writer 2>"$tmp/err" || status=$?
[[ $status == 1 ]] && grep -q "only reading statements are allowed" "$tmp/err" ||
    fail "sixbb.query must refuse writes: $(cat "$tmp/err")"
status=0
"$SIXBB" -C "$site" jobs run tikc 2>"$tmp/err" || status=$?
[[ $status == 1 ]] && grep -q "no job 'tikc' (did you mean 'tick'?)" "$tmp/err" ||
    fail "unknown job: $(cat "$tmp/err")"

# outbox --json: the shape of the queued message.
"$SIXBB" -C "$site" outbox --json >"$tmp/outbox.json" || fail "outbox --json"
jq -e 'length == 1 and (.[0] | .id == 1 and .status == "pending" and .attempts == 0 and
       .to == "team@example.org" and (.subject | startswith("tick ")) and .job == "tick" and
       .channel == "file" and (.key | startswith("tick|")) and .delivered == null and
       .last_error == null and (.created | type) == "string")' "$tmp/outbox.json" >/dev/null ||
    fail "outbox --json: $(cat "$tmp/outbox.json")"
"$SIXBB" -C "$site" outbox --status delivered --json | jq -e 'length == 0' >/dev/null ||
    fail "outbox --status filter"
status=0
"$SIXBB" -C "$site" outbox --status bogus 2>/dev/null || status=$?
[[ $status == 2 ]] || fail "unknown status is a usage error"

# A configuration naming an unknown job is an error naming the nearest one.
cp "$site/sixbb.lua" "$tmp/sixbb.lua.orig"
echo 'return { jobs = { tik = { enabled = false } } }' >"$site/sixbb.lua"
status=0
"$SIXBB" -C "$site" jobs 2>"$tmp/err" || status=$?
[[ $status == 1 ]] && grep -q "unknown job 'tik' in 'jobs' (did you mean 'tick'?)" "$tmp/err" ||
    fail "unknown job in config: $(cat "$tmp/err")"
cp "$tmp/sixbb.lua.orig" "$site/sixbb.lua"

# The daemon on an accelerated clock. The manually queued message was created on the real
# clock, far after the test clock's start, so only the daemon's own messages are due.
outbox=$site/out/outbox
SIXBB_FAKE_NOW=2026-01-05T07:59:58Z SIXBB_TIME_SCALE=60 \
    "$SIXBB" -C "$site" daemon --verbose 2>"$tmp/daemon.log" &
daemon_pid=$!
wait_for 20 at_least "$outbox" 3 || fail "the daemon did not deliver 3 messages"
grep -q "using a test clock" "$tmp/daemon.log" || fail "test clock not logged"

# A second daemon for the same site is refused.
status=0
"$SIXBB" -C "$site" daemon --once 2>"$tmp/err" || status=$?
[[ $status == 1 ]] && grep -q "another sixbb daemon is running" "$tmp/err" ||
    fail "second daemon: $(cat "$tmp/err")"

# Timers: the error of the second call is logged with the plugin, the third still runs.
wait_for 20 grep -q '\[t\] timer 3' "$tmp/daemon.log" || fail "timer did not keep running"
grep -q "plugin 't', timer: .*t.lua:[0-9]*: boom at 2" "$tmp/daemon.log" ||
    fail "timer error not logged with the plugin"

# SIGHUP with a broken plugin keeps the old one, and jobs keep firing.
cp "$site/plugins/t.lua" "$tmp/t.lua.good"
echo 'this is not lua' >"$site/plugins/t.lua"
kill -HUP "$daemon_pid"
wait_for 20 grep -q "reload failed; keeping the previous configuration and plugins" \
    "$tmp/daemon.log" || fail "broken reload not refused"
grep -q "reload: plugin .*t.lua failed to load" "$tmp/daemon.log" || fail "reload reason"
before=$(count_files "$outbox")
wait_for 20 at_least "$outbox" $((before + 2)) || fail "jobs stopped after a refused reload"

# SIGHUP with a good plugin takes it.
sed 's/subject = "tick "/subject = "tock "/' "$tmp/t.lua.good" >"$site/plugins/t.lua"
kill -HUP "$daemon_pid"
wait_for 20 grep -q "reloaded:" "$tmp/daemon.log" || fail "good reload"
wait_for 20 grep -lq "^Subject: tock " -r "$outbox" || fail "the reloaded plugin does not run"

# SIGTERM: finish, exit 0.
kill -TERM "$daemon_pid"
status=0
wait "$daemon_pid" || status=$?
daemon_pid=
[[ $status == 0 ]] || fail "daemon exit status $status after SIGTERM"
grep -q "received SIGTERM: stopping" "$tmp/daemon.log" || fail "SIGTERM not logged"
tail -n 1 "$tmp/daemon.log" | grep -q "info stopped$" || fail "not stopped cleanly"

# Every delivered file is one scheduled minute, each exactly once, files readable by the owner
# only, and the outbox agrees.
subjects=$(grep -h '^Subject: ' "$outbox"/*.eml | tr -d '\r' | sort)
[[ -z $(uniq -d <<<"$subjects") ]] || fail "a scheduled minute was delivered twice"
n_files=$(count_files "$outbox")
n_delivered=$("$SIXBB" -C "$site" outbox --status delivered --json | jq length)
[[ $n_files == "$n_delivered" ]] || fail "$n_files files but $n_delivered delivered"
[[ -z $(find "$outbox" -type f ! -perm 0600) ]] || fail "outbox files must be mode 0600"
grep -q '^Subject: tick 2026-01-05T08:00:00+00:00' "$outbox"/*.eml || fail "first minute"
grep -q $'^Message-ID: <sixbb\\.[0-9]*\\.[0-9]*@localhost>\r$' "$outbox"/*.eml || fail "Message-ID"
"$SIXBB" -C "$site" jobs --json | jq -e '.jobs[] | select(.id == "tick") |
    .last_status == "ok" and .last_manual == false' >/dev/null || fail "scheduled run recorded"

echo "daemon run: all checks passed"
