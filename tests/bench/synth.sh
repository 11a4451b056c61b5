#!/usr/bin/env bash
# Times 'sixbb synth' on a large organisation (default 100,000 patients): median wall-clock time
# of RUNS runs, rows written per second, and the size of the files.
#
#   tests/bench/synth.sh [path/to/sixbb]      (or SIXBB=...; PATIENTS=, RUNS=, OUT= to override)
set -euo pipefail

SIXBB=${1:-${SIXBB:-build/sixbb}}
PATIENTS=${PATIENTS:-100000}
RUNS=${RUNS:-3}
AS_OF=2025-06-30

[ -x "$SIXBB" ] || {
    echo "synth bench: no sixbb binary at $SIXBB (build first, or pass its path)" >&2
    exit 2
}
work=$(mktemp -d "${OUT:-${TMPDIR:-/tmp}}/sixbb-synth-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

times=()
for ((i = 1; i <= RUNS; i++)); do
    rm -rf "$work/out"
    start=$(date +%s%N)
    "$SIXBB" synth --out "$work/out" --patients "$PATIENTS" --seed 1 --as-of "$AS_OF" --json \
        >"$work/summary.json"
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
    echo "run $i: ${times[-1]} ms" >&2
done

median_ms=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
rows=$(sed -n 's/.*"total_rows":[[:space:]]*\([0-9]*\).*/\1/p' "$work/summary.json")
fills=$(sed -n 's/.*"prescriptions.csv":[[:space:]]*\([0-9]*\).*/\1/p' "$work/summary.json")
bytes=$(du -sb "$work/out" | cut -f1)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)

echo "machine:   ${cpu:-unknown cpu}, $(nproc) cores"
echo "command:   sixbb synth --out DIR --patients $PATIENTS --seed 1 --as-of $AS_OF"
echo "data:      $PATIENTS patients, $fills prescription rows, $rows rows in all, $((bytes / 1048576)) MiB"
echo "median:    $median_ms ms of $RUNS runs (${times[*]} ms)"
echo "rate:      $((rows * 1000 / (median_ms > 0 ? median_ms : 1))) rows/s"
