#!/usr/bin/env bash
# The CLI contract for every command 'sixbb --help' lists: --help prints a usage line and exits
# 0; an unknown option is a usage error (exit 2) with a message on standard error.
source "$SIXBB_SOURCE/tests/lib.sh"
"$SIXBB" init s >/dev/null
cd s
commands=$("$SIXBB" --help | sed -n '/^Commands:/,$p' | awk 'NR > 1 && NF { print $1 }')
[ "$(echo "$commands" | wc -w)" -ge 20 ] || fail "too few commands listed: $commands"
for c in $commands; do
  expect_rc 0 "$SIXBB" "$c" --help
  contains "$out" "usage: sixbb" "$c --help"
  expect_rc 2 "$SIXBB" "$c" --no-such-option
  [ -n "$err" ] || fail "$c: no message for an unknown option"
  ok
done
done_ok
