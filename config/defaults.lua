-- Every setting sixbb knows, with its default. A site's sixbb.lua may only use these keys; an
-- empty table here marks a free-form map (for example per-check overrides keyed by check id).
return {
  -- Organisation's time zone (IANA name). Dates "as of today" and schedules use it.
  timezone = "UTC",

  -- MED conversion standard: "cdc2022", "cdc2016" or "cdc-analytic-2018".
  standard = "cdc2022",

  -- LtOT rule: "seed", "cdc", "bree" or "kpwa".
  ltot_rule = "seed",

  -- Limits on plugin code. Each call into Lua gets an instruction budget and a deadline.
  limits = {
    instructions = 2000000000, -- VM instructions per call
    load_seconds = 0.5,        -- loading one plugin or the config
    check_seconds = 0.5,       -- one check on one patient, clinician or site
    call_seconds = 60,         -- reports, jobs, measures, scripts
    memory_mb = 1024,          -- the whole Lua heap
  },

  -- The numbers behind LtOT status, exclusions and risk tiers. Windows are in days and mean
  -- "within N days of the evaluation date D", i.e. a date in (D - N, D].
  rules = {
    ltot = {
      label_codes = { "Z79.891", "F11.90" },           -- diagnoses that label a patient as on LtOT
      seed = { window_days = 90, min_fills = 2, min_span_days = 28 },
      cdc = { windows = 3, window_days = 30, min_days_covered = 21 },
      bree = { window_days = 90, min_days_covered = 60 },
      kpwa = { window_days = 90, min_days_covered = 70 },
    },
    exclusions = {
      enabled = true,
      cancer = { codes = { "C00-C96" }, within_days = 365 },
      sickle_cell = { codes = { "D57" } },              -- any date
      palliative = { codes = { "Z51.5" }, within_days = 365 },
    },
    oud_codes = { "F11.1", "F11.2" },                   -- active opioid use disorder
    risk = {
      high = { med = 90, benzo_overlap_days = 30, overdose_days = 365, ort = 8 },
      moderate = { med = 50, ort = 4, phq9 = 10 },
      intervals = { high = 90, moderate = 182, low = 365 }, -- periodic review, days
    },
    -- A fill without a days supply is treated as lasting this many days on the timeline.
    missing_supply_days = 30,
  },

  -- Per-check overrides keyed by check id: { enabled = false } or parameter values.
  checks = {},

  -- CSV import. columns maps a site's own column names onto the canonical ones, per kind:
  --   columns = { prescriptions = { rx_id = "ORDER_ID", fill_date = "DISPENSE_DATE" } }
  import = {
    columns = {},
  },

  -- Run charts in reports. baseline: how many points set a chart's first median when the chart
  -- does not say (0 = every point). A point further from the median than astronomical_sigmas
  -- times sigma (estimated as the mean moving range / 1.128) is flagged as astronomical; 0 turns
  -- that rule off. shift_points and trend_points are the run lengths that make a shift or trend.
  runchart = { baseline = 0, astronomical_sigmas = 3, shift_points = 6, trend_points = 5 },

  -- Reports. show_names: print patients' names next to their ids in reports (names are
  -- protected health information; by default reports identify patients by id only).
  reports = { show_names = false },

  -- Plugin ids to leave unloaded.
  disabled_plugins = {},

  -- Per-job overrides keyed by job id (see `sixbb jobs`):
  -- { schedule = "0 7 * * 1-5", enabled = false, params = { ... } }.
  jobs = {},

  -- The daemon's scheduler.
  scheduler = {
    catch_up_hours = 24, -- a missed run this recent still runs once at start-up
    poll_seconds = 30,   -- how often the daemon looks for messages queued by other commands
  },

  -- How reminders leave the site.
  delivery = {
    channel = "file",                 -- "file" (out/outbox/), "command" or "log"
    from = "sixbb@localhost",         -- From: address of every message
    command = "/usr/sbin/sendmail -t -i", -- for channel "command": reads the message on stdin
    command_timeout_seconds = 60,     -- a command still running after this has failed
    retry = {
      max_attempts = 8,    -- after this many failed attempts a message is marked failed
      base_seconds = 60,   -- wait after the first failure; doubles after each further one
      max_seconds = 21600, -- longest wait between attempts
    },
    -- Who receives the program's reminders. Addresses; several may be separated by commas.
    recipients = {
      team = "",        -- the improvement team (QI lead, clinical champion, ...)
      facilitator = "", -- the practice facilitator following several sites
      clinicians = {},  -- by clinician id: { C1 = "dr.one@example.org" }
    },
  },
}
