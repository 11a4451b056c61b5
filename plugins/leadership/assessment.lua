-- Self-assessment items 1-3: four levels each, from least to most developed.
return {
  {
    item = 1,
    topic = "Leadership prioritizes the work",
    description = "How visibly the clinic's leaders back better care for patients on long-term opioids.",
    levels = {
      "Leaders do not show or speak about any commitment to this work.",
      "Leaders' commitment shows only now and then; opioid care comes up informally, if at all.",
      "Leaders' commitment shows at times, and patients on long-term opioids are discussed at some meetings.",
      "Leaders raise the work at every suitable occasion: meetings, case reviews, messages and celebrating progress.",
    },
  },
  {
    item = 2,
    topic = "Shared vision",
    description = "Agreement across clinicians and staff on safer, more cautious opioid prescribing.",
    levels = {
      "Clinicians and staff have never formally talked about a shared approach to opioid prescribing.",
      "Talks have started about one prescribing standard for the whole clinic.",
      "Much common ground exists, but the clinic has not yet agreed one prescribing standard.",
      "The whole clinic shares one prescribing standard, and clinicians and staff follow it.",
    },
  },
  {
    item = 3,
    topic = "Responsibilities assigned",
    description = "Who leads the changes in care for patients on long-term opioids, and with what support.",
    levels = {
      "Nobody has been named to lead the changes.",
      "Leads are named, but no time or money has been committed to them.",
      "Leads are named and have some dedicated resources, but need more support.",
      "Leads are named and have dedicated resources, including protected time to meet and make changes.",
    },
  },
}
