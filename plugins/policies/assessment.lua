-- Self-assessment items 4-7: four levels each, from least to most developed.
return {
  {
    item = 4,
    topic = "Policy development and revision",
    description = "A full policy on long-term opioid therapy based on the CDC guideline or the "
      .. "state's guidelines (acute and chronic dosing, non-opioid care, co-prescribing, drug "
      .. "tests, PDMP, agreements, education, tapering, naloxone, buprenorphine, methadone).",
    levels = {
      "The clinic has no written policy on long-term opioid therapy.",
      "A policy exists, but nobody has brought it up to date recently.",
      "The policy was updated recently, but important topics are still missing.",
      "The policy is current with evidence-based guidelines and covers every topic it should.",
    },
  },
  {
    item = 5,
    topic = "Policy implementation",
    description = "Whether the policy has reached clinicians and staff and is followed.",
    levels = {
      "Clinicians and staff have not been given the policy.",
      "The policy was handed out, but nobody has talked it through with the teams.",
      "The policy was handed out and discussed with everyone, but practice does not follow it consistently.",
      "The policy was handed out and discussed with everyone, and daily practice follows it.",
    },
  },
  {
    item = 6,
    topic = "Patient agreements",
    description = "Signed agreements with patients on long-term opioid therapy.",
    levels = {
      "The clinic has no patient agreement.",
      "An agreement exists, but it conflicts with the current policy or is seldom used.",
      "The agreement matches the current policy, but not every patient has signed one.",
      "The agreement matches the current policy and is in place with every patient on long-term opioids.",
    },
  },
  {
    item = 7,
    topic = "Workflows",
    description = "The step-by-step routines teams use to care for patients on long-term opioids.",
    levels = {
      "There are no written workflows for these patients.",
      "Workflows exist, but they do not support the current policy.",
      "Workflows support the current policy, but are only partly in use.",
      "Workflows support the current policy and are in full use by every care team.",
    },
  },
}
