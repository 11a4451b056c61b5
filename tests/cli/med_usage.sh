#!/usr/bin/env bash
# sixbb med usage errors exit 2; unreadable or unusable files and unknown standards exit 1.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
status() { set +e; "$@" >/dev/null 2>&1; local rc=$?; set -e; echo "$rc"; }

[ "$(status "$SIXBB" med)" = 2 ] || fail "no prescription"
[ "$(status "$SIXBB" med --qty 10 "oxycodone 5 mg")" = 2 ] || fail "option before a drug"
[ "$(status "$SIXBB" med "oxycodone 5 mg" --qty ten)" = 2 ] || fail "non-numeric --qty"
[ "$(status "$SIXBB" med "oxycodone 5 mg" --frobnicate)" = 2 ] || fail "unknown option"
[ "$(status "$SIXBB" med "oxycodone 5 mg" --days)" = 2 ] || fail "missing value"
[ "$(status "$SIXBB" med "oxycodone 5 mg" --csv x.csv)" = 2 ] || fail "csv and drugs"
[ "$(status "$SIXBB" med "oxycodone 5 mg" --standard a --standard-file b)" = 2 ] ||
    fail "two standards"
[ "$(status "$SIXBB" med "oxycodone 5 mg" --json=yes)" = 2 ] || fail "value on a flag"
[ "$(status "$SIXBB" med --csv /nonexistent/file.csv)" = 1 ] || fail "unreadable file"
[ "$(status "$SIXBB" med "oxycodone 5 mg" --standard nosuch)" = 1 ] || fail "unknown standard"
printf 'a,b\n1,2\n' >"${TMPDIR:-/tmp}/med-usage-$$.csv"
[ "$(status "$SIXBB" med --csv "${TMPDIR:-/tmp}/med-usage-$$.csv")" = 1 ] || fail "no drug column"
rm -f "${TMPDIR:-/tmp}/med-usage-$$.csv"
err=$("$SIXBB" med --qty 10 2>&1 || true)
grep -qF -- "--qty must follow a drug" <<<"$err" || fail "message: $err"
[ "$(status "$SIXBB" med --help)" = 0 ] || fail "--help"
echo ok
