#!/usr/bin/env bash
# sixbb synth end to end: same seed gives the same files, existing files are not overwritten
# without --force, help and usage errors have the right exit codes, JSON summary is valid.
set -euo pipefail

: "${SIXBB:?set SIXBB to the sixbb binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

expect_status() { # expect_status WANT cmd...
    local want=$1 got=0
    shift
    "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
    [ "$got" -eq "$want" ] || {
        cat "$tmp/out" "$tmp/err" >&2
        fail "'$*' exited $got, expected $want"
    }
}

files="sites clinicians patients prescriptions events assessments appointments diagnoses"

# Same seed and as-of date: byte-identical files, in a directory created on the way.
"$SIXBB" synth --out "$tmp/a/nested" --patients 200 --seed 9 --as-of 2025-03-31 >/dev/null
"$SIXBB" synth --out "$tmp/b" --patients 200 --seed 9 --as-of 2025-03-31 >/dev/null
for f in $files; do
    [ -s "$tmp/a/nested/$f.csv" ] || fail "$f.csv missing"
    cmp "$tmp/a/nested/$f.csv" "$tmp/b/$f.csv" || fail "$f.csv differs between identical runs"
done
[ -z "$(find "$tmp/a" "$tmp/b" -name '*.tmp*')" ] || fail "temporary files left behind"

# Another seed gives other patients.
"$SIXBB" synth --out "$tmp/c" --patients 200 --seed 10 --as-of 2025-03-31 >/dev/null
! cmp -s "$tmp/b/prescriptions.csv" "$tmp/c/prescriptions.csv" || fail "seed has no effect"

# Refuses to overwrite, then replaces with --force.
before=$(cksum <"$tmp/b/patients.csv")
expect_status 1 "$SIXBB" synth --out "$tmp/b" --patients 50 --as-of 2025-03-31
grep -q "force" "$tmp/err" || fail "refusal does not mention --force"
[ "$(cksum <"$tmp/b/patients.csv")" = "$before" ] || fail "refusal changed the files"
expect_status 0 "$SIXBB" synth --out "$tmp/b" --patients 50 --as-of 2025-03-31 --force
[ "$(wc -l <"$tmp/b/patients.csv")" -eq 51 ] || fail "--force did not replace patients.csv"

# The summary counts rows; --json gives the same numbers as an object.
expect_status 0 "$SIXBB" synth --out "$tmp/d" --patients 30 --as-of 2025-03-31 --no-noise --json
json_number() { # json_number KEY FILE: the number after "KEY": in the summary
    sed -n "s/.*\"$1\":[[:space:]]*\([0-9][0-9]*\).*/\1/p" "$2" | head -n1
}
[ "$(json_number patients "$tmp/out")" = 30 ] || fail "--json: wrong patients"
grep -q '"noise":[[:space:]]*false' "$tmp/out" || fail "--json: noise should be false"
grep -q '"as_of":[[:space:]]*"2025-03-31"' "$tmp/out" || fail "--json: wrong as_of"
for f in $files; do
    want=$(($(wc -l <"$tmp/d/$f.csv") - 1))
    [ "$(json_number "$f.csv" "$tmp/out")" = "$want" ] || fail "--json: wrong row count for $f.csv"
done

# Help and usage errors.
expect_status 0 "$SIXBB" synth --help
grep -q -- "--patients" "$tmp/out" || fail "--help does not describe --patients"
expect_status 2 "$SIXBB" synth --out "$tmp/e" --bogus
expect_status 2 "$SIXBB" synth --patients 10
expect_status 2 "$SIXBB" synth --out "$tmp/e" --patients 0
expect_status 2 "$SIXBB" synth --out "$tmp/e" --patients many
expect_status 2 "$SIXBB" synth --out "$tmp/e" --as-of 2025-02-30
expect_status 2 "$SIXBB" synth --out "$tmp/e" --seed -1
[ ! -e "$tmp/e" ] || fail "a usage error created the output directory"

# An output path that cannot be a directory fails cleanly.
touch "$tmp/file"
expect_status 1 "$SIXBB" synth --out "$tmp/file" --patients 10

echo "synth: ok"
