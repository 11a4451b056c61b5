-- Design & Implement milestones of the tracking block, with live evidence where the data can
-- show progress.
local sixbb = require "sixbb"
local evidence = require "lib.evidence"
local share = evidence.share
local dated = evidence.dated

return {
  {
    id = "tracking-ltot-labeled",
    title = "Patients on long-term opioids are found and labeled in the chart",
    description = "Every patient who meets the LtOT definition carries one agreed label diagnosis "
      .. "(such as Z79.891), so lists and measures find them.",
    evidence = function(e)
      return share(e.fill_rule_labeled, e.fill_rule_patients,
        "patients meeting the LtOT fill rule are labeled", "no patients meet the LtOT fill rule yet")
    end,
  },
  {
    id = "tracking-pdmp-registered",
    title = "Every prescriber and delegate can query the state PDMP",
    description = "All clinicians who prescribe opioids, and the staff who look up the PDMP for "
      .. "them, have their own registration.",
    evidence = function(e)
      return share(e.prescribers_registered, e.prescribers,
        "prescribers registered with the PDMP", "no opioid prescribers on record yet")
    end,
  },
  {
    id = "tracking-med-calculation",
    title = "The daily MED is easy to get and calculated the same way",
    description = "Clinicians and staff see a current MED for each patient whenever a dose or "
      .. "medication changes, worked out with one conversion standard.",
    evidence = function(e)
      return share(e.current_fills_computable, e.current_fills,
        "current opioid fills have a computable MED", "no current opioid fills on record")
    end,
  },
  {
    id = "tracking-dashboard",
    title = "A dashboard of key measures covers all patients on long-term opioids",
    description = "The clinic produces a regular summary of its chosen measures for the whole "
      .. "LtOT population, by clinic and by clinician.",
    evidence = function(e)
      return dated(e.last_dashboard, e.as_of, "dashboard", "produced")
    end,
  },
  {
    id = "tracking-care-gaps",
    title = "Data drive follow-up of care gaps, high-risk patients and variation",
    description = "Care gaps and high-risk patients are reviewed on a schedule, and differences "
      .. "between clinicians are looked at and acted on.",
    evidence = function(e)
      return dated(e.last_evaluation, e.as_of, "care-gap review", "run")
    end,
  },
}
