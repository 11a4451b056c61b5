#!/usr/bin/env bash
# The huddle-list job: on a run, every clinician with visits on the next clinic day gets a report
# produced into out/reports/ (mode 0600, recorded in report_runs) and, when an address is
# configured, a message with it attached. The gaps report stands in for the huddle list here.
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/eval" >/dev/null
cat > s/sixbb.lua <<'LUA'
return {
  jobs = { ["huddle-list"] = { params = { report = "gaps" } } },
  delivery = { channel = "file", from = "sixbb@clinic.example",
               recipients = { clinicians = { C1 = "c1@clinic.example" } } },
}
LUA
# 2026-07-03 is a Friday: the next clinic day is Monday 2026-07-06, when C1 sees P1.
expect_rc 0 "$SIXBB" -C s jobs run huddle-list --as-of 2026-07-03
contains "$out" "1 message(s) queued"
report=s/out/reports/gaps-2026-07-06-C1.html
[ -f "$report" ] || fail "no report at $report: $(ls -R s/out)"
equals "$(stat -c %a "$report")" 600 "report mode"
contains "$(cat "$report")" "<html"
equals "$(sqlite3 s/sixbb.db "SELECT report || ' ' || format FROM report_runs")" "gaps html"
expect_rc 0 "$SIXBB" -C s outbox --json
equals "$(echo "$out" | jq -r '.[0].to')" "c1@clinic.example"
contains "$(echo "$out" | jq -r '.[0].subject')" "Huddle list for 2026-07-06 (clinician C1)"
equals "$(echo "$out" | jq -r '.[0].key')" "huddle-list|2026-07-06|C1"
# Running it again queues nothing new: one list per clinician per clinic day.
expect_rc 0 "$SIXBB" -C s jobs run huddle-list --as-of 2026-07-03
contains "$out" "0 message(s) queued"

# The Lua call itself: bad options are clear errors.
cat > try.lua <<'LUA'
local ok, err = pcall(sixbb.report.run, "gaps", { as_of = "2026-02-30" })
print(err)
ok, err = pcall(sixbb.report.run, "no-such-report", {})
print(err)
print(sixbb.report.exists("gaps"), sixbb.report.exists("nope"))
LUA
expect_rc 0 "$SIXBB" -C s run try.lua
contains "$out" "as_of '2026-02-30' is not a date"
contains "$out" "no-such-report"
contains "$out" "true	false"
done_ok
