#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ (the library instrumented for coverage,
# with ASan and UBSan) and runs each for a while; a crash or leak fails the script.
# usage: scripts/fuzz.sh [SECONDS]   (default 20 seconds per target)
set -euo pipefail
seconds=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
    -DSIXBB_FUZZ=ON -DSIXBB_TESTS=ON -DSIXBB_SANITIZE=ON \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" >/dev/null
targets=$(cd "$root/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
# shellcheck disable=SC2086
cmake --build "$build" -j"$(nproc)" --target $targets
for t in $targets; do
    corpus="$build/corpus/$t"
    mkdir -p "$corpus"
    seeds="$root/tests/fuzz/corpus/$t"
    echo "== $t for ${seconds}s"
    SIXBB_SOURCE="$root" "$build/tests/$t" -max_total_time="$seconds" -max_len=600 \
        -print_final_stats=1 "$corpus" $( [ -d "$seeds" ] && echo "$seeds" )
done
