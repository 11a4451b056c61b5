#!/usr/bin/env bash
# sixbb med on the command line: one prescription, several summed, sig and dispensing, the
# three standards, and the exit status when something cannot be computed.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_line() { grep -qF -- "$2" <<<"$1" || fail "expected '$2' in: $1"; }

out=$("$SIXBB" med "oxycodone 10 mg tablet" --qty 120 --days 30)
expect_line "$out" "10 mg × 120 ÷ 30 d × 1.5 = 60.0"
expect_line "$out" "Total MED 60.0 (standard cdc2022"

# options apply to the prescription before them; totals add up
out=$("$SIXBB" med "hydrocodone 5 mg/APAP 300" --dose 1 --per-day 4 \
    "oxycodone ER 10 mg" --dose 1 --per-day bid "fentanyl 75 mcg/hr patch")
expect_line "$out" "Total MED 230.0"
expect_line "$out" "5 mg × 1 × 4/day × 1 = 20.0"
expect_line "$out" "75 mcg/hr × 2.4 = 180.0"

# two equal prescriptions both count
out=$("$SIXBB" med "hydrocodone 5 mg" --dose 1 --per-day 4 "hydrocodone 5 mg" --dose 1 --per-day 4)
expect_line "$out" "Total MED 40.0"

# the same input under each standard
[ "$("$SIXBB" med "methadone 10 mg" --dose 1 --per-day 3 --standard cdc2016 | tail -1)" = \
  "Total MED 240.0 (standard cdc2016, version 2016)" ] || fail "methadone under cdc2016"
expect_line "$("$SIXBB" med "methadone 10 mg" --dose 1 --per-day 3)" "Total MED 141.0"
expect_line "$("$SIXBB" med "butorphanol 10 mg/mL nasal spray" --qty 2.5 --days 30 \
    --standard cdc-analytic-2018)" "Total MED 5.8"
expect_line "$("$SIXBB" med "hydromorphone 2 mg" --dose 1 --per-day q4h --standard=cdc2016)" \
    "Total MED 48.0"
expect_line "$("$SIXBB" med --ndc 0093-6902-19 --qty 10 --days 30 --standard-file \
    "$SIXBB_SOURCE/config/standards/cdc-analytic-2018.json")" "Total MED 180.0"
expect_line "$("$SIXBB" med --rxnorm 197696)" "Total MED 180.0"

# a prescription that cannot be computed: shown, left out, exit 1
set +e
out=$("$SIXBB" med "oxycodone 10 mg tablet" --qty 120 --days 0 "oxycodone 5 mg" --dose 1 --per-day 2)
rc=$?
set -e
[ "$rc" = 1 ] || fail "expected exit 1, got $rc"
expect_line "$out" "not computable: days supply is 0"
expect_line "$out" "Total MED 15.0"
expect_line "$out" "1 of 2 prescriptions not computable"

# a benzodiazepine or buprenorphine has no MED but is not a failure
out=$("$SIXBB" med "Xanax 1 mg" "Suboxone 8 mg/2 mg film" "Butrans 10 mcg/hr")
expect_line "$out" "no MED: alprazolam is a benzodiazepine"
expect_line "$out" "Total MED 0.0"

"$SIXBB" med --help | grep -q "Exit status" || fail "--help"
echo ok
