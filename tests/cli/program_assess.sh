#!/usr/bin/env bash
# Self-assessment: assess record / import / summary and the self-assessment report, with the
# summary numbers worked out by hand from tests/data/program/self_assessment.csv, and every
# rejected input (score 13, item 23, bad occasion, role, date, site; a bad CSV row named by
# file:line:column) leaving the database as it was.
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
F="$SIXBB_SOURCE/tests/data/program/self_assessment.csv"

expect_rc 0 "$SIXBB" -C s assess --help
contains "$out" "site_id, occasion, role, respondent, date, item, score"

expect_rc 0 "$SIXBB" -C s assess import "$F"
equals "$out" "Loaded 12 self-assessment scores from $F"
equals "$(sqlite3 s/sixbb.db "SELECT count(*) FROM audit_log WHERE entity='self_assessment' AND action='import'")" 1

# By hand, N1 at the kickoff: item 1 = 4, 6, 8 (mean 6, 4-8); item 2 = 3, 5 (mean 4); item 3 = 2;
# item 8 = 5. Leadership (items 1-3) = (6 + 4 + 2) / 3 = 4; tracking (item 8) = 5.
# At the midpoint: item 1 = 9, 10 (mean 9.5, change 9.5 - 6 = 3.5); item 2 = 6 (change 2);
# item 8 = 7 (change 2). Leadership = (9.5 + 6) / 2 = 7.75, and its change over the items scored
# both times is ((9.5 - 6) + (6 - 4)) / 2 = 2.75.
expect_rc 0 "$SIXBB" -C s assess summary --site N1 --json
item() { echo "$out" | jq -c ".items[] | select(.occasion==\"$1\" and .item==$2) | [.n, .mean, .min, .max, .change, .block]"; }
block() { echo "$out" | jq -c ".blocks[] | select(.occasion==\"$1\" and .block==\"$2\") | [.items, .mean, .change]"; }
equals "$(item kickoff 1)" '[3,6,4,8,0,"leadership"]' "kickoff item 1"
equals "$(item kickoff 2)" '[2,4,3,5,0,"leadership"]' "kickoff item 2"
equals "$(item midpoint 1)" '[2,9.5,9,10,3.5,"leadership"]' "midpoint item 1"
equals "$(item midpoint 8)" '[1,7,7,7,2,"tracking"]' "midpoint item 8"
equals "$(block kickoff leadership)" '[3,4,0]' "kickoff leadership"
equals "$(block kickoff tracking)" '[1,5,0]' "kickoff tracking"
equals "$(block midpoint leadership)" '[2,7.75,2.75]' "midpoint leadership"
equals "$(echo "$out" | jq '[.items[] | select(.site != "N1")] | length')" 0 "--site keeps to N1"

# record: one respondent at the end. Item 1 = 11 (change 5), item 2 = 9 (change 5); leadership
# = (11 + 9) / 2 = 10, change ((11 - 6) + (9 - 4)) / 2 = 5.
expect_rc 0 "$SIXBB" -C s assess record --site N1 --occasion end --role qi_lead --date 2026-12-01 --scores "1=11, 2=9"
equals "$out" "Recorded 2 scores for site N1 (end, qi_lead)"
expect_rc 0 "$SIXBB" -C s assess summary --site N1 --json
equals "$(item end 1)" '[1,11,11,11,5,"leadership"]' "end item 1"
equals "$(block end leadership)" '[2,10,5]' "end leadership"
# Recording the same item again corrects it.
expect_rc 0 "$SIXBB" -C s assess record --site N1 --occasion end --role qi_lead --date 2026-12-01 --scores "1=10"
expect_rc 0 "$SIXBB" -C s assess summary --site N1 --json
equals "$(item end 1)" '[1,10,10,10,4,"leadership"]' "end item 1 corrected"
expect_rc 0 "$SIXBB" -C s assess summary
contains "$out" "Blocks"
contains "$out" "R2    kickoff   21    measuring   1  7     7    7    0"

R="$SIXBB -C s assess record --site N1 --occasion end --role qi_lead --date 2026-12-01"
rejected 1 "sixbb: --scores: item 1 has score 13; scores run from 1 to 12" $R --scores "1=13"
rejected 1 "sixbb: --scores: item 1 has score 0; scores run from 1 to 12" $R --scores "2=5,1=0"
rejected 1 "sixbb: --scores: item 23 is not a self-assessment item" $R --scores "23=4"
rejected 1 "sixbb: --scores: 'x' is not ITEM=SCORE" $R --scores "1=4,x"
rejected 1 "sixbb: --scores: item 2 is given twice" $R --scores "2=4,2=5"
rejected 1 "sixbb: occasion 'final' is not one of kickoff, midpoint, end" \
  "$SIXBB" -C s assess record --site N1 --occasion final --role qi_lead --scores "1=4"
rejected 1 "sixbb: role 'boss' is not one of qi_lead, clinical_champion, tracking_lead, ma, nurse, behavioral_health, pharmacist, moud_provider, other, staff_group" \
  "$SIXBB" -C s assess record --site N1 --occasion end --role boss --scores "1=4"
rejected 1 "sixbb: --date '2026-1-5' is not a date (YYYY-MM-DD)" $R --scores "1=4" --date 2026-1-5
rejected 1 "sixbb: no site 'Q1' in this registry" \
  "$SIXBB" -C s assess record --site Q1 --occasion end --role qi_lead --scores "1=4"
rejected 2 "sixbb assess: assess record needs --site, --occasion, --role and --scores
Try 'sixbb assess --help'." "$SIXBB" -C s assess record --site N1

# import is all-or-nothing and names the file, line and column of the first bad value.
hdr="site_id,occasion,role,respondent,date,item,score"
printf '%s\nN1,end,nurse,B,2026-12-01,1,7\nN1,end,nurse,B,2026-12-01,23,7\n' "$hdr" > bad_item.csv
rejected 1 "sixbb: bad_item.csv:3:6: item '23' is not a self-assessment item" "$SIXBB" -C s assess import bad_item.csv
printf '%s\nN1,end,nurse,B,2026-12-01,1,13\n' "$hdr" > bad_score.csv
rejected 1 "sixbb: bad_score.csv:2:7: score '13' is not a whole number from 1 to 12" "$SIXBB" -C s assess import bad_score.csv
printf '%s\nN1,end,nurse,B,2026-12-01,1,7\nN1,end,nurse,B,2026-12-01,1,8\n' "$hdr" > dup.csv
rejected 1 "sixbb: dup.csv:3:6: item 1 is given twice for this respondent" "$SIXBB" -C s assess import dup.csv
printf 'item,score,role,occasion,date,respondent,site_id\n1,7,nurse,end,2026-12-31,B,Q1\n' > bad_site.csv
rejected 1 "sixbb: bad_site.csv:2:7: no site 'Q1' in this registry" "$SIXBB" -C s assess import bad_site.csv
printf '%s\nN1,end,nurse,B,31/12/2026,1,7\n' "$hdr" > bad_date.csv
rejected 1 "sixbb: bad_date.csv:2:5: '31/12/2026' is not a date (YYYY-MM-DD)" "$SIXBB" -C s assess import bad_date.csv
printf 'site_id,occasion,role,date,item,score\n' > no_col.csv
rejected 1 "sixbb: no_col.csv:1: the header has no column 'respondent'" "$SIXBB" -C s assess import no_col.csv
rejected 1 "sixbb: cannot read missing.csv: No such file or directory" "$SIXBB" -C s assess import missing.csv

# The report shows the same numbers.
expect_rc 0 "$SIXBB" -C s report self-assessment --site N1 --json
equals "$(echo "$out" | jq -c '.sections[0].blocks[0].rows[] | select(.block=="Leadership and consensus") | [.kickoff, .midpoint, .end, .change]')" \
  '[4,7.75,9.5,4.5]' "report block means: end (10 + 9) / 2; change ((10-6)+(9-4))/2"
equals "$(echo "$out" | jq -c '.sections[0].blocks[] | select(.id=="items-N1-midpoint") | .rows[0] | [.item, .mean, .spread, .change]')" \
  '[1,9.5,"9–10",3.5]' "report midpoint item 1"
expect_rc 0 "$SIXBB" -C s report self-assessment -o sa.html
xmllint --noout sa.html || fail "self-assessment HTML is not well-formed"; ok

done_ok
