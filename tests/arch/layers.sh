#!/usr/bin/env bash
# Holds the shape of the core (docs/architecture.md):
#  - a source file includes headers of its own folder and of the layers below it only;
#  - a built layer library uses symbols of its own layer and the layers below it only;
#  - no file outside core/store/ calls SQLite or holds SQL text;
#  - no core file is longer than 1,200 lines.
# The layers and what each may use are read from core/CMakeLists.txt (sixbb_layer lines).
set -uo pipefail
src=${SIXBB_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${SIXBB_BUILD:-$src/build}
core=$src/core
max_lines=1200


fail=0
problem() { echo "layers: $*" >&2; fail=1; }

# layer -> direct deps, from the sixbb_layer() calls.
declare -A deps
layers=()
while read -r line; do
    name=$(sed -E 's/^sixbb_layer\(([a-z]+).*/\1/' <<<"$line")
    layers+=("$name")
    deps[$name]=$(sed -nE 's/.*DEPS (([a-z]+ ?)+).*/\1/p' <<<"$line" | sed -E 's/ (EXTRA|LIBS).*//')
done < <(grep -E '^sixbb_layer\(' "$core/CMakeLists.txt" | tr -d ')')
[ ${#layers[@]} -ge 10 ] || { echo "layers: cannot read the layers from core/CMakeLists.txt" >&2; exit 1; }

# Everything a layer may use: itself and its deps, transitively.
declare -A reach
closure() {
    local l=$1 out=" $1 " todo=(${deps[$1]}) d
    while ((${#todo[@]})); do
        d=${todo[0]}; todo=("${todo[@]:1}")
        [[ $out == *" $d "* ]] && continue
        out+="$d "; todo+=(${deps[$d]})
    done
    echo "$out"
}
for l in "${layers[@]}"; do reach[$l]="$(closure "$l")"; done

for l in "${layers[@]}"; do
    [ -d "$core/$l" ] || problem "layer '$l' has no folder core/$l"
done
for d in "$core"/*/; do
    d=$(basename "$d")
    [ "$d" = store ] || [[ " ${layers[*]} " == *" $d "* ]] || problem "core/$d is not a declared layer"
done

# 1. includes
declare -A home
for h in "$core"/*/*.h; do home[$(basename "$h")]=$(basename "$(dirname "$h")"); done
for f in "$core"/*/*.c "$core"/*/*.h; do
    l=$(basename "$(dirname "$f")")
    rel=${f#"$src/"}
    while read -r h; do
        w=${home[$h]:-}
        [ -z "$w" ] && continue
        [[ ${reach[$l]} == *" $w "* ]] || problem "$rel includes $h from core/$w, a layer above core/$l"
    done < <(grep -oE '^#include "[^"]+"' "$f" | sed -E 's/#include "(.*)"/\1/')
done

# 2. symbols of the built libraries
if command -v nm >/dev/null && [ -f "$build/core/libsixbb_util.a" ]; then
    declare -A owner
    for l in "${layers[@]}"; do
        while read -r s; do owner[$s]=$l; done < <(nm -g --defined-only "$build/core/libsixbb_$l.a" 2>/dev/null | awk 'NF==3{print $3}')
    done
    for l in "${layers[@]}"; do
        while read -r s; do
            w=${owner[$s]:-}
            [ -z "$w" ] && continue
            [[ ${reach[$l]} == *" $w "* ]] || problem "core/$l uses $s from core/$w, a layer above it"
        done < <(nm -g --undefined-only "$build/core/libsixbb_$l.a" 2>/dev/null | awk '$1=="U"{print $2}' | sort -u)
    done
else
    problem "no built libraries under $build/core (set SIXBB_BUILD)"
fi

# 3. SQL only in the store
for f in "$core"/*/*.c "$core"/*/*.h; do
    rel=${f#"$core/"}
    case $rel in store/*) continue ;; esac
    grep -q 'sqlite3_' "$f" && problem "core/$rel calls SQLite outside core/store/"
    grep -qE '"\s*(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE (TABLE|INDEX|VIEW))' "$f" &&
        problem "core/$rel holds SQL text outside core/store/"
done

# 4. length
for f in "$core"/*/*.c "$core"/*/*.h; do
    rel=${f#"$core/"}
    n=$(wc -l <"$f")
    ((n > max_lines)) && problem "core/$rel has $n lines (at most $max_lines)"
done

if ((fail)); then exit 1; fi
echo "layers: ${#layers[@]} layers hold their order"
