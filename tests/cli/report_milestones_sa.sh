#!/usr/bin/env bash
# The milestones report shows what 'sixbb milestones' shows (status, date, note, evidence), and
# (the self-assessment report is tested in program_assess.sh).
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/eval" >/dev/null
"$SIXBB" -C s milestones set tracking-dashboard in_progress --site S1 --date 2026-06-01 --note "first draft" >/dev/null
"$SIXBB" -C s milestones add --block visits --site S1 "Huddle scripts printed" >/dev/null

expect_rc 0 "$SIXBB" -C s milestones --site S1 --as-of 2026-06-30 --json
want=$(echo "$out" | jq -r '.sites[0].milestones[] | "\(.id)|\(.status // "not set")|\(.date // "")|\(.note // "")|\(.evidence // "")"')
expect_rc 0 "$SIXBB" -C s report milestones --site S1 --as-of 2026-06-30 --format json
got=$(echo "$out" | jq -r '.sections[] | select(.id == "all") | .blocks[0].rows[] | "\(.id)|\(.status)|\(.date)|\(.note)|\(.evidence)"')
equals "$got" "$want" "same rows as sixbb milestones"
contains "$got" "tracking-dashboard|in_progress|2026-06-01|first draft|"
contains "$got" "tracking-pdmp-registered|not set|||1 of 2 prescribers registered with the PDMP (50%)"
expect_rc 0 "$SIXBB" -C s report milestones --as-of 2026-06-30 --format json
equals "$(echo "$out" | jq -r '[.sections[] | select(.id | startswith("site-")) | .title] | join("|")')" \
  "Site S1: Test Clinic One|Site S2: Test Clinic Two"
contains "$(echo "$out" | jq -r '.sections[] | select(.id == "site-1") | .blocks[] | select(.title == "Planned, patient-centered visits") | .rows[-1].title')" \
  "Huddle scripts printed (local)"
expect_rc 0 "$SIXBB" -C s report milestones -o m.html
xmllint --noout m.html || fail "m.html is not well-formed"; ok
! grep -Eq '(src|href)="[^#]' m.html || fail "m.html refers outside the page"; ok

# The self-assessment report comes from the program-reports plugin and is tested with the
# facilitator's commands (tests/cli/program_assess.sh).
done_ok
