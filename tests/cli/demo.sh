#!/usr/bin/env bash
# sixbb demo ends with printable reports in DIR/out/: the next clinic day's huddle lists (inside
# the appointment book the generator fills for the two weeks after today) and the dashboard when
# a plugin provides one.
source "$SIXBB_SOURCE/tests/lib.sh"
expect_rc 0 "$SIXBB" demo --patients 1000 d
contains "$out" "$T/d/out/huddle.html"
contains "$out" "the reports are in d/out/"
[ -f d/out/huddle.html ] || fail "no huddle list written"; ok
equals "$(stat -c %a d/out/huddle.html)" 600 "mode"
xmllint --noout d/out/huddle.html || fail "huddle.html is not well-formed"; ok
contains "$(cat d/out/huddle.html)" '<section class="page-break"' "huddle pages"
not_contains "$(cat d/out/huddle.html)" "No patient on long-term opioid therapy has an appointment" "huddle day"
if "$SIXBB" -C d reports --json | jq -e '.reports[] | select(.id == "dashboard")' >/dev/null; then
  xmllint --noout d/out/dashboard.html || fail "dashboard.html is not well-formed"; ok
else
  contains "$out" "no plugin provides a 'dashboard' report here; skipped"
fi
equals "$(sqlite3 d/sixbb.db "SELECT count(*) FROM report_runs WHERE report = 'huddle'")" 1 "recorded"
# Rebuilding the demo keeps working.
expect_rc 0 "$SIXBB" demo --patients 1000 --force d
done_ok
