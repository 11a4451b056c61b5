#!/usr/bin/env bash
# Side-by-side timing of two sixbb binaries on the same site: every command run alternately with
# the two binaries (so a change in the machine's load hits both), RUNS times each, reporting the
# median wall-clock time, the spread, and the peak resident memory (from /usr/bin/time -v).
#   tests/bench/compare.sh OLD NEW   (env: PATIENTS=100000 RUNS=5 AS_OF=2026-06-30 KEEP=DIR
#                                     OLD_DATA=DIR NEW_DATA=DIR)
# The site is built once with OLD (synth + import) in KEEP, or in a temporary folder. A binary
# run from a build tree finds config/ and plugins/ in its own source tree; OLD_DATA (and
# NEW_DATA) name another folder holding them (as $SIXBB_DATA), for an older binary whose
# plugins differ from the tree's.
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
PATIENTS=${PATIENTS:-100000}
RUNS=${RUNS:-5}
AS_OF=${AS_OF:-2026-06-30}
dir=${KEEP:-$(mktemp -d)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT
[ -x /usr/bin/time ] || { echo "compare: GNU time (/usr/bin/time) is needed" >&2; exit 2; }

if [ ! -f "$dir/site/sixbb.db" ]; then
    echo "building a site with $PATIENTS patients in $dir ..." >&2
    export SIXBB_DATA=${OLD_DATA:-}
    [ -n "$SIXBB_DATA" ] || unset SIXBB_DATA
    "$old" synth --out "$dir/csv" --patients "$PATIENTS" --seed 1 --as-of "$AS_OF" >/dev/null
    "$old" init "$dir/site" >/dev/null
    "$old" -C "$dir/site" import "$dir/csv" >/dev/null
    unset SIXBB_DATA
fi
db=$dir/site/sixbb.db
patient=$(sqlite3 "$db" "SELECT patient_id FROM patients ORDER BY patient_id LIMIT 1 OFFSET $((PATIENTS / 2))")
busiest=$(sqlite3 "$db" "SELECT date FROM appointments WHERE date > '$AS_OF' GROUP BY date ORDER BY count(*) DESC, date LIMIT 1")
fills=$(sqlite3 "$db" "SELECT count(*) FROM prescriptions")

# One run: "seconds peak_kib" of CMD. A failed run stops the comparison.
one() { # DATA_DIR CMD...
    local data=$1; shift
    local t
    t=$(mktemp)
    if ! env ${data:+SIXBB_DATA="$data"} /usr/bin/time -o "$t" -f '%e %M' "$@" >/dev/null 2>"$t.err"; then
        echo "compare: failed: $* (see below)" >&2
        cat "$t.err" >&2
        exit 1
    fi
    cat "$t"
    rm -f "$t" "$t.err"
}
stats() { # reads "seconds kib" lines; prints "median min max peak_mib"
    sort -n | awk '{ t[NR] = $1; if ($2 > m) m = $2 } END {
        printf "%.3f %.3f %.3f %.0f\n", t[int((NR + 1) / 2)], t[1], t[NR], m / 1024 }'
}
row() { # LABEL ARGS... (the sixbb arguments, the same for both binaries)
    local label=$1; shift
    local a b
    a=$(mktemp); b=$(mktemp)
    for _ in $(seq 1 "$RUNS"); do
        one "${OLD_DATA:-}" "$old" "$@" >>"$a"
        one "${NEW_DATA:-}" "$new" "$@" >>"$b"
    done
    read -r am amin amax amem < <(stats <"$a")
    read -r bm bmin bmax bmem < <(stats <"$b")
    printf '| %s | %s s (%s–%s), %s MiB | %s s (%s–%s), %s MiB |\n' \
        "$label" "$am" "$amin" "$amax" "$amem" "$bm" "$bmin" "$bmax" "$bmem"
    rm -f "$a" "$b"
}

env ${NEW_DATA:+SIXBB_DATA="$NEW_DATA"} "$new" -C "$dir/site" check --as-of "$AS_OF" >/dev/null # warm the cache
echo "site: $PATIENTS patients, $fills prescriptions; busiest day $busiest; $RUNS runs each, alternating"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo
echo "| work | old: median (min–max), peak | new: median (min–max), peak |"
echo "|---|---|---|"
row "all checks, all patients (stored)" -C "$dir/site" check --as-of "$AS_OF"
row "check --patient $patient" -C "$dir/site" check --as-of "$AS_OF" --patient "$patient"
row "huddle list, $busiest (HTML)" -C "$dir/site" report huddle --as-of "$busiest" -o "$dir/huddle.html"
row "dashboard, 24 months (HTML)" -C "$dir/site" report dashboard --as-of "$AS_OF" -o "$dir/dashboard.html"
row "med, one product" med "oxycodone 10 mg tablet" --qty 120 --days 30
