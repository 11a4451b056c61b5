#!/usr/bin/env bash
# sixbb med inside a site uses the site's configured standard (or the site's own table);
# --standard and $SIXBB_MED_STANDARD still win. Hydromorphone 2 mg q4h: cdc2016 48, cdc2022 60.
source "$SIXBB_SOURCE/tests/lib.sh"
rx=("hydromorphone 2 mg tablet" --dose 1 --per-day 6 --json)
"$SIXBB" init s >/dev/null
equals "$("$SIXBB" med "${rx[@]}" | jq -c '[.standard, .total]')" '["cdc2022",60]' "no site"
equals "$("$SIXBB" -C s med "${rx[@]}" | jq -c '[.standard, .total]')" '["cdc2022",60]' "site default"
echo 'return { standard = "cdc2016" }' > s/sixbb.lua
equals "$("$SIXBB" -C s med "${rx[@]}" | jq -c '[.standard, .total]')" '["cdc2016",48]' "site standard"
equals "$(cd s && "$SIXBB" med "${rx[@]}" | jq -c '[.standard, .total]')" '["cdc2016",48]' "site from cwd"
equals "$("$SIXBB" -C s med "${rx[@]}" --standard cdc2022 | jq -c '[.standard, .total]')" '["cdc2022",60]' "--standard wins"
equals "$(SIXBB_MED_STANDARD=cdc2022 "$SIXBB" -C s med "${rx[@]}" | jq -r .standard)" cdc2022 "env wins"
# A site's own table in standards/<name>.json.
mkdir s/standards
jq '.name = "clinic-2026" | .version = "1"' "$SIXBB_SOURCE/config/standards/cdc2022.json" > s/standards/clinic-2026.json
echo 'return { standard = "clinic-2026" }' > s/sixbb.lua
equals "$("$SIXBB" -C s med "${rx[@]}" | jq -r .standard)" clinic-2026 "site's own standard"
# The default standard is written once, in config/defaults.lua: an installation whose defaults
# name another standard computes with it, in a site and outside one.
mkdir data && cp -r "$SIXBB_SOURCE/config" "$SIXBB_SOURCE/plugins" data/
sed -i 's/^  standard = "cdc2022",/  standard = "cdc2016",/' data/config/defaults.lua
grep -q '^  standard = "cdc2016",' data/config/defaults.lua || fail "could not edit the defaults"
"$SIXBB" init t >/dev/null
equals "$(SIXBB_DATA=$PWD/data "$SIXBB" med "${rx[@]}" | jq -r .standard)" cdc2016 "installed default, no site"
equals "$(SIXBB_DATA=$PWD/data "$SIXBB" -C t med "${rx[@]}" | jq -r .standard)" cdc2016 "installed default, site"
# A site config that cannot be read is an error, not a silent fall-back to some standard.
echo 'return { standard = ' > t/sixbb.lua
expect_rc 1 "$SIXBB" -C t med "${rx[@]}"
contains "$err" "configuration error"
done_ok
