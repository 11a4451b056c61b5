#!/usr/bin/env bash
# The facilitator's clinics, teams and meetings: sixbb sites / site set / team / meeting /
# meetings, with every rejected input (exact message, exit status, nothing written), the audit
# entries, stage history, missing required roles, and the meeting-cadence checks.
source "$SIXBB_SOURCE/tests/lib.sh"

"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/program" >/dev/null
dump() { sqlite3 s/sixbb.db .dump; }
# rejected CODE MESSAGE CMD...: fails with that status and message and changes nothing.
rejected() {
  local code=$1 msg=$2; shift 2
  local before; before=$(dump)
  expect_rc "$code" "$@"
  contains "$err" "$msg" "stderr of '$*'"
  equals "$(dump)" "$before" "database after '$*'"
}

# Every facilitator command explains itself.
for c in sites site team meeting meetings plan plans assess tally tallies survey; do
  expect_rc 0 "$SIXBB" -C s "$c" --help
  contains "$out" "usage: sixbb [-C DIR] $c"
done

# Stages and tracks.
expect_rc 0 "$SIXBB" -C s site set N1 --stage prepare_launch --date 2026-01-05
equals "$out" "Site N1 updated"
expect_rc 0 "$SIXBB" -C s site set N1 --stage design_implement --date 2026-04-01
expect_rc 0 "$SIXBB" -C s site set R2 --stage design_implement --track fast_track --date 2026-02-01
expect_rc 0 "$SIXBB" -C s site set V3 --stage monitor_sustain --date 2026-03-01
expect_rc 0 "$SIXBB" -C s site set V3 --track fast_track --date 2026-03-15
equals "$(sqlite3 s/sixbb.db "SELECT count(*) FROM site_stages WHERE site_id='N1'")" 2 "N1 stage history"
equals "$(sqlite3 s/sixbb.db "SELECT stage || ' ' || track FROM site_stages WHERE site_id='V3' ORDER BY id DESC LIMIT 1")" \
  "monitor_sustain fast_track" "a track change keeps the stage"
# A clinic not imported yet is created with --name.
expect_rc 0 "$SIXBB" -C s site set W4 --name "West Clinic" --stage prepare_launch --date 2026-05-01
equals "$(sqlite3 s/sixbb.db "SELECT name FROM sites WHERE site_id='W4'")" "West Clinic"
equals "$(sqlite3 s/sixbb.db "SELECT group_concat(action || ' ' || entity_id || ': ' || detail, '|') FROM audit_log WHERE entity = 'site' AND entity_id IN ('N1', 'W4')")" \
  "stage N1: prepare_launch (full) from 2026-01-05|stage N1: design_implement (full) from 2026-04-01|create W4: West Clinic|stage W4: prepare_launch (full) from 2026-05-01" \
  "site audit entries"

rejected 1 "sixbb: stage 'launch' is not one of prepare_launch, design_implement, monitor_sustain" \
  "$SIXBB" -C s site set N1 --stage launch
rejected 1 "sixbb: track 'fast' is not one of full, fast_track" "$SIXBB" -C s site set N1 --track fast
rejected 1 "sixbb: --date '2026-02-30' is not a date (YYYY-MM-DD)" \
  "$SIXBB" -C s site set N1 --stage monitor_sustain --date 2026-02-30
rejected 1 "sixbb: give --name to add site 'Z9'" "$SIXBB" -C s site set Z9 --stage prepare_launch
rejected 1 "sixbb: site 'Z9' has no stage yet; give --stage" "$SIXBB" -C s site set Z9 --name Z --track full
rejected 2 "site set needs --stage, --track or --name" "$SIXBB" -C s site set N1
rejected 2 "expected 'site set SITE'" "$SIXBB" -C s site N1
rejected 1 "sixbb: the name is empty" "$SIXBB" -C s site set N1 --name ""

# Team.
expect_rc 0 "$SIXBB" -C s team add --site N1 --role qi_lead --name "QI lead North" --email qi@example.org
equals "$out" "Added team member 1 (qi_lead) to site N1"
expect_rc 0 "$SIXBB" -C s team add --site N1 --role clinical_champion --name "Champion North"
expect_rc 0 "$SIXBB" -C s team add --site N1 --role ma --name "MA North"
expect_rc 0 "$SIXBB" -C s team add --site R2 --role qi_lead --name "QI lead River"
rejected 1 "sixbb: role 'doctor' is not one of qi_lead, clinical_champion, tracking_lead, ma, nurse, behavioral_health, pharmacist, moud_provider, other" \
  "$SIXBB" -C s team add --site N1 --role doctor --name X
rejected 1 "sixbb: no site 'Q1' in this registry" "$SIXBB" -C s team add --site Q1 --role ma --name X
rejected 2 "team add needs --site, --role and --name" "$SIXBB" -C s team add --site N1 --role ma
rejected 1 "sixbb: no team member 1 at site R2" "$SIXBB" -C s team remove --site R2 1
expect_rc 0 "$SIXBB" -C s team remove --site N1 3
equals "$out" "Removed team member 3 from site N1"
expect_rc 0 "$SIXBB" -C s team --site N1 --json
equals "$(echo "$out" | jq -c '[.team[].role]')" '["clinical_champion","qi_lead"]'
expect_rc 0 "$SIXBB" -C s team
contains "$out" "QI lead River"
# Staff names stay out of the audit log.
equals "$(sqlite3 s/sixbb.db "SELECT count(*) FROM audit_log WHERE detail LIKE '%North%' OR detail LIKE '%River%'")" 0 "names in the audit log"
equals "$(sqlite3 s/sixbb.db "SELECT detail FROM audit_log WHERE entity='team_member' AND action='add' ORDER BY id LIMIT 1")" \
  "qi_lead at site N1" "team audit entry"

# Meetings.
expect_rc 0 "$SIXBB" -C s meeting add --site N1 --type action_plan --date 2026-04-02 --attendees "team" --notes "first plan"
equals "$out" "Recorded action_plan meeting 1 at site N1 on 2026-04-02"
expect_rc 0 "$SIXBB" -C s meeting add --site N1 --type improvement_team --date 2026-06-20
expect_rc 0 "$SIXBB" -C s meeting add --site R2 --type improvement_team --date 2026-05-01
expect_rc 0 "$SIXBB" -C s meeting add --site R2 --type action_plan --date 2026-06-25
rejected 1 "sixbb: meeting type 'huddle' is not one of orientation, kickoff_planning, kickoff, action_plan, improvement_team, shared_learning_call, success_sustainability" \
  "$SIXBB" -C s meeting add --site N1 --type huddle --date 2026-06-01
rejected 1 "sixbb: --date '06/01/2026' is not a date (YYYY-MM-DD)" \
  "$SIXBB" -C s meeting add --site N1 --type kickoff --date 06/01/2026
rejected 1 "sixbb: no site 'Q1' in this registry" "$SIXBB" -C s meeting add --site Q1 --type kickoff --date 2026-06-01
rejected 2 "meeting add needs --site, --type and --date" "$SIXBB" -C s meeting add --site N1
expect_rc 0 "$SIXBB" -C s meetings --site N1 --json
equals "$(echo "$out" | jq -c '[.meetings[] | [.type, .date]]')" \
  '[["improvement_team","2026-06-20"],["action_plan","2026-04-02"]]' "meetings newest first"
expect_rc 1 "$SIXBB" -C s meetings --site Q1
equals "$err" "sixbb: no site 'Q1' in this registry"
equals "$(sqlite3 s/sixbb.db "SELECT count(*) FROM audit_log WHERE entity='meeting' AND action='add'")" 4 "meeting audit entries"

# The clinic list: stage, track, start, team size, missing roles, last meetings.
expect_rc 0 "$SIXBB" -C s sites --json
equals "$(echo "$out" | jq -c '.sites[] | select(.site=="N1") | [.stage, .track, .stage_start, .team, .missing_roles, .last_improvement_team, .last_action_plan]')" \
  '["design_implement","full","2026-04-01",2,[],"2026-06-20","2026-04-02"]' "N1 in sites"
equals "$(echo "$out" | jq -c '.sites[] | select(.site=="R2") | [.track, .missing_roles]')" \
  '["fast_track",["clinical_champion"]]' "R2 misses a champion"
equals "$(echo "$out" | jq -c '.sites[] | select(.site=="V3") | .missing_roles')" '["qi_lead","clinical_champion"]'
expect_rc 0 "$SIXBB" -C s sites
contains "$out" "MISSING ROLES"
contains "$out" "N1    design_implement  full"

# Cadence checks: the improvement team within 31 days; the action plan within 92 days, only for
# clinics in design and implement (N1, R2), not V3 (monitor and sustain) or W4.
expect_rc 0 "$SIXBB" -C s check --as-of 2026-07-10 --json
ap() { echo "$out" | jq -r "[.gaps[] | select(.check==\"action-plan-meeting-due\" and .site==\"$1\") | .detail] | join(\";\")"; }
equals "$(ap N1)" "last action-plan meeting 2026-04-02; due 2026-07-03" "N1 plan meeting overdue"
equals "$(ap R2)" "" "R2 met in June"
equals "$(ap V3)" "" "V3 is not in design and implement"
equals "$(echo "$out" | jq -r '[.gaps[] | select(.check=="team-meeting-due" and .site=="R2") | .due] | join(";")')" \
  "2026-06-01" "team meeting still checked"
# The window is a parameter the site can change.
printf 'return { checks = { ["action-plan-meeting-due"] = { days = 120 } } }\n' > s/sixbb.lua
expect_rc 0 "$SIXBB" -C s check --as-of 2026-07-10 --json
equals "$(ap N1)" "" "N1 within a 120-day window"
printf 'return {}\n' > s/sixbb.lua
# The stage in force at the as-of date: N1 was still preparing on 2026-03-01.
expect_rc 0 "$SIXBB" -C s check --as-of 2026-03-01 --json
equals "$(ap N1)" "" "N1 before design and implement"

# A bad --as-of is a usage error that names the command it was given to.
for c in "sites --log" milestones plans "plan show"; do
  expect_rc 2 "$SIXBB" -C s $c --as-of 2026-13-01
  contains "$err" "sixbb ${c%% *}: --as-of '2026-13-01' is not a date"
done

done_ok
