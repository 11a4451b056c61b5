#!/usr/bin/env bash
# The monthly measure-snapshot job takes the month's snapshot of every measure (stored in
# measure_snapshots) and sends it to the team; the monthly meeting reminder carries the measures
# as last recorded. Values on the hand-worked registry as of 2026-06-30: 3 on LtOT, med-90 1 of 3.
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/eval" >/dev/null
cat > s/sixbb.lua <<'LUA'
return { delivery = { channel = "file", from = "sixbb@clinic.example",
                      recipients = { team = "team@clinic.example" } } }
LUA
expect_rc 0 "$SIXBB" -C s jobs run measure-snapshot --as-of 2026-06-30
contains "$out" "1 message(s) queued"
equals "$(sqlite3 s/sixbb.db "SELECT numerator || '/' || denominator FROM measure_snapshots WHERE measure_id = 'med-90' AND period = '2026-06' AND site_id = '' AND clinician_id = ''")" "1.0/3.0" "stored snapshot"
expect_rc 0 "$SIXBB" -C s jobs run team-meeting --as-of 2026-07-01
expect_rc 0 "$SIXBB" -C s daemon --once
bodies() { for f in s/out/outbox/*.eml; do tr -d '\r' < "$f" | sed '1,/^$/d' | base64 -d; done; }
all=$(bodies)
contains "$all" "The success measures as of 2026-06-30 (stored as this month's snapshot):"
contains "$all" "Current MED ≥ 90 (2026-06): 0.333 (1 of 3)"
contains "$all" "Time to set this month's meeting."
contains "$all" "The success measures as last recorded"
not_contains "$all" "Test Patient" "messages (patient names)"
done_ok
