#!/usr/bin/env bash
# Event tallies (tally add, tallies, the tally report's run chart and its signals) and surveys
# (survey import for both kinds, survey summary comparing baseline with end), with rejected input.
source "$SIXBB_SOURCE/tests/lib.sh"

"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/program" >/dev/null
dump() { sqlite3 s/sixbb.db .dump; }
rejected() {
  local code=$1 msg=$2; shift 2
  local before; before=$(dump)
  expect_rc "$code" "$@"
  equals "$err" "$msg" "stderr of '$*'"
  equals "$(dump)" "$before" "database after '$*'"
}
D="$SIXBB_SOURCE/tests/data/program"

for c in tally tallies survey; do expect_rc 0 "$SIXBB" -C s $c --help; done

# Twelve weekly counts of early-refill calls at N1: six high weeks, then six low ones after a
# new refill workflow - a shift below the median.
counts=(9 8 10 9 11 10 4 3 5 4 3 2)
for i in "${!counts[@]}"; do
  d=$(date -u -d "2026-03-02 + $((i * 7)) days" +%F)
  expect_rc 0 "$SIXBB" -C s tally add --site N1 --measure early-refill-calls --date "$d" --count "${counts[$i]}"
done
equals "$out" "Recorded early-refill-calls = 2 at site N1 on 2026-05-18"
expect_rc 0 "$SIXBB" -C s tally add --site R2 --measure early-refill-calls --date 2026-03-02 --count 6 --note "one week"
expect_rc 0 "$SIXBB" -C s tally add --site R2 --measure naloxone-offers --date 2026-03-02 --count 1
equals "$(sqlite3 s/sixbb.db "SELECT count(*) FROM audit_log WHERE entity='tally'")" 14 "tally audit entries"

rejected 1 "sixbb: --count '-1' is not a whole number from 0 to 1000000" \
  "$SIXBB" -C s tally add --site N1 --measure x --date 2026-03-02 --count -1
rejected 1 "sixbb: --count 'many' is not a whole number from 0 to 1000000" \
  "$SIXBB" -C s tally add --site N1 --measure x --date 2026-03-02 --count many
rejected 1 "sixbb: --date '2026-03-32' is not a date (YYYY-MM-DD)" \
  "$SIXBB" -C s tally add --site N1 --measure x --date 2026-03-32 --count 1
rejected 1 "sixbb: no site 'Q1' in this registry" "$SIXBB" -C s tally add --site Q1 --measure x --date 2026-03-02 --count 1
rejected 1 "sixbb: site N1 already has a early-refill-calls tally for 2026-03-02" \
  "$SIXBB" -C s tally add --site N1 --measure early-refill-calls --date 2026-03-02 --count 1
rejected 2 "sixbb tally: tally add needs --site, --measure, --date and --count
Try 'sixbb tally --help'." "$SIXBB" -C s tally add --site N1

expect_rc 0 "$SIXBB" -C s tallies --site R2 --json
equals "$(echo "$out" | jq -c '[.tallies[] | [.measure, .count, .note]]')" \
  '[["early-refill-calls",6,"one week"],["naloxone-offers",1,null]]'
expect_rc 0 "$SIXBB" -C s tallies --measure early-refill-calls
contains "$out" "N1    early-refill-calls  2026-05-18  2"

# The report: one run chart per clinic and measure, with the shift found.
expect_rc 0 "$SIXBB" -C s report tally --param measure=early-refill-calls --as-of 2026-06-01 --json
equals "$(echo "$out" | jq -c '[.sections[] | .id]')" '["site-N1","site-R2"]' "a section per clinic"
equals "$(echo "$out" | jq -c '.sections[0].blocks[0] | [.type, .kind, (.points | length), .points[0].label, .points[0].value]')" \
  '["chart","run",12,"2026-03-02",9]' "the run chart"
contains "$(echo "$out" | jq -r '.sections[0].blocks[1].text')" "shift: 6 points below the median"
expect_rc 0 "$SIXBB" -C s report tally --param measure=early-refill-calls --site N1 --as-of 2026-06-01
contains "$out" "median"
contains "$out" "S"
expect_rc 0 "$SIXBB" -C s report tally --site N1 --as-of 2026-06-01 -o tally.html
xmllint --noout tally.html || fail "tally HTML is not well-formed"; ok
contains "$(cat tally.html)" "<svg"
expect_rc 0 "$SIXBB" -C s report tally --param measure=nothing --as-of 2026-06-01
contains "$out" "No tallies recorded for nothing."

# Surveys: the kickoff baseline against the outcomes survey. N1 confidence: kickoff 2, 3, 4
# (mean 3), outcomes 4, 5 (mean 4.5), change 1.5; the free-text question is counted only.
expect_rc 0 "$SIXBB" -C s survey import --kind kickoff "$D/survey_kickoff.csv"
equals "$out" "Loaded 5 kickoff survey answers from $D/survey_kickoff.csv"
expect_rc 0 "$SIXBB" -C s survey import --kind outcomes "$D/survey_outcomes.csv"
expect_rc 0 "$SIXBB" -C s survey import --kind outcomes "$D/survey_outcomes.csv"
equals "$(sqlite3 s/sixbb.db "SELECT count(*) FROM survey_answers")" 8 "loading again replaces"
equals "$(sqlite3 s/sixbb.db "SELECT count(*) FROM audit_log WHERE entity='survey'")" 3
expect_rc 0 "$SIXBB" -C s survey summary --site N1 --json
equals "$(echo "$out" | jq -c '.questions[] | select(.question=="confidence_tapering") | [.baseline_n, .baseline_mean, .end_n, .end_mean, .change]')" \
  '[3,3,2,4.5,1.5]' "confidence"
equals "$(echo "$out" | jq -c '.questions[] | select(.question=="biggest_barrier") | [.baseline_n, .end_n, .change, .text_answers]')" \
  '[0,0,null,2]' "text answers"
expect_rc 0 "$SIXBB" -C s survey summary
contains "$out" "R2    confidence_tapering  1           1"

printf 'site_id,respondent,date,question,answer\nN1,r9,2026-12-01,q1,3\nN1,r9,2026-12-01,q2,\n' > empty.csv
rejected 1 "sixbb: empty.csv:3:5: the answer is empty" "$SIXBB" -C s survey import --kind outcomes empty.csv
printf 'site_id,respondent,date,question,answer\nQ1,r9,2026-12-01,q1,3\n' > site.csv
rejected 1 "sixbb: site.csv:2:1: no site 'Q1' in this registry" "$SIXBB" -C s survey import --kind kickoff site.csv
printf 'site_id,respondent,date,question,answer\nN1,r9,Dec 1,q1,3\n' > date.csv
rejected 1 "sixbb: date.csv:2:3: 'Dec 1' is not a date (YYYY-MM-DD)" "$SIXBB" -C s survey import --kind kickoff date.csv
rejected 1 "sixbb: survey kind 'exit' is not one of kickoff, outcomes" "$SIXBB" -C s survey import --kind exit date.csv
rejected 2 "sixbb survey: survey import needs --kind kickoff or --kind outcomes
Try 'sixbb survey --help'." "$SIXBB" -C s survey import date.csv
printf 'site_id,respondent,date,question,answer\nN1,r9,2026-12-01,"q1,3\n' > quote.csv
expect_rc 1 "$SIXBB" -C s survey import --kind kickoff quote.csv
contains "$err" "sixbb: quote.csv:2:"

done_ok
