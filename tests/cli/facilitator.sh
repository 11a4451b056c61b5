#!/usr/bin/env bash
# A practice facilitator follows three clinics of one organisation through a quarter and
# prepares the quarterly action-plan meeting from sixbb's output alone: which clinic is where,
# who is missing from each team, which meetings are due, which steps slipped, how the
# self-assessment moved, what the hand counts show; then starts each clinic's next plan with
# the open steps carried forward.
source "$SIXBB_SOURCE/tests/lib.sh"
D="$SIXBB_SOURCE/tests/data/program"
sx() { "$SIXBB" -C org "$@"; }

# --- Set-up: the organisation, its clinics, stages and teams.
"$SIXBB" init org >/dev/null
sx import "$D" >/dev/null
sx site set N1 --stage prepare_launch --date 2026-01-05 >/dev/null
sx site set N1 --stage design_implement --date 2026-04-01 >/dev/null
sx site set R2 --stage design_implement --track fast_track --date 2026-02-01 >/dev/null
sx site set V3 --stage prepare_launch --date 2026-05-01 >/dev/null
sx team add --site N1 --role qi_lead --name "QI lead North" >/dev/null
sx team add --site N1 --role clinical_champion --name "Champion North" >/dev/null
sx team add --site N1 --role tracking_lead --name "Tracking lead North" >/dev/null
sx team add --site R2 --role qi_lead --name "QI lead River" >/dev/null
sx team add --site V3 --role clinical_champion --name "Champion Valley" >/dev/null

# --- The quarter: meetings, plans, steps, scores, counts.
sx meeting add --site N1 --type kickoff --date 2026-03-20 >/dev/null
sx meeting add --site N1 --type action_plan --date 2026-04-02 >/dev/null
sx meeting add --site N1 --type improvement_team --date 2026-06-10 >/dev/null
sx meeting add --site R2 --type action_plan --date 2026-03-01 >/dev/null
sx meeting add --site R2 --type improvement_team --date 2026-04-15 >/dev/null
sx meeting add --site V3 --type orientation --date 2026-05-10 >/dev/null

sx plan new --site N1 --from 2026-04-02 --through 2026-06-30 --goal "Every LtOT patient labeled and on the registry" >/dev/null
sx plan activity add --plan 1 --block tracking --title "Label LtOT patients" --manager "Tracking lead" --due 2026-06-15 >/dev/null
sx plan step add --activity 1 --what "Pull the fill-rule list" --who "Tracking lead" --when 2026-04-20 >/dev/null
sx plan step add --activity 1 --what "Add the diagnosis code" --who "MA" --when 2026-05-30 >/dev/null
sx plan activity add --plan 1 --block measuring --title "Choose the success measure" --manager "QI lead" >/dev/null
sx plan step add --activity 2 --what "Agree the measure" --who "QI lead" --when 2026-05-01 >/dev/null
sx plan step done 1 --date 2026-04-18 >/dev/null
sx plan step done 3 --date 2026-04-29 >/dev/null
sx plan new --site R2 --from 2026-03-01 --through 2026-05-31 --goal "Naloxone offered at every high-dose visit" >/dev/null
sx plan activity add --plan 2 --block visits --title "Naloxone at pre-visit planning" --manager "Nurse" >/dev/null
sx plan step add --activity 3 --what "Add naloxone to the huddle sheet" --who "Nurse" --when 2026-03-31 >/dev/null
sx plan step add --activity 3 --what "Train MAs" --who "Nurse" --when 2026-04-30 >/dev/null

sx assess import "$D/self_assessment.csv" >/dev/null
sx milestones set tracking-ltot-labeled in_progress --site N1 --date 2026-05-01 >/dev/null
sx milestones set measuring-metric-chosen complete --site N1 --date 2026-04-29 >/dev/null
counts=(9 8 10 9 11 10 4 3 5 4 3 2)
for i in "${!counts[@]}"; do
  sx tally add --site N1 --measure early-refill-calls --date "$(date -u -d "2026-03-02 + $((i * 7)) days" +%F)" \
    --count "${counts[$i]}" >/dev/null
done
sx check --as-of 2026-07-01 >/dev/null

# --- Preparing the meeting on 2026-07-01.
# 1. Where every clinic stands.
expect_rc 0 sx sites --json
equals "$(echo "$out" | jq -c '[.sites[] | [.site, .stage, .team, .missing_roles]]')" \
  '[["N1","design_implement",3,[]],["R2","design_implement",1,["clinical_champion"]],["V3","prepare_launch",1,["qi_lead"]]]' \
  "stages, teams and missing roles"

# 2. The multi-site log: milestones, last and next meetings, open and overdue steps, gaps.
expect_rc 0 sx report multi-site --as-of 2026-07-01 --json
row() { echo "$out" | jq -c ".sections[0].blocks[0].rows[] | select(.site==\"$1\") | $2"; }
equals "$(row N1 '[.ms_done, .ms_going, .team_last, .team_next, .plan_last, .plan_next, .open_steps, .overdue_steps]')" \
  '[1,1,"2026-06-10","2026-07-11","2026-04-02","2026-07-03",1,1]' "N1 in the log"
equals "$(row R2 '[.team_next, .plan_next, .open_steps, .overdue_steps]')" \
  '["2026-05-16","2026-06-01",2,2]' "R2 in the log: both meetings late, both steps overdue"
equals "$(row V3 '[.stage, .team_next, .plan_next, .open_steps]')" '["prepare launch","","",0]' "V3 is still preparing"
equals "$(row N1 .open_gaps)" 0 "N1 has no open gaps"
equals "$(row R2 .open_gaps)" 2 "R2: team and action-plan meetings overdue"
equals "$(echo "$out" | jq -c '.figures[] | select(.label=="Patients on LtOT") | .note')" '"evaluation of 2026-07-01"'
attention=$(echo "$out" | jq -r '.sections[1].blocks[0].items[]')
contains "$attention" "N1: 1 overdue action-plan step(s)"
contains "$attention" "R2: improvement-team meeting due (2026-05-16)"
contains "$attention" "R2: action-plan meeting due (2026-06-01)"
contains "$attention" "R2: no clinical champion"
contains "$attention" "V3: no qi lead"
expect_rc 0 sx sites --log --as-of 2026-07-01
contains "$out" "Multi-site log"
contains "$out" "Needs attention"
expect_rc 0 sx report multi-site --as-of 2026-07-01 -o log.html
xmllint --noout log.html || fail "multi-site HTML is not well-formed"; ok

# 3. Each clinic's plan for the table, with what slipped marked.
expect_rc 0 sx report action-plan --site N1 --as-of 2026-07-01 -o n1-plan.html
xmllint --noout n1-plan.html || fail "action-plan HTML is not well-formed"; ok
expect_rc 0 sx report action-plan --site N1 --as-of 2026-07-01
contains "$out" "Add the diagnosis code"
contains "$out" "OVERDUE"
contains "$out" "Milestone tracking"
expect_rc 0 sx plans --as-of 2026-07-01
contains "$out" "Naloxone offered at every high-dose visit"

# 4. How the self-assessment moved, and the hand counts.
expect_rc 0 sx report self-assessment --site N1
contains "$out" "Leadership and consensus"
expect_rc 0 sx report tally --site N1 --param measure=early-refill-calls --as-of 2026-07-01 --json
contains "$(echo "$out" | jq -r '.sections[0].blocks[1].text')" "shift"

# --- At the meeting: record it and start the next plan; open steps come along.
sx meeting add --site N1 --type action_plan --date 2026-07-02 --notes "quarter 2 review" >/dev/null
expect_rc 0 sx plan new --site N1 --from 2026-07-02 --through 2026-09-30 --goal "Agreements signed by every LtOT patient"
equals "$out" "Started plan 3 for site N1, 2026-07-02 to 2026-09-30; 1 open step carried from plan 1"
expect_rc 0 sx plan show --site N1 --as-of 2026-07-02 --json
equals "$(echo "$out" | jq -c '[.activities[] | [.title, [.steps[] | .what]]]')" \
  '[["Label LtOT patients",["Add the diagnosis code"]]]' "only the open step and its activity"
expect_rc 0 sx report multi-site --as-of 2026-07-02 --json
equals "$(row N1 '[.plan_last, .plan_next, .open_steps]')" '["2026-07-02","2026-10-02",1]' "N1 after the meeting"

# R2 meets too; the next evaluation's gaps replace the old count (none left for R2).
sx meeting add --site R2 --type improvement_team --date 2026-07-02 >/dev/null
sx meeting add --site R2 --type action_plan --date 2026-07-02 >/dev/null
sx check --as-of 2026-07-02 >/dev/null
expect_rc 0 sx report multi-site --as-of 2026-07-02 --json
equals "$(row R2 .open_gaps)" 0 "R2 after its meetings"

done_ok
