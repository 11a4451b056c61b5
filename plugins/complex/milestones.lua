-- Design & Implement milestones of the complex-needs block.
return {
  {
    id = "complex-screening-tools",
    title = "Screening tools for complex needs are chosen and used",
    description = "The clinic has picked tools (such as ORT, COMM, PHQ-9, GAD-7) to find patients "
      .. "with behavioral-health needs or opioid use disorder, and uses them routinely.",
  },
  {
    id = "complex-referral-pathways",
    title = "Referral pathways to behavioral-health care are clear",
    description = "Care teams know how to connect a patient to mental and behavioral-health care, "
      .. "whether in the clinic, in the community or by telehealth.",
  },
  {
    id = "complex-oud-treatment",
    title = "Patients with OUD or another SUD can be connected to treatment",
    description = "Medication for OUD is available from the clinic's own prescribers or through an "
      .. "agreed treatment program, and teams know how to make the connection.",
  },
  {
    id = "complex-confidentiality",
    title = "Confidentiality rules no longer block shared care",
    description = "Rules such as 42 CFR Part 2 and release-of-information forms are sorted out so "
      .. "medical, behavioral-health and SUD clinicians can share what they need.",
  },
  {
    id = "complex-stigma-training",
    title = "Staff are trained to counter stigma",
    description = "Clinicians and staff are trained to recognise and avoid stigma toward patients "
      .. "with mental or behavioral-health needs, OUD or other substance use disorders.",
  },
}
