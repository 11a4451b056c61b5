#!/usr/bin/env bash
# Runs the MED benchmark several times (release build) and prints the median of each measure.
# usage: tests/bench/med.sh [RUNS]   (default 5)
set -euo pipefail
runs=${1:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build-bench"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target bench_med >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for i in $(seq "$runs"); do
    SIXBB_SOURCE="$root" "$build/tests/bench_med" >>"$out"
done
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "median of $runs runs:"
for key in fills fills_per_second fills_engine_seconds fills_sqlite_query_seconds \
    fills_sqlite_over_engine fills_totals_agree patients patient_fills timelines_seconds \
    timelines_with_calc_seconds timelines_sqlite_current_med_seconds \
    timelines_sqlite_over_engine; do
    awk -v k="$key" '$1 == k { print $2 }' "$out" | sort -g |
        awk -v k="$key" '{ v[NR] = $1 } END { printf "  %-40s %s\n", k, v[int((NR + 1) / 2)] }'
done
