#!/usr/bin/env bash
# Rendered HTML reports opened in headless Chromium — a report with a run chart, and the
# dashboard: each page must load from the file alone and show its title, table text and charts
# (the DOM as the browser built it), and a screenshot must not be blank. Skipped (exit 77) only when Chromium is not installed.
source "$SIXBB_SOURCE/tests/lib.sh"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (scripts/setup.sh installs it)"
  exit 77
fi

"$SIXBB" init s >/dev/null
cat > s/plugins/demo.lua <<'LUA'
local sixbb = require "sixbb"
local points = {}
for i, v in ipairs { 12, 13, 11, 12.5, 12, 13.5, 11.5, 12, 13, 11, 10, 9.5, 9, 8.5, 8, 9, 8.5, 8 } do
  points[i] = { label = string.format("M%02d", i), value = v / 100 }
end
return sixbb.plugin {
  id = "demo", block = "Demo reports",
  reports = { { id = "demo", title = "Demo", run = function(ctx)
    return {
      title = "Browser check", subtitle = "as of " .. ctx.as_of,
      figures = { { label = "Patients on LtOT", value = 80, href = "#patients" } },
      sections = {
        { id = "trend", title = "Trend", blocks = {
          { type = "chart", kind = "run", title = "Patients at MED >= 90", unit = "percent",
            points = points, baseline = 10, goal = 0.08, annotations = { { at = 11, text = "Huddles" } } } } },
        { id = "patients", title = "Patients", page_break = true, blocks = {
          { type = "table", id = "list", columns = { { key = "p", title = "Patient" },
            { key = "med", title = "MED", format = "med" } },
            rows = { { p = "P000101", med = 120 }, { p = "P000117", med = 92.45 } } } } },
      },
    }
  end } },
}
LUA
expect_rc 0 "$SIXBB" -C s report demo --as-of 2026-06-30 -o demo.html
profile=$(mktemp -d)
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$profile")
timeout 90 "$browser" "${flags[@]}" --dump-dom "file://$T/demo.html" >dom.html 2>browser.log ||
  fail "chromium could not load the page: $(tail -5 browser.log)"
dom=$(cat dom.html)
contains "$dom" "<title>Browser check — as of 2026-06-30</title>" "DOM"
contains "$dom" "P000117" "DOM"
contains "$dom" "92.5" "DOM"
contains "$dom" "<svg" "DOM"
contains "$dom" "shift: " "DOM"
timeout 90 "$browser" "${flags[@]}" --window-size=900,1400 --screenshot="$T/shot.png" \
  "file://$T/demo.html" >>browser.log 2>&1 || fail "chromium could not take a screenshot"
[ "$(stat -c %s shot.png)" -gt 20000 ] || fail "the screenshot looks blank ($(stat -c %s shot.png) bytes)"; ok

# The dashboard of the hand-worked registry: the page a facilitator hands to a clinic.
"$SIXBB" init d >/dev/null
"$SIXBB" -C d import "$SIXBB_SOURCE/tests/data/eval" >/dev/null
expect_rc 0 "$SIXBB" -C d report dashboard --as-of 2026-06-30 -o dashboard.html
timeout 90 "$browser" "${flags[@]}" --dump-dom "file://$T/dashboard.html" >dash-dom.html 2>>browser.log ||
  fail "chromium could not load the dashboard: $(tail -5 browser.log)"
dom=$(cat dash-dom.html)
contains "$dom" "<title>Dashboard" "dashboard DOM"
contains "$dom" "<svg" "dashboard DOM (run charts)"
contains "$dom" "Patients on long-term opioid therapy" "dashboard DOM"
not_contains "$dom" "Test Patient" "dashboard DOM (patient names)"
timeout 90 "$browser" "${flags[@]}" --window-size=1200,1600 --screenshot="$T/dash.png" \
  "file://$T/dashboard.html" >>browser.log 2>&1 || fail "chromium could not take a screenshot"
[ "$(stat -c %s dash.png)" -gt 20000 ] || fail "the dashboard screenshot looks blank ($(stat -c %s dash.png) bytes)"; ok
rm -rf "$profile"
done_ok
