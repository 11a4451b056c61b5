#!/usr/bin/env bash
# sixbb backup while the daemon runs and another command keeps writing: each copy is a
# consistent database (integrity check, every table present), made without stopping either.
source "$SIXBB_SOURCE/tests/lib.sh"
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$T"' EXIT
"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/eval" >/dev/null
"$SIXBB" -C s daemon 2> daemon.log &
daemon=$!
# A writer recording events while the copies are taken.
(
  for d in $(seq 1 28); do
    "$SIXBB" -C s record udt --patient P1 --date "2026-02-$(printf %02d "$d")" >/dev/null
  done
) &
writer=$!
for i in 1 2 3; do
  expect_rc 0 "$SIXBB" -C s backup "copy$i.db"
  equals "$(sqlite3 "copy$i.db" 'PRAGMA integrity_check')" ok "integrity of copy $i"
  equals "$(sqlite3 "copy$i.db" 'SELECT count(*) FROM patients')" 5 "patients in copy $i"
  equals "$(stat -c %a "copy$i.db")" 600 "mode of copy $i"
done
wait "$writer"
kill -0 "$daemon" || fail "the daemon stopped: $(cat daemon.log)"
# A copy taken after the writes holds all of them.
expect_rc 0 "$SIXBB" -C s backup final.db
equals "$(sqlite3 final.db "SELECT count(*) FROM events WHERE patient_id = 'P1' AND type = 'udt'")" 29 "events in the final copy"
kill -TERM "$daemon"
wait "$daemon" || fail "the daemon exited with status $?"
done_ok
