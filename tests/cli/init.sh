#!/usr/bin/env bash
# sixbb init and site discovery: files and modes, refusal to touch a site, -C / $SIXBB_HOME / cwd.
source "$SIXBB_SOURCE/tests/lib.sh"

expect_rc 0 "$SIXBB" init site
[ -f site/sixbb.db ] && [ -f site/sixbb.lua ] && [ -d site/plugins ] && [ -d site/out ] || fail "site layout"
equals "$(stat -c %a site/sixbb.db)" 600 "database mode"
equals "$(stat -c %a site/sixbb.lua)" 600 "config mode"
contains "$(cat site/sixbb.lua)" "return {" "config template"

# Refuses an existing site and leaves it byte-for-byte alone.
before=$(sha256sum site/sixbb.db site/sixbb.lua)
expect_rc 1 "$SIXBB" init site
contains "$err" "already holds a site"
equals "$(sha256sum site/sixbb.db site/sixbb.lua)" "$before" "site after refused init"

# A path that is a file is refused.
touch plainfile
expect_rc 1 "$SIXBB" init plainfile
contains "$err" "not a directory"

# Usage errors.
expect_rc 2 "$SIXBB" init
expect_rc 2 "$SIXBB" init a b
expect_rc 0 "$SIXBB" init --help
contains "$out" "usage: sixbb init DIR"
expect_rc 2 "$SIXBB" no-such-command
contains "$err" "unknown command"
expect_rc 0 "$SIXBB" --help
contains "$out" "Commands:"
expect_rc 0 "$SIXBB" version
contains "$out" "sixbb "

# Site discovery: -C, then $SIXBB_HOME, then the current directory; a clear message otherwise.
expect_rc 0 "$SIXBB" -C site plugins --json
contains "$out" "\"site\":"
expect_rc 0 env SIXBB_HOME="$T/site" "$SIXBB" backup "$T/b1.db"
expect_rc 0 bash -c "cd '$T/site' && '$SIXBB' backup '$T/b2.db'"
mkdir empty
expect_rc 1 bash -c "cd '$T/empty' && '$SIXBB' backup '$T/b3.db'"
contains "$err" "no site at"
contains "$err" "sixbb init"
expect_rc 1 "$SIXBB" -C "$T/missing" backup "$T/b4.db"
contains "$err" "not a directory"
expect_rc 1 env SIXBB_HOME="$T/empty" "$SIXBB" backup "$T/b5.db"
contains "$err" "\$SIXBB_HOME"

# Backups are consistent, private and never overwrite.
equals "$(stat -c %a b1.db)" 600 "backup mode"
[ "$(sqlite3 b1.db 'PRAGMA integrity_check')" = ok ] || fail "backup integrity"
expect_rc 1 "$SIXBB" -C site backup "$T/b1.db"
contains "$err" "already exists"

# The audit log recorded the creation.
contains "$(sqlite3 site/sixbb.db 'SELECT command, action, entity FROM audit_log')" "init|create|site"
done_ok
