-- Self-assessment items 16-20: four levels each, from least to most developed.
return {
  {
    item = 16,
    topic = "Identifying complex needs",
    description = "Policies, chosen screening tools and workflows to find opioid misuse, diversion "
      .. "and addiction and to notice mental or behavioral-health needs.",
    levels = {
      "The clinic has no policy, screening tools or workflow for this.",
      "Some of the policy, tools or workflow are in place, but not all.",
      "Policy, tools and workflow are all in place, but only some teams use them.",
      "Policy, tools and workflow are in place and every team uses them consistently.",
    },
  },
  {
    item = 17,
    topic = "OUD treatment resources",
    description = "Access to treatment for opioid use disorder.",
    levels = {
      "OUD treatment is hard to arrange for our patients with any reliability.",
      "OUD treatment can be arranged, but usually not quickly or conveniently.",
      "OUD treatment is available and usually quick and convenient to reach.",
      "OUD treatment is offered on site or by a partner organization with an agreed referral protocol.",
    },
  },
  {
    item = 18,
    topic = "OUD training",
    description = "Training for clinicians on diagnosing opioid use disorder.",
    levels = {
      "Clinicians have not been offered training on diagnosing OUD.",
      "Training on diagnosing OUD was offered, but few clinicians took part.",
      "Training on diagnosing OUD was offered and most clinicians took part.",
      "Training on diagnosing OUD recurs on a schedule and nearly every clinician takes part.",
    },
  },
  {
    item = 19,
    topic = "Behavioral health resources",
    description = "Access to mental and behavioral-health services.",
    levels = {
      "Mental and behavioral-health care is hard to arrange for our patients with any reliability.",
      "Behavioral-health specialists can see our patients, but usually not quickly or conveniently.",
      "Behavioral-health specialists can see our patients, usually quickly and conveniently.",
      "Behavioral-health specialists work on site or at a partner organization with an agreed referral protocol.",
    },
  },
  {
    item = 20,
    topic = "Stigma training",
    description = "Training on stigma around OUD and mental or behavioral-health needs.",
    levels = {
      "Clinicians and staff have not been offered training on stigma.",
      "Training on stigma was offered, but few clinicians or staff took part.",
      "Training on stigma was offered and most clinicians and staff took part.",
      "Training on stigma recurs on a schedule and nearly every clinician and staff member takes part.",
    },
  },
}
