#!/usr/bin/env bash
# sixbb jobs next, end to end through the real binary: exact fire times in several zones and
# across daylight-saving changes, the options, JSON output, messages and exit statuses.
set -euo pipefail
: "${SIXBB:?SIXBB must name the sixbb binary}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# run WANT_STATUS ARGS...: runs sixbb, keeping stdout and stderr in $tmp/out and $tmp/err.
run() {
    local want=$1 status=0
    shift
    "$SIXBB" "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
    if [[ $status != "$want" ]]; then
        fail "sixbb $*: exit status $status, want $want"
        sed 's/^/    /' "$tmp/err" >&2
    fi
}

# expect_out NAME TEXT / expect_err NAME TEXT: exact comparison with what the last run printed.
expect_out() {
    local got
    got=$(cat "$tmp/out")
    [[ $got == "$2" ]] || fail "$1: stdout was"$'\n'"$got"$'\n'"want"$'\n'"$2"
}
expect_err() {
    local got
    got=$(cat "$tmp/err")
    [[ $got == "$2" ]] || fail "$1: stderr was"$'\n'"$got"$'\n'"want"$'\n'"$2"
}

# Spring forward in Los Angeles: 02:30 does not exist on 2026-03-08 and runs at 03:00, once.
run 0 jobs next '30 2 * * *' --tz America/Los_Angeles --after 2026-03-06T12:00 --count 4
expect_out "LA spring" "2026-03-07T02:30:00-08:00
2026-03-08T03:00:00-07:00
2026-03-09T02:30:00-07:00
2026-03-10T02:30:00-07:00"
expect_err "LA spring quiet" ""

# Fall back in Los Angeles: 01:30 happens twice on 2026-11-01 and runs the first time only.
run 0 jobs next '30 1 * * *' --tz America/Los_Angeles --after 2026-10-31T12:00 --count 3
expect_out "LA fall" "2026-11-01T01:30:00-07:00
2026-11-02T01:30:00-08:00
2026-11-03T01:30:00-08:00"

# Berlin, both changes, with the --opt=value form.
run 0 jobs next '30 2 * * *' --tz=Europe/Berlin --after=2026-03-28T00:00 --count=2
expect_out "Berlin spring" "2026-03-28T02:30:00+01:00
2026-03-29T03:00:00+02:00"
run 0 jobs next '30 2 * * *' --tz Europe/Berlin --after 2026-10-24T12:00 --count 2
expect_out "Berlin autumn" "2026-10-25T02:30:00+02:00
2026-10-26T02:30:00+01:00"

# Hourly through the repeated hour: no second 01:00.
run 0 jobs next @hourly --tz America/Los_Angeles --after 2026-11-01T00:30 --count 3
expect_out "hourly fall" "2026-11-01T01:00:00-07:00
2026-11-01T02:00:00-08:00
2026-11-01T03:00:00-08:00"

# Leap days, the default count of five, and an --after given in UTC.
run 0 jobs next '0 0 29 2 *' --tz UTC --after 2026-01-01T00:00:00Z
expect_out "leap days" "2028-02-29T00:00:00+00:00
2032-02-29T00:00:00+00:00
2036-02-29T00:00:00+00:00
2040-02-29T00:00:00+00:00
2044-02-29T00:00:00+00:00"

# Either day field may match when both are restricted; weekday and month names.
run 0 jobs next '0 9 13 jan fri' --tz UTC --after 2026-01-01T00:00Z --count 4
expect_out "day OR rule" "2026-01-02T09:00:00+00:00
2026-01-09T09:00:00+00:00
2026-01-13T09:00:00+00:00
2026-01-16T09:00:00+00:00"

# An --after with an offset is an instant whatever --tz says.
run 0 jobs next '0 7 * * MON-FRI' --tz Asia/Kolkata --after 2026-05-01T01:30:00Z --count 2
expect_out "after with offset" "2026-05-04T07:00:00+05:30
2026-05-05T07:00:00+05:30"

# Far future: the zone file's rule string decides.
run 0 jobs next '30 2 * * *' --tz America/Los_Angeles --after 2045-03-11T12:00 --count 2
expect_out "2045" "2045-03-12T03:00:00-07:00
2045-03-13T02:30:00-07:00"

# JSON.
run 0 jobs next '0 8 * * MON' --tz Europe/Berlin --after 2026-03-20T00:00 --count 2 --json
expect_out "json" '{"expression":"0 8 * * MON","timezone":"Europe/Berlin","next":["2026-03-23T08:00:00+01:00","2026-03-30T08:00:00+02:00"]}'

# The zone defaults to the process zone; an unknown one falls back to UTC, said on stderr.
TZ=Europe/Berlin run 0 jobs next '0 8 * * *' --after 2026-07-01T00:00Z --count 1 --json
expect_out "zone from TZ" '{"expression":"0 8 * * *","timezone":"Europe/Berlin","next":["2026-07-01T08:00:00+02:00"]}'
TZ=:America/Denver run 0 jobs next '0 8 * * *' --after 2026-07-01T00:00Z --count 1
expect_out "zone from TZ with colon" "2026-07-01T08:00:00-06:00"
TZ=Nowhere/Land run 0 jobs next '0 8 * * *' --after 2026-07-01T00:00Z --count 1
expect_out "unknown TZ" "2026-07-01T08:00:00+00:00"
expect_err "unknown TZ message" 'sixbb jobs next: system time zone: unknown time zone "Nowhere/Land" (no such zone in /usr/share/zoneinfo); using UTC'

# A local --after that the clocks skip or repeat is read at its first instant, with a note.
run 0 jobs next '0 4 * * *' --tz America/Los_Angeles --after 2026-03-08T02:30 --count 1
expect_out "after in gap" "2026-03-08T04:00:00-07:00"
expect_err "after in gap note" "sixbb jobs next: 2026-03-08T02:30 does not exist in America/Los_Angeles (the clocks jump forward); using 2026-03-08T03:00:00-07:00"
run 0 jobs next '45 1 * * *' --tz America/Los_Angeles --after 2026-11-01T01:30 --count 1
expect_out "after repeated" "2026-11-01T01:45:00-07:00"
expect_err "after repeated note" "sixbb jobs next: 2026-11-01T01:30 happens twice in America/Los_Angeles (the clocks go back); using the first, 2026-11-01T01:30:00-07:00"

# Failures: bad expression, unknown zone, an expression that never fires (exit 1).
run 1 jobs next '0 24 * * *' --tz UTC
expect_err "bad hour" 'sixbb: cron: field 2 (hour) value 24 is out of range 0-23 in "0 24 * * *"'
expect_out "bad hour prints nothing" ""
run 1 jobs next '0 9 * * MONDAY' --tz UTC
expect_err "bad name" 'sixbb: cron: field 5 (day-of-week) has unknown name "MONDAY" in "0 9 * * MONDAY"'
run 1 jobs next '0 9 * *' --tz UTC
run 1 jobs next '0 9 * * *' --tz Mars/Olympus_Mons
expect_err "unknown zone" 'sixbb: unknown time zone "Mars/Olympus_Mons" (no such zone in /usr/share/zoneinfo)'
run 1 jobs next '0 9 * * *' --tz ../../etc/passwd
expect_err "zone path" 'sixbb: invalid time zone "../../etc/passwd": ".." is not allowed'
run 1 jobs next '0 0 30 2 *' --tz UTC
expect_err "never" 'sixbb: cron expression "0 0 30 2 *" never fires (no matching day in 400 years)'

# Usage errors (exit 2).
run 2 jobs next
expect_err "missing expression" "sixbb jobs next: missing the cron expression, e.g. '0 7 * * MON-FRI'
Try 'sixbb jobs next --help'."
run 2 jobs next 0 9 '*' '*' '*'
run 2 jobs next '0 9 * * *' --count 0
run 2 jobs next '0 9 * * *' --count 1001
run 2 jobs next '0 9 * * *' --count five
run 2 jobs next '0 9 * * *' --after 2026-03-08
expect_err "bad after" "sixbb jobs next: --after wants YYYY-MM-DDTHH:MM[:SS], optionally ending in Z or an offset like +02:00, not '2026-03-08'
Try 'sixbb jobs next --help'."
run 2 jobs next '0 9 * * *' --tz
run 2 jobs next '0 9 * * *' --bogus
run 2 jobs --bogus
run 2 jobs bogus

# Help goes to stdout and succeeds.
run 0 jobs next --help
grep -q '^usage: sixbb jobs next EXPRESSION' "$tmp/out" || fail "jobs next --help"
run 0 jobs --help
grep -q '^  next ' "$tmp/out" || fail "jobs --help lists next"
run 0 --help
grep -q '^  jobs ' "$tmp/out" || fail "sixbb --help lists jobs"

if ((failures)); then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "jobs next: all checks passed"
