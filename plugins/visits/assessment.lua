-- Self-assessment items 11-15: four levels each, from least to most developed.
return {
  {
    item = 11,
    topic = "Planned visits",
    description = "Whether visits of patients on long-term opioids are prepared before the patient arrives.",
    levels = {
      "We do not know ahead of time which patients on the schedule take long-term opioids, and nothing is prepared.",
      "These patients are sometimes spotted on the schedule, but nobody discusses or prepares their visits.",
      "These patients are found ahead of time, and the chart is reviewed or the visit discussed now and then.",
      "Every such visit is flagged and discussed beforehand; the chart is reviewed and open safety items are lined up for the visit.",
    },
  },
  {
    item = 12,
    topic = "Empathic communication training",
    description = "Training in patient-centred conversations about risks, dose increases and tapering.",
    levels = {
      "Clinicians and staff have not been offered training in talking with patients about opioid risks and tapering.",
      "Communication training was offered, but few clinicians or staff took part.",
      "Communication training was offered and most clinicians and staff took part.",
      "Communication training recurs on a schedule, new staff included, and nearly everyone takes part.",
    },
  },
  {
    item = 13,
    topic = "Patient involvement training",
    description = "Training in shared decisions, goal setting and supporting patients' self-management.",
    levels = {
      "Clinicians and staff have not been offered training in shared decisions, goal setting or self-management support.",
      "Such training was offered, but few clinicians or staff took part.",
      "Such training was offered and most clinicians and staff took part.",
      "Such training recurs on a schedule, new staff included, and nearly everyone takes part.",
    },
  },
  {
    item = 14,
    topic = "Care plans",
    description = "A written chronic-pain plan agreed with the patient: goals, treatments and when to review them.",
    levels = {
      "There is no care-plan template for chronic pain.",
      "A template exists, but it does not match the clinic policy or is rarely used.",
      "The template matches the clinic policy, but many patients still have no plan.",
      "The template matches the clinic policy and every patient on long-term opioids has a current plan.",
    },
  },
  {
    item = 15,
    topic = "Patient education",
    description = "Materials that explain the risks and the limited benefits of long-term opioids.",
    levels = {
      "We have no such materials.",
      "Materials exist, but there is no plan for getting them to patients.",
      "Materials and a plan for handing them out exist, but the plan is only partly in use.",
      "Materials reach every patient on long-term opioids as planned, and the team checks that they do.",
    },
  },
}
