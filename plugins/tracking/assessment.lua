-- Self-assessment items 8-10: four levels each, from least to most developed.
return {
  {
    item = 8,
    topic = "Tracking and monitoring system",
    description = "How well the clinic can follow its patients on long-term opioids as a population.",
    levels = {
      "Nobody has looked into tracking these patients, or our data systems cannot do it.",
      "Our data could support tracking, but no useful reports come out of it yet.",
      "Basic reports on patients on long-term opioids come out on a regular schedule.",
      "Regular reports let us follow each patient's care and compare prescribing across clinicians.",
    },
  },
  {
    item = 9,
    topic = "Data-collection workflows",
    description = "How reliably labels, PDMP checks, drug tests, agreements and visits get recorded.",
    levels = {
      "There is no agreed way of recording the data the tracking system needs.",
      "Recording workflows are being drafted but are not part of daily work.",
      "Recording workflows are agreed, but staff follow them unevenly.",
      "Recording workflows are followed every time; named people own each step and have time set aside for it.",
    },
  },
  {
    item = 10,
    topic = "Data-use workflows",
    description = "How the team turns the data into follow-up for patients and feedback for clinicians.",
    levels = {
      "There is no routine for using the data to follow up patients or review prescribing.",
      "A routine for using the data is being designed but is not running yet.",
      "A routine exists, such as care-gap lists at huddles, but it is used only some of the time.",
      "The routine runs reliably for patient follow-up and clinician feedback, with named owners and protected time.",
    },
  },
}
