#!/usr/bin/env bash
# sixbb med --csv: a file with mixed columns, standard input, JSON output checked with jq, and
# per-row errors naming the CSV line.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v jq >/dev/null || fail "jq is needed by this test (Debian package jq)"
data="$SIXBB_SOURCE/tests/data"

out=$("$SIXBB" med --csv "$data/med-prescriptions.csv")
grep -qF "line 2  oxycodone 10 mg tablet" <<<"$out" || fail "line label: $out"
# 60 + hydrocodone 5 mg × 2 × 4 = 40 + patch 180 + methadone 30 mg × 4.7 = 141 + 180
grep -qF "Total MED 601.0 (standard cdc2022" <<<"$out" || fail "total: $out"

json=$("$SIXBB" med --csv - --json --standard cdc2016 <"$data/med-prescriptions.csv")
jq -e '.standard == "cdc2016" and .total == 601.0 - 141 + 240 and .not_computable == 0
       and .not_opioid == 1 and (.rows | length) == 6' <<<"$json" >/dev/null || fail "json: $json"
jq -e '.rows[0] | .med == 60.0 and .ingredient == "oxycodone" and .daily_dose == 40.0
       and .unit == "mg" and .factor == 1.5 and .method == "dispensing" and .flags == []
       and .error == null and .line == 2' <<<"$json" >/dev/null || fail "row 0: $json"
jq -e '.rows[1].flags | index("dose_range") and index("prn")' <<<"$json" >/dev/null ||
    fail "flags: $json"
jq -e '.rows[3] | .factor == 8 and .method == "dispensing"' <<<"$json" >/dev/null ||
    fail "methadone tier: $json"
jq -e '.rows[5] | .med == null and .class == "benzodiazepine" and .error == null' \
    <<<"$json" >/dev/null || fail "benzo row: $json"
# the shape promised by the documentation, key by key
jq -e 'keys - ["standard","standard_version","total","not_computable","excluded","not_opioid","rows"] == []
       and (.rows[0] | has("med") and has("ingredient") and has("daily_dose") and has("unit")
       and has("factor") and has("method") and has("flags") and has("error"))' \
    <<<"$json" >/dev/null || fail "shape: $json"

set +e
out=$("$SIXBB" med --csv "$data/med-bad-rows.csv")
rc=$?
json=$("$SIXBB" med --csv "$data/med-bad-rows.csv" --json)
set -e
[ "$rc" = 1 ] || fail "bad rows: expected exit 1, got $rc"
grep -qF "line 3  oxycodone 10 mg tablet" <<<"$out" || fail "$out"
grep -qF "not computable: days supply is 0" <<<"$out" || fail "$out"
grep -qF "5 of 6 prescriptions not computable" <<<"$out" || fail "$out"
jq -e '.total == 60.0 and .not_computable == 5' <<<"$json" >/dev/null || fail "$json"
jq -e '[.rows[] | select(.med == null) | .error] as $e
       | ($e[0] | contains("days supply is 0")) and ($e[1] | contains("quantity -5"))
       and ($e[2] | contains("no opioid ingredient recognised in '"'"'xyz'"'"'"))
       and ($e[3] | contains("quantity '"'"'lots'"'"' is not a number"))
       and ($e[4] | contains("doses per day '"'"'sometimes'"'"'"))' <<<"$json" >/dev/null ||
    fail "errors: $json"
[ "$(jq '[.rows[] | select(.med == null) | .line]' -c <<<"$json")" = "[3,4,5,6,7]" ] ||
    fail "lines: $json"

# a header-only file is an empty batch
printf 'drug,quantity\n' | "$SIXBB" med --csv - | grep -qF "Total MED 0.0" || fail "empty batch"
echo ok
