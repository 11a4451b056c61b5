#!/usr/bin/env bash
# sixbb report and sixbb reports end to end: the reference gaps report on a small synthetic
# organisation in every format, files written atomically with mode 0600 and recorded in
# report_runs, well-formed self-contained HTML, and the errors: unknown report (with a
# suggestion), bad dates and formats, a failing plugin (file:line), an invalid document (path).
source "$SIXBB_SOURCE/tests/lib.sh"
source "$SIXBB_SOURCE/tests/data/reports/load_csv.sh"

"$SIXBB" init s >/dev/null
"$SIXBB" synth --out d --patients 25 --seed 7 --as-of 2026-06-30 >/dev/null
load_csv_dir s/sixbb.db d

# The list of reports, with and without a site.
expect_rc 0 "$SIXBB" -C s reports --json
equals "$(echo "$out" | jq -r '.reports[] | select(.id == "gaps") | .plugin')" reports "gaps report owner"
expect_rc 0 "$SIXBB" reports
contains "$out" "Care gaps by clinician"

# Text to stdout, evaluated on the spot (nothing stored for the date yet).
expect_rc 0 "$SIXBB" -C s report gaps --as-of 2026-06-30
contains "$out" "Care gaps"
contains "$out" "evaluated now"
contains "$out" "Gaps by clinician and check"

# After 'sixbb check' the stored results are read, and the numbers agree.
"$SIXBB" -C s check --as-of 2026-06-30 --json > check.json
expect_rc 0 "$SIXBB" -C s report gaps --as-of 2026-06-30 --json
contains "$out" "stored evaluation"
equals "$(echo "$out" | jq '[.sections[] | select(.id == "all-gaps") | .blocks[0].rows[]] | length')" \
  "$(jq '[.gaps[] | select(.patient != null)] | length' check.json)" "patient gaps in report and check"

# CSV: the main table, header first, CRLF line ends.
expect_rc 0 "$SIXBB" -C s report gaps --as-of 2026-06-30 --format csv
equals "$(printf '%s\n' "$out" | head -1 | tr -d '\r')" "Clinician,Patient,Check,Severity,Due,Detail" "csv header"
[ "$(printf '%s\n' "$out" | head -1 | od -c | grep -c '\\r')" -ge 1 ] || fail "csv lines end with CRLF"; ok

# Files: format from the extension, mode 0600, the path printed, a row in report_runs.
mkdir -p out
expect_rc 0 "$SIXBB" -C s report gaps --as-of 2026-06-30 --clinician C0001 -o out/../gaps.html
equals "$out" "$T/gaps.html" "printed path"
equals "$(stat -c %a gaps.html)" 600 "report file mode"
ls gaps.html.tmp.* 2>/dev/null && fail "temporary file left behind"; ok
xmllint --noout gaps.html || fail "gaps.html is not well-formed"; ok
for bad in 'http:' 'https:' '//' 'src=' '<script' '@import' 'url('; do
  not_contains "$(cat gaps.html)" "$bad" "gaps.html"
done
contains "$(cat gaps.html)" '<html lang="en">'
contains "$(cat gaps.html)" 'clinician C0001'
expect_rc 0 "$SIXBB" -C s report gaps --as-of 2026-06-30 -o gaps.txt
contains "$(cat gaps.txt)" "Key figures"
expect_rc 0 "$SIXBB" -C s report gaps --as-of 2026-06-30 --format json -o gaps.data
jq -e '.title == "Care gaps"' gaps.data >/dev/null || fail "json written with --format"; ok
runs=$(sqlite3 s/sixbb.db "SELECT report || '|' || as_of || '|' || format || '|' || coalesce(site, '') || '|' || (path IS NULL) FROM report_runs ORDER BY id")
contains "$runs" "gaps|2026-06-30|text||1"
contains "$runs" "gaps|2026-06-30|html||0"
contains "$runs" "gaps|2026-06-30|json||0"
equals "$(sqlite3 s/sixbb.db "SELECT path FROM report_runs WHERE format = 'html'")" "$T/gaps.html" "recorded path"

# Usage errors (2) and failures (1).
expect_rc 1 "$SIXBB" -C s report gasp
contains "$err" "no report 'gasp' is registered (did you mean 'gaps'?)"
expect_rc 2 "$SIXBB" -C s report gaps --as-of 2026-02-30
contains "$err" "--as-of '2026-02-30' is not a date"
expect_rc 2 "$SIXBB" -C s report gaps --format pdf
contains "$err" "unknown format 'pdf'"
expect_rc 2 "$SIXBB" -C s report gaps -o gaps.pdf
contains "$err" "cannot tell the format from 'gaps.pdf'"
expect_rc 2 "$SIXBB" -C s report gaps --from 2026-06-01 --to 2026-01-01
contains "$err" "is after --to"
expect_rc 2 "$SIXBB" -C s report
expect_rc 2 "$SIXBB" -C s report gaps --param nope=1
contains "$err" "this report has no parameter 'nope'"

# Site plugins: ctx reaches the report, params are overridable, errors name file:line and paths.
cat > s/plugins/custom.lua <<'LUA'
local sixbb = require "sixbb"
return sixbb.plugin {
  id = "custom", block = "Local reports",
  reports = {
    { id = "echo", title = "Echo", params = { limit = 5, label = "x" },
      run = function(ctx)
        local rc = sixbb.report.runchart { points = {
          { label = "a", value = 1 }, { label = "b", value = 2 }, { label = "c", value = 3 },
          { label = "d", value = 4 }, { label = "e", value = 5 } } }
        return { title = "Echo <&>", params = {
          { label = "as_of", value = ctx.as_of }, { label = "from", value = ctx.from or "-" },
          { label = "site", value = ctx.site or "-" }, { label = "format", value = ctx.format },
          { label = "limit", value = ctx.params.limit }, { label = "label", value = ctx.params.label },
          { label = "signal", value = rc.signals[1] and rc.signals[1].text or "none" } },
          sections = { { title = "Only", blocks = {
            { type = "table", columns = { { key = "n", title = "N", format = "integer" } },
              rows = { { n = 1 }, { n = 2 } } } } } } }
      end },
    { id = "boom", title = "Boom", run = function(ctx) local t = nil; return t.x end },
    { id = "badrow", title = "Bad row", run = function(ctx)
        return { title = "t", sections = { { title = "s", blocks = {
          { type = "text", text = "x" },
          { type = "table", columns = { { key = "a" } }, rows = { {a = 1}, {a = 2}, {a = 3}, {a = 4}, "oops" } } } } } }
      end },
    { id = "fn", title = "Function", run = function(ctx) return { title = "t", figures = { { label = "x", value = print } } } end },
    { id = "slow", title = "Slow", run = function(ctx) while true do end end },
  },
}
LUA
expect_rc 0 "$SIXBB" -C s report echo --as-of 2026-06-30 --from 2026-01-01 --to 2026-06-30 --site S01 --param limit=9 --param label=hello --json
equals "$(echo "$out" | jq -r '[.params[].value | tostring] | join(",")')" \
  "2026-06-30,2026-01-01,S01,json,9,hello,trend: 5 points going up from a to e" "ctx as the report saw it"
equals "$(echo "$out" | jq -r '.title')" "Echo <&>" "json keeps text as given"
expect_rc 2 "$SIXBB" -C s report echo --param limit=many
contains "$err" "--param limit must be a number, got 'many'"
expect_rc 1 "$SIXBB" -C s report boom
contains "$err" "plugin 'custom', report 'boom': "
contains "$err" "custom.lua:19: attempt to index a nil value"
expect_rc 1 "$SIXBB" -C s report badrow
contains "$err" "report 'badrow': invalid document: sections[1].blocks[2].rows[5] must be a table, got string"
expect_rc 1 "$SIXBB" -C s report fn
contains "$err" "figures[1].value is a function"
cat > s/sixbb.lua <<'LUA'
return { limits = { call_seconds = 0.3 } }
LUA
expect_rc 1 "$SIXBB" -C s report slow
contains "$err" "exceeded the time limit"
done_ok
