#!/usr/bin/env bash
# Huddle-list benchmark: one clinic day's huddle list, as printable HTML, for a 100 k-patient
# synthetic organisation.
#   tests/bench/huddle.sh [SIXBB] (env: PATIENTS=100000 RUNS=3 AS_OF=2026-06-30 DAY=2026-07-01 KEEP=DIR)
# Builds the site once (synth + import; the generator books appointments for the two weeks after
# AS_OF), then times `sixbb report huddle --as-of DAY -o huddle.html` RUNS times and prints the
# median wall-clock time, with the day's appointments and the patients listed.
set -euo pipefail
SIXBB=${1:-build/sixbb}
PATIENTS=${PATIENTS:-100000}
RUNS=${RUNS:-3}
AS_OF=${AS_OF:-2026-06-30}
DAY=${DAY:-2026-07-01}
dir=${KEEP:-$(mktemp -d)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT

if [ ! -f "$dir/site/sixbb.db" ]; then
  echo "building a site with $PATIENTS patients in $dir ..." >&2
  "$SIXBB" synth --out "$dir/csv" --patients "$PATIENTS" --seed 1 --as-of "$AS_OF" >/dev/null
  "$SIXBB" init "$dir/site" >/dev/null
  "$SIXBB" -C "$dir/site" import "$dir/csv" >/dev/null
fi
appointments=$(sqlite3 "$dir/site/sixbb.db" "SELECT count(*) FROM appointments WHERE date = '$DAY'")
listed=$("$SIXBB" -C "$dir/site" report huddle --as-of "$DAY" --format json | jq '.figures[0].value')

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
t=$(for _ in $(seq 1 "$RUNS"); do
  s=$(date +%s.%N)
  "$SIXBB" -C "$dir/site" report huddle --as-of "$DAY" -o "$dir/huddle.html" >/dev/null
  e=$(date +%s.%N)
  echo "$e - $s" | bc
done | median)
echo "site: $PATIENTS patients; $DAY: $appointments appointments, $listed patients on LtOT listed"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
printf 'huddle list (HTML)           median %.3f s over %d runs\n' "$t" "$RUNS"
