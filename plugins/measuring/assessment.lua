-- Self-assessment items 21-22: four levels each, from least to most developed.
return {
  {
    item = 21,
    topic = "Monitoring progress",
    description = "A system for measuring how opioid prescribing practice is changing.",
    levels = {
      "The clinic has no way of measuring progress.",
      "Overall goals are tracked, but no regular reports on specific objectives come out.",
      "Regular reports on specific objectives come out; leaders look at them now and then, with no set schedule.",
      "The system is fully running: leaders review the reports on a fixed schedule and changes follow from them.",
    },
  },
  {
    item = 22,
    topic = "Assessing and modifying",
    description = "Whether what the data show leads to changes in practice.",
    levels = {
      "Nothing changes in response to the monitoring data.",
      "A change is made now and then, but the changes are small and irregular.",
      "Changes follow the data often, and usually in good time.",
      "Changes follow the data every time and are part of the clinic's wider quality-improvement work.",
    },
  },
}
