-- Design & Implement milestones of the visits block.
local sixbb = require "sixbb"
local evidence = require "lib.evidence"
local dated = evidence.dated

return {
  {
    id = "visits-previsit-planning",
    title = "Data are used to prepare each visit",
    description = "Before a patient on long-term opioids is seen, the team looks at the patient's "
      .. "open care gaps, dose and risk and plans what the visit must cover.",
    evidence = function(e)
      return dated(e.last_huddle, e.as_of, "huddle list", "produced")
    end,
  },
  {
    id = "visits-ehr-templates",
    title = "Pain-visit templates in the EHR follow the clinic policy",
    description = "The record has templates that prompt for the key parts of a pain visit the "
      .. "revised policy asks for.",
  },
  {
    id = "visits-standard-workflow",
    title = "Visit preparation and pain visits run the same way for everyone",
    description = "Pre-visit planning and the structured pain visit are part of routine work in "
      .. "every care team, not left to individual habit.",
  },
  {
    id = "visits-patient-education",
    title = "Patients learn about chronic pain and the risks of opioids",
    description = "Every patient on long-term opioids gets clear material on self-management of "
      .. "chronic pain and on opioid risks, and has a chance to discuss it.",
  },
  {
    id = "visits-engagement-training",
    title = "Staff and clinicians are trained to engage patients",
    description = "Training in skills such as motivational interviewing and difficult "
      .. "conversations is offered to clinicians and staff.",
  },
  {
    id = "visits-opioid-alternatives",
    title = "Alternatives to opioids are part of every care plan discussion",
    description = "Non-opioid medicines and non-drug treatments are routinely considered, "
      .. "discussed with patients and built into care processes.",
  },
}
