#!/usr/bin/env bash
# Times `sixbb report dashboard` (24 back-filled months) on 100 000 synthetic patients: the
# median of three runs. Not part of ctest (generating and importing takes a few minutes).
# usage: tests/bench/dashboard.sh [BUILD_DIR] [PATIENTS]
set -euo pipefail
build=${1:-build}
n=${2:-100000}
sixbb=$(realpath "$build/sixbb")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$sixbb" synth --out "$work/data" --patients "$n" --seed 1 --as-of 2026-06-30 >/dev/null
"$sixbb" init "$work/site" >/dev/null
"$sixbb" -C "$work/site" import "$work/data" >/dev/null
times=()
for i in 1 2 3; do
  start=$(date +%s%N)
  "$sixbb" -C "$work/site" report dashboard --as-of 2026-06-30 -o "$work/dashboard.html" >/dev/null
  times+=($(( ($(date +%s%N) - start) / 1000000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
echo "patients: $n; prescriptions: $(sqlite3 "$work/site/sixbb.db" 'SELECT count(*) FROM prescriptions')"
echo "runs (ms): ${times[*]}; median: $median ms"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
