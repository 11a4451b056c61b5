#!/usr/bin/env bash
# Evaluation benchmark: every check for a 100 k-patient synthetic organisation, and one patient.
#   tests/bench/eval.sh [SIXBB] (env: PATIENTS=100000 RUNS=3 AS_OF=2026-06-30 KEEP=DIR)
# Builds the site once (synth + import), then times `sixbb check` over the whole population
# (results stored, output to /dev/null) and `sixbb check --patient P` RUNS times each, and prints
# the median wall-clock times.
set -euo pipefail
SIXBB=${1:-build/sixbb}
PATIENTS=${PATIENTS:-100000}
RUNS=${RUNS:-3}
AS_OF=${AS_OF:-2026-06-30}
dir=${KEEP:-$(mktemp -d)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT

if [ ! -f "$dir/site/sixbb.db" ]; then
  echo "building a site with $PATIENTS patients in $dir ..." >&2
  "$SIXBB" synth --out "$dir/csv" --patients "$PATIENTS" --seed 1 --as-of "$AS_OF" >/dev/null
  "$SIXBB" init "$dir/site" >/dev/null
  "$SIXBB" -C "$dir/site" import "$dir/csv" >/dev/null
fi
fills=$(sqlite3 "$dir/site/sixbb.db" "SELECT count(*) FROM prescriptions")
patient=$(sqlite3 "$dir/site/sixbb.db" "SELECT patient_id FROM patients ORDER BY patient_id LIMIT 1 OFFSET $((PATIENTS / 2))")

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
time_runs() { # LABEL CMD...
  local label=$1; shift
  local t
  for _ in $(seq 1 "$RUNS"); do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    echo "$e - $s" | bc
  done | median | { read -r t; printf '%-28s median %.3f s over %d runs\n' "$label" "$t" "$RUNS"; }
}

"$SIXBB" -C "$dir/site" check --as-of "$AS_OF" >/dev/null   # warm the page cache
echo "site: $PATIENTS patients, $fills prescriptions; machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
time_runs "all checks, all patients" "$SIXBB" -C "$dir/site" check --as-of "$AS_OF"
time_runs "one patient ($patient)" "$SIXBB" -C "$dir/site" check --as-of "$AS_OF" --patient "$patient"
