#!/usr/bin/env bash
# The milestones report shows what 'sixbb milestones' shows (status, date, note, evidence), and
# the self-assessment report summarises ratings across respondents and occasions.
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

# Self-assessment: item 1 rated 3 and 5 at baseline, 7 and 9 six months later; item 8 2 then 6.
sqlite3 s/sixbb.db "INSERT INTO self_assessments(site_id, occasion, date, respondent_role, respondent, item, score) VALUES
  ('S1','baseline','2026-01-15','champion','a',1,3), ('S1','baseline','2026-01-15','qi_lead','b',1,5),
  ('S1','baseline','2026-01-15','champion','a',8,2), ('S1','6-month','2026-07-15','champion','a',1,7),
  ('S1','6-month','2026-07-15','qi_lead','b',1,9), ('S1','6-month','2026-07-15','champion','a',8,6)"
expect_rc 0 "$SIXBB" -C s report self-assessment --format csv
csv=$(printf '%s' "$out" | tr -d '\r')
equals "$(echo "$csv" | head -1)" 'Site,Block,Item,Topic,Baseline mean,Latest mean,"Spread, latest",Change from baseline'
expect_rc 0 "$SIXBB" -C s report self-assessment --format json
item() { echo "$out" | jq -r ".sections[] | select(.id == \"all\") | .blocks[0].rows[] | select(.site == \"S1\" and .item == $1) | \"\(.baseline) \(.latest) \(.spread) \(.change)\""; }
equals "$(item 1)" "4 8 7–9 (2 ratings) 4"
equals "$(item 8)" "2 6 6–6 (1 rating) 4"
equals "$(echo "$csv" | grep -c '^S1,')" 22 "every item"
expect_rc 0 "$SIXBB" -C s report self-assessment
contains "$out" "2 occasions; latest 6-month (2026-07-15) with 2 respondents."
contains "$out" "No self-assessment recorded yet."
expect_rc 0 "$SIXBB" -C s report self-assessment -o sa.html
xmllint --noout sa.html || fail "sa.html is not well-formed"; ok
! grep -Eq '(src|href)="[^#]' sa.html || fail "sa.html refers outside the page"; ok
done_ok
