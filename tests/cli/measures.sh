#!/usr/bin/env bash
# Measures on registries worked out by hand.
# tests/data/eval (see check.sh) as of 2026-06-30: on LtOT and not excluded P1 (MED 60, labeled),
# P2 (MED 90, fill rule met 04-05..06-10, alprazolam overlap from 06-15), P5 (MED 40, labeled);
# P3 excluded (cancer), P4 one short fill.
#   ltot-patients 3; med-50 2/3 (P1, P2); med-90 1/3 (P2); avg-med (60+90+40)/3 = 63.3;
#   benzo 1/3 (P2); naloxone: denominator P1, P2 (MED >= 50), numerator none (P5's naloxone is
#   outside the denominator); agreement 2/3 (P1 01-10, P5 03-01); pdmp 2/3; peg 2/3 (P1, P5 in
#   June); labeled: fill rule met by P1, P2, P5, labeled P1, P5 = 2/3.
# Back-filled 2026-03 (before any of P2's fills and P1's and P5's first fills): LtOT = P1, P5 on
# their label diagnoses with MED 0: ltot-patients 2, med-50 0/2, naloxone denominator 0.
# tests/data/measures, calendar year 2026 to 06-30:
#   H1 oxycodone 30 mg 4/day (180 MME) 01-05 and 02-04: HDO numerator (average 180 >= 90).
#   H2 oxycodone 5 mg (30 MME) 03-01, 03-31 with alprazolam 03-01 and 03-20 (chained to 03-31):
#      60 overlap days, COB numerator. H3 one fill: in no denominator.
#   H4 tramadol from 4 prescribers at 4 pharmacies within 91 days: OMP numerator.
#   Denominators HDO = COB = OMP = H1, H2, H4.
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/eval" >/dev/null

expect_rc 0 "$SIXBB" -C s report measures --as-of 2026-06-30 --json
rows=$(echo "$out" | jq -c '.sections[] | select(.id == "all") | .blocks[0].rows')
row() { echo "$rows" | jq -c "[.[] | select(.measure == \"$1\" and .period == \"$2\" and .level == \"${3:-organisation}\" ${4:-})][0] | {numerator, denominator, rate, value}"; }
equals "$(echo "$rows" | jq '[.[] | select(.level == "organisation") | .period] | unique | length')" 25 "24 months and the year"
equals "$(echo "$rows" | jq -r '[.[] | select(.level == "organisation" and .measure == "med-90") | .period] | first + " " + last')" "2024-07 2026-06" "default range"
equals "$(echo "$rows" | jq -c '[.[] | select(.measure == "med-90" and .period == "2026-06" and .level == "organisation")][0] | {measure, period, site, numerator, denominator, rate}')" \
  '{"measure":"med-90","period":"2026-06","site":null,"numerator":1,"denominator":3,"rate":0.3333333333333333}' "JSON shape"
equals "$(row ltot-patients 2026-06)" '{"numerator":3,"denominator":null,"rate":null,"value":3}'
equals "$(row med-50 2026-06)" '{"numerator":2,"denominator":3,"rate":0.6666666666666666,"value":null}'
equals "$(row med-90 2026-06)" '{"numerator":1,"denominator":3,"rate":0.3333333333333333,"value":null}'
equals "$(row avg-med 2026-06 | jq .value)" 63.333333333333336 "avg-med"
equals "$(row benzo 2026-06 | jq -c '[.numerator, .denominator]')" "[1,3]" "benzo"
equals "$(row naloxone 2026-06 | jq -c '[.numerator, .denominator]')" "[0,2]" "naloxone"
equals "$(row agreement 2026-06 | jq -c '[.numerator, .denominator]')" "[2,3]" "agreement"
equals "$(row pdmp 2026-06 | jq -c '[.numerator, .denominator]')" "[2,3]" "pdmp"
equals "$(row peg 2026-06 | jq -c '[.numerator, .denominator]')" "[2,3]" "peg"
equals "$(row labeled 2026-06 | jq -c '[.numerator, .denominator]')" "[2,3]" "labeled"
# Back-filled months.
equals "$(row ltot-patients 2026-03 | jq .value)" 2 "ltot in March"
equals "$(row med-50 2026-03 | jq -c '[.numerator, .denominator]')" "[0,2]" "med-50 in March"
equals "$(row naloxone 2026-03 | jq -c '[.numerator, .denominator]')" "[0,0]" "naloxone in March"
# By site and clinician.
equals "$(row med-50 2026-06 site 'and .site == "S1"' | jq -c '[.numerator, .denominator]')" "[2,2]" "S1"
equals "$(row med-50 2026-06 site 'and .site == "S2"' | jq -c '[.numerator, .denominator]')" "[0,1]" "S2"
equals "$(row med-90 2026-06 clinician 'and .clinician == "C2"' | jq -c '[.numerator, .denominator]')" "[1,1]" "C2"
equals "$(echo "$rows" | jq -r '[.[] | select(.measure == "med-90" and .period == "2026-06" and .level == "clinician") | .clinician] | join(",")')" "C1,C2,C3"
# Snapshots kept for the unfiltered run.
equals "$(sqlite3 s/sixbb.db "SELECT numerator || '/' || denominator FROM measure_snapshots WHERE measure_id = 'med-90' AND period = '2026-06' AND site_id = '' AND clinician_id = ''")" "1.0/3.0"
# A narrower range and a site filter.
expect_rc 0 "$SIXBB" -C s report measures --as-of 2026-06-30 --from 2026-04-01 --to 2026-06-30 --site S2 --json
equals "$(echo "$out" | jq -r '[.sections[] | select(.id == "all") | .blocks[0].rows[] | select(.level == "organisation" and .measure == "med-50") | .numerator] | join(",")')" "0,0,0"

# Dashboard: figures, peer median, patient lists, well-formed self-contained HTML.
expect_rc 0 "$SIXBB" -C s aim set med-90 --target 0.5 --by 2027-06-30 --note "taper protocol"
expect_rc 0 "$SIXBB" -C s aim set med-50 --target 0.1 --by 2030-01-01
expect_rc 2 "$SIXBB" -C s aim set med-91 --target 0.1 --by 2030-01-01
contains "$err" "did you mean 'med-90'"
expect_rc 0 "$SIXBB" -C s aims --json
equals "$(echo "$out" | jq -c '[.aims[] | {measure, site, target, by}]')" \
  '[{"measure":"med-50","site":null,"target":0.1,"by":"2030-01-01"},{"measure":"med-90","site":null,"target":0.5,"by":"2027-06-30"}]'
expect_rc 0 "$SIXBB" -C s report dashboard --as-of 2026-06-30 --json
dash=$out
equals "$(echo "$dash" | jq -r '.figures[] | select(.label == "At MED ≥ 90") | "\(.value) \(.href)"')" "33.3% #list-med-90"
equals "$(echo "$dash" | jq -r '.sections[0].blocks[] | select(.id == "by-clinician") | .rows[] | select(.measure == "Current MED ≥ 50") | .peer')" "100.0%" "peer median of 1, 1, 0"
ids() { echo "$1" | jq -r ".sections[] | select(.id == \"$2\") | [.blocks[].text] | join(\"|\")"; }
equals "$(ids "$dash" list-med-90)" "In the numerator (1):|P2|In the denominator only (2):|P1, P5"
equals "$(ids "$dash" list-naloxone)" "In the numerator (0):|In the denominator only (2):|P1, P2"
equals "$(echo "$dash" | jq -r '.sections[0].blocks[] | select(.id == "aims") | [.rows[] | "\(.measure) \(.status)"] | join(",")')" "med-50 off track,med-90 met" "aims on/off track"
equals "$(echo "$dash" | jq -r '.sections[] | select(.id == "charts") | .blocks[] | select(.title == "Current MED ≥ 90") | .goal')" 0.5 "aim as goal line"
expect_rc 0 "$SIXBB" -C s aim remove 2
expect_rc 1 "$SIXBB" -C s aim remove 2
expect_rc 0 "$SIXBB" -C s report dashboard --as-of 2026-06-30 -o dash.html
xmllint --noout dash.html || fail "dash.html is not well-formed"; ok
for bad in 'http:' 'https:' 'src=' '<script' '@import' 'url('; do
  not_contains "$(cat dash.html)" "$bad" "dash.html"
done
not_contains "$(cat dash.html)" "Test Patient" "no names"
contains "$(cat dash.html)" 'id="list-med-90"'

# Clinician report: C2 against the site and peers.
expect_rc 0 "$SIXBB" -C s report clinician --clinician C2 --as-of 2026-06-30 --json
equals "$(echo "$out" | jq -r '.sections[0].blocks[0].rows[] | select(.measure == "Current MED ≥ 90") | "\(.clinician) \(.counts) \(.site) \(.peer)"')" "100.0% 1 / 1 50.0% 50.0%" "site S1 peers C1 0 and C2 1"
equals "$(echo "$out" | jq -r '.sections[] | select(.id == "patients-med-90") | [.blocks[0].rows[].patient] | join(",")')" "P2"
expect_rc 0 "$SIXBB" -C s report clinician --clinician C2 --as-of 2026-06-30 -o clin.html
xmllint --noout clin.html || fail "clin.html is not well-formed"; ok

# Annual standard measures.
"$SIXBB" init a >/dev/null
"$SIXBB" -C a import "$SIXBB_SOURCE/tests/data/measures" >/dev/null
expect_rc 0 "$SIXBB" -C a report dashboard --as-of 2026-06-30 --json
equals "$(ids "$out" list-hedis-hdo)" "In the numerator (1):|H1|In the denominator only (2):|H2, H4"
equals "$(ids "$out" list-pqa-cob)" "In the numerator (1):|H2|In the denominator only (2):|H1, H4"
equals "$(ids "$out" list-pqa-omp)" "In the numerator (1):|H4|In the denominator only (2):|H1, H2"
expect_rc 0 "$SIXBB" -C a report clinician --clinician D1 --as-of 2026-06-30 --json
equals "$(echo "$out" | jq -r '.sections[] | select(.id == "patients-hedis-hdo") | .blocks[0].rows[0].med')" 180 "HDO average MME"
# The patient lists carry each patient's current MED for every measure, not only the averages:
# P2's MED is 90 in the med-90 numerator.
expect_rc 0 "$SIXBB" -C s report clinician --clinician C2 --as-of 2026-06-30 --json
equals "$(echo "$out" | jq -r '.sections[] | select(.id == "patients-med-90") | .blocks[0].rows[] | select(.patient == "P2") | .med')" 90 "MED in a rate measure's list"

# On a generated organisation, every clinician's report and the dashboard at several dates and
# sites render: a peer median of counts over an even number of clinicians is not a whole number.
"$SIXBB" synth --out org --patients 300 --seed 5 --as-of 2026-06-30 >/dev/null
"$SIXBB" init g >/dev/null
"$SIXBB" -C g import org >/dev/null
for c in $(sqlite3 g/sixbb.db "SELECT clinician_id FROM patients GROUP BY 1 HAVING count(*) >= 20 ORDER BY 1"); do
  expect_rc 0 "$SIXBB" -C g report clinician --clinician "$c" --as-of 2026-06-30 --format html -o /dev/null
done
for d in 2026-02-28 2026-04-30 2026-06-30; do
  expect_rc 0 "$SIXBB" -C g report dashboard --as-of "$d" --format html -o /dev/null
  for site in $(sqlite3 g/sixbb.db "SELECT site_id FROM sites ORDER BY 1"); do
    expect_rc 0 "$SIXBB" -C g report dashboard --as-of "$d" --site "$site" --format html -o /dev/null
  done
done
done_ok
