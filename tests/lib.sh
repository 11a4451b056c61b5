# Shared helpers for the shell tests in tests/cli and tests/sandbox.
# Each test sources this file; $SIXBB is the binary under test.
set -euo pipefail
: "${SIXBB:?set SIXBB to the sixbb binary}"
: "${SIXBB_SOURCE:?set SIXBB_SOURCE to the source tree}"
T=$(mktemp -d "${TMPDIR:-/tmp}/sixbb-t-XXXXXX")
trap 'rm -rf "$T"' EXIT
unset SIXBB_HOME
cd "$T"
checks=0

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); }

# expect_rc CODE CMD...: runs CMD, keeps stdout in $out and stderr in $err, checks the status.
expect_rc() {
  local want=$1; shift
  set +e
  "$@" >"$T/.out" 2>"$T/.err"
  local rc=$?
  set -e
  out=$(cat "$T/.out"); err=$(cat "$T/.err")
  [ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want
stdout: $out
stderr: $err"
  ok
}

# contains HAYSTACK NEEDLE [WHAT]
contains() {
  case "$1" in *"$2"*) ok ;; *) fail "${3:-output} does not contain '$2':
$1" ;; esac
}
not_contains() {
  case "$1" in *"$2"*) fail "${3:-output} unexpectedly contains '$2':
$1" ;; *) ok ;; esac
}
equals() { [ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"; ok; }

# ms: milliseconds since the epoch, for elapsed-time checks.
ms() { date +%s%3N; }

done_ok() { echo "$checks passed, 0 failed"; }
