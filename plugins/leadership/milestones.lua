-- Design & Implement milestones of the leadership block.
return {
  {
    id = "leadership-protected-time",
    title = "The improvement team has protected time to meet and work",
    description = "Leaders set aside time in the schedule so the improvement team can meet at "
      .. "least monthly and carry out its action plan.",
  },
  {
    id = "leadership-visible-priority",
    title = "Leaders keep the project visible and ask for feedback",
    description = "At staff and clinician meetings, leaders say why the work matters, report "
      .. "progress and invite comments on it.",
  },
  {
    id = "leadership-clinical-education",
    title = "Clinical education is offered to clinicians and staff",
    description = "Clinicians and staff have opportunities to learn about chronic pain, opioid "
      .. "risks and safer prescribing.",
  },
}
