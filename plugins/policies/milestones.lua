-- Design & Implement milestones of the policies block.
return {
  {
    id = "policies-policy-revised",
    title = "The opioid policy follows current evidence-based guidelines",
    description = "The clinic's policy for long-term opioid therapy has been revised against the "
      .. "CDC guideline and the state's prescribing rules.",
  },
  {
    id = "policies-agreement-revised",
    title = "The patient agreement matches the policy and explains the risks",
    description = "The agreement patients sign supports the revised policy and tells them plainly "
      .. "about the risks of long-term opioids.",
  },
  {
    id = "policies-workflows-written",
    title = "Written workflows put the policy into practice",
    description = "Each step the policy asks for (agreements, drug tests, PDMP checks, refills) "
      .. "has a written workflow saying who does what and when.",
  },
  {
    id = "policies-training",
    title = "Everyone is trained on the policy, agreement, workflows and EHR templates",
    description = "Clinicians and staff have been taught the revised policy, the agreement, the "
      .. "workflows and the record templates that support them.",
  },
}
