#!/usr/bin/env bash
# Times 'sixbb import prescriptions' on about a million rows (50,000 synthetic patients), median of
# RUNS runs into a fresh copy of a site that already holds the sites, clinicians and patients; and,
# side by side, SQLite's own '.import' of the same file (no checks, no MED) into an in-memory
# table, a table in a new file, and the site's prescriptions table.
#
#   tests/bench/import.sh [path/to/sixbb]      (or SIXBB=...; PATIENTS=, RUNS=, OUT= to override)
set -euo pipefail

SIXBB=${1:-${SIXBB:-build/sixbb}}
PATIENTS=${PATIENTS:-50000}
RUNS=${RUNS:-3}
AS_OF=2025-06-30

[ -x "$SIXBB" ] || {
    echo "import bench: no sixbb binary at $SIXBB (build first, or pass its path)" >&2
    exit 2
}
command -v sqlite3 >/dev/null || {
    echo "import bench: the sqlite3 shell is needed for the comparison" >&2
    exit 2
}
work=$(mktemp -d "${OUT:-${TMPDIR:-/tmp}}/sixbb-import-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$SIXBB" synth --out "$work/org" --patients "$PATIENTS" --seed 1 --as-of "$AS_OF" >/dev/null
csv="$work/org/prescriptions.csv"
rows=$(($(wc -l <"$csv") - 1))
"$SIXBB" init "$work/base" >/dev/null
for k in sites clinicians patients; do
    "$SIXBB" -C "$work/base" import "$k" "$work/org/$k.csv" --as-of "$AS_OF" >/dev/null
done

ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
fresh_site() {
    rm -rf "$work/site"
    cp -r "$work/base" "$work/site"
}

sixbb_times=() again_times=() mem_times=() file_times=() site_times=()
for ((i = 1; i <= RUNS; i++)); do
    fresh_site
    sync
    start=$(date +%s%N)
    "$SIXBB" -C "$work/site" import prescriptions "$csv" --as-of "$AS_OF" >/dev/null
    sixbb_times+=($(ms "$start"))
    start=$(date +%s%N)
    "$SIXBB" -C "$work/site" import prescriptions "$csv" --as-of "$AS_OF" >/dev/null
    again_times+=($(ms "$start"))

    start=$(date +%s%N)
    sqlite3 :memory: -cmd ".mode csv" ".import $csv p" >/dev/null
    mem_times+=($(ms "$start"))

    rm -f "$work/plain.db"
    start=$(date +%s%N)
    sqlite3 "$work/plain.db" -cmd ".mode csv" ".import $csv p" >/dev/null
    file_times+=($(ms "$start"))

    fresh_site
    sync
    start=$(date +%s%N)
    sqlite3 "$work/site/sixbb.db" -cmd ".mode csv" \
        ".import --skip 1 $csv prescriptions" >/dev/null 2>&1
    site_times+=($(ms "$start"))
    echo "run $i: sixbb ${sixbb_times[-1]} ms (again ${again_times[-1]} ms); sqlite3 .import" \
        "memory ${mem_times[-1]} ms, new file ${file_times[-1]} ms, site table ${site_times[-1]} ms" >&2
done

s=$(median "${sixbb_times[@]}")
a=$(median "${again_times[@]}")
m=$(median "${mem_times[@]}")
f=$(median "${file_times[@]}")
t=$(median "${site_times[@]}")
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
echo "machine:   ${cpu:-unknown cpu}, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data:      $rows prescription rows, $(($(stat -c %s "$csv") / 1048576)) MiB ($PATIENTS patients, seed 1)"
echo "command:   sixbb import prescriptions prescriptions.csv --as-of $AS_OF"
echo "sixbb:     median $s ms of $RUNS runs (${sixbb_times[*]}), $((rows * 1000 / (s > 0 ? s : 1))) rows/s"
echo "again:     median $a ms (every row unchanged) (${again_times[*]})"
echo "sqlite3:   .import, no checks: memory $m ms, new file $f ms, site table $t ms (medians)"
awk -v s="$s" -v m="$m" -v f="$f" -v t="$t" 'BEGIN {
    printf "ratio:     sixbb / sqlite3 .import = %.2f (memory), %.2f (new file), %.2f (site table)\n",
        s / m, s / f, s / t }'
