#!/usr/bin/env bash
# Action plans: plan new / activity add / step add / step done / show / plans, rejected input,
# audit entries, carrying open steps (and their activities) into the next plan while finished
# ones stay behind, and the action-plan report in text and well-formed HTML.
source "$SIXBB_SOURCE/tests/lib.sh"

"$SIXBB" init s >/dev/null
"$SIXBB" -C s import "$SIXBB_SOURCE/tests/data/program" >/dev/null
dump() { sqlite3 s/sixbb.db .dump; }
rejected() {
  local code=$1 msg=$2; shift 2
  local before; before=$(dump)
  expect_rc "$code" "$@"
  contains "$err" "$msg" "stderr of '$*'"
  equals "$(dump)" "$before" "database after '$*'"
}
q() { sqlite3 s/sixbb.db "$1"; }

expect_rc 0 "$SIXBB" -C s plan --help
contains "$out" "carries into it every open step"
expect_rc 0 "$SIXBB" -C s plans --help

# The first plan: two block activities, one future activity, steps.
expect_rc 0 "$SIXBB" -C s plan new --site N1 --from 2026-04-01 --through 2026-06-30 --goal "Every LtOT patient labeled"
equals "$out" "Started plan 1 for site N1, 2026-04-01 to 2026-06-30"
expect_rc 0 "$SIXBB" -C s plan new --site R2 --from 2026-04-01 --through 2026-06-30 --goal "Naloxone" --json
equals "$(echo "$out" | jq -c '[.plan, .site, .previous, .carried_steps]')" '[2,"R2",null,0]' "a first plan carries nothing"
expect_rc 0 "$SIXBB" -C s plan activity add --plan 1 --block tracking --title "Label LtOT patients" \
  --manager "Tracking lead" --due 2026-06-15 --resources "registry list"
equals "$out" "Added activity 1 to plan 1 (tracking)"
expect_rc 0 "$SIXBB" -C s plan activity add --plan 1 --block policies --title "Revise the agreement" --manager "Clinical champion"
expect_rc 0 "$SIXBB" -C s plan activity add --plan 1 --block visits --title "Pre-visit planning" --future
expect_rc 0 "$SIXBB" -C s plan step add --activity 1 --what "Pull the list" --who "Tracking lead" --when 2026-04-15
equals "$out" "Added step 1 to activity 1"
expect_rc 0 "$SIXBB" -C s plan step add --activity 1 --what "Add the problem-list code" --who "MA" --when 2026-05-15
expect_rc 0 "$SIXBB" -C s plan step add --activity 2 --what "Draft" --who "Clinical champion" --when 2026-05-01
expect_rc 0 "$SIXBB" -C s plan step add --activity 2 --what "Approve" --when 2026-06-01
expect_rc 0 "$SIXBB" -C s plan step done 1 --date 2026-04-14
equals "$out" "Step 1 done on 2026-04-14"
expect_rc 0 "$SIXBB" -C s plan step done 3 --date 2026-04-30

rejected 1 "sixbb: block 'finance' is not one of leadership, policies, tracking, visits, complex, measuring" \
  "$SIXBB" -C s plan activity add --plan 1 --block finance --title X
rejected 1 "sixbb: no action plan 9" "$SIXBB" -C s plan activity add --plan 9 --block tracking --title X
rejected 1 "sixbb: --due '2026-13-01' is not a date (YYYY-MM-DD)" \
  "$SIXBB" -C s plan activity add --plan 1 --block tracking --title X --due 2026-13-01
rejected 1 "sixbb: no plan activity 42" "$SIXBB" -C s plan step add --activity 42 --what X
rejected 1 "sixbb: --when 'soon' is not a date (YYYY-MM-DD)" "$SIXBB" -C s plan step add --activity 1 --what X --when soon
rejected 1 "sixbb: step 1 is already done (2026-04-14)" "$SIXBB" -C s plan step done 1
rejected 1 "sixbb: no plan step 77" "$SIXBB" -C s plan step done 77
rejected 2 "expected 'plan step add' or 'plan step done ID'" "$SIXBB" -C s plan step done 2 2
rejected 2 "plan show takes --site S or one plan id" "$SIXBB" -C s plan show 1 --site N1
rejected 1 "sixbb: no site 'Q1' in this registry" "$SIXBB" -C s plan new --site Q1 --from 2026-07-01 --through 2026-09-30 --goal G
rejected 1 "sixbb: --through 2026-03-01 is before the plan's start" \
  "$SIXBB" -C s plan new --site N1 --from 2026-04-01 --through 2026-03-01 --goal G
rejected 2 "plan new needs --site, --through and --goal" "$SIXBB" -C s plan new --site N1
rejected 2 "expected a sub-command: new, activity, step, show" "$SIXBB" -C s plan rename
rejected 1 "sixbb: the goal is empty" "$SIXBB" -C s plan new --site N1 --from 2026-07-01 --through 2026-09-30 --goal ""
equals "$(q "SELECT count(*) FROM audit_log WHERE entity IN ('action_plan','plan_activity','plan_step')")" 11 "plan audit entries: 2 plans, 3 activities, 4 steps, 2 done"

# show: open steps past their date are marked.
expect_rc 0 "$SIXBB" -C s plan show --site N1 --as-of 2026-05-20
contains "$out" "[ ] 2. Add the problem-list code — MA, by 2026-05-15  OVERDUE"
contains "$out" "[x] 1. Pull the list — Tracking lead, by 2026-04-15, done 2026-04-14"
expect_rc 0 "$SIXBB" -C s plan show 1 --json --as-of 2026-05-20
equals "$(echo "$out" | jq -c '[.activities[] | [.block, .future, ([.steps[] | select(.overdue == 1)] | length)]]')" \
  '[["policies",0,0],["tracking",0,1],["visits",1,0]]' "activities in block order, future last"
expect_rc 0 "$SIXBB" -C s plans --as-of 2026-05-20 --json
equals "$(echo "$out" | jq -c '.plans[0] | [.open, .overdue, .done]')" '[2,1,2]' "plan counts"

# The report: overview, block sections, future activities, milestone table; overdue marked.
"$SIXBB" -C s milestones set tracking-pdmp-registered complete --date 2026-05-02 --note "all prescribers" --site N1 >/dev/null
expect_rc 0 "$SIXBB" -C s report action-plan --site N1 --as-of 2026-05-20
contains "$out" "Action plan — North Clinic"
contains "$out" "Overview"
contains "$out" "Label LtOT patients   tracking  Tracking lead      2026-06-15  overdue"
contains "$out" "Revise the agreement  policies  Clinical champion              in progress"
contains "$out" "Policies, patient agreements and workflows"
contains "$out" "Tracking and monitoring patient care"
contains "$out" "Resources: registry list"
contains "$out" "OVERDUE"
contains "$out" "Future activities"
contains "$out" "Pre-visit planning (visits)"
contains "$out" "Milestone tracking"
contains "$out" "complete  2026-05-02  all prescribers"
not_contains "$out" "Planned, patient-centered visits" "only blocks with current activities get a section"
expect_rc 0 "$SIXBB" -C s report action-plan --site N1 --as-of 2026-05-20 -o plan.html
xmllint --noout plan.html || fail "action-plan HTML is not well-formed"; ok
html=$(cat plan.html)
for id in overview block-tracking block-policies future milestones milestone-table activities; do
  contains "$html" "id=\"$id\"" "html"
done
expect_rc 1 "$SIXBB" -C s report action-plan --site V3
contains "$err" "site V3 has no action plan yet"
expect_rc 1 "$SIXBB" -C s report action-plan
contains "$err" "this registry holds 3 sites; say which with --site"

# The next plan carries every open step with its activity; finished steps stay behind, and an
# activity whose steps are all done does not come along.
expect_rc 0 "$SIXBB" -C s plan activity add --plan 1 --block leadership --title "Protected time" --manager "QI lead"
expect_rc 0 "$SIXBB" -C s plan step add --activity 4 --what "Agree the hour" --when 2026-04-10
expect_rc 0 "$SIXBB" -C s plan step done 5 --date 2026-04-09
expect_rc 0 "$SIXBB" -C s plan new --site N1 --from 2026-07-01 --through 2026-09-30 --goal "Agreements signed" --json
equals "$(echo "$out" | jq -c '[.plan, .previous, .carried_steps]')" '[3,1,2]' "plan 3 carries 2 steps"
equals "$(q "SELECT group_concat(title || ':' || carried_from, '|') FROM (SELECT * FROM plan_activities WHERE plan_id = 3 ORDER BY id)")" \
  "Label LtOT patients:1|Revise the agreement:2|Pre-visit planning:3" "carried activities"
equals "$(q "SELECT group_concat(what || ':' || carried_from, '|') FROM (SELECT s.* FROM plan_steps s JOIN plan_activities a ON a.id = s.activity_id WHERE a.plan_id = 3 ORDER BY s.id)")" \
  "Add the problem-list code:2|Approve:4" "carried steps"
equals "$(q "SELECT previous_id FROM action_plans WHERE plan_id = 3")" 1
equals "$(q "SELECT count(*) FROM plan_steps WHERE done IS NULL")" 4 "the old plan keeps its own steps"
expect_rc 0 "$SIXBB" -C s plan show --site N1 --as-of 2026-07-02
contains "$out" "Action plan 3"
contains "$out" "(carried)"
expect_rc 0 "$SIXBB" -C s report action-plan --site N1 --as-of 2026-07-02 --json
equals "$(echo "$out" | jq -r '.figures[] | select(.label=="Open steps") | .value')" 2
# An earlier plan by id.
expect_rc 0 "$SIXBB" -C s report action-plan --site N1 --param plan=1 --as-of 2026-07-02 --json
contains "$(echo "$out" | jq -r .subtitle)" "Plan 1, 2026-04-01 to 2026-06-30"

# Reminders follow each site's current plan: a step carried into plan 3 and done there is not
# due any more, though plan 1 still holds its own open copy.
cat > s/sixbb.lua <<'LUA'
return { delivery = { channel = "log", recipients = { team = "team@clinic.example" } } }
LUA
last_body() { q "SELECT body FROM outbox ORDER BY id DESC LIMIT 1"; }
carried=$(q "SELECT s.id FROM plan_steps s JOIN plan_activities a ON a.id = s.activity_id WHERE a.plan_id = 3 AND s.what = 'Add the problem-list code'")
expect_rc 0 "$SIXBB" -C s jobs run plan-steps-due --as-of 2026-07-06
body=$(last_body)
contains "$body" "[N1, plan 3, tracking] Add the problem-list code"
not_contains "$body" "plan 1," "steps of the superseded plan"
expect_rc 0 "$SIXBB" -C s plan step done "$carried" --date 2026-07-03
expect_rc 0 "$SIXBB" -C s jobs run plan-steps-due --as-of 2026-07-07
not_contains "$(last_body)" "Add the problem-list code" "a step done in the current plan"

done_ok
