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

  -- Per-check overrides keyed by check id: { enabled = false } or parameter values.
  checks = {},

  -- CSV import. columns maps a site's own column names onto the canonical ones, per kind:
  --   columns = { prescriptions = { rx_id = "ORDER_ID", fill_date = "DISPENSE_DATE" } }
  import = {
    columns = {},
  },

  -- Plugin ids to leave unloaded.
  disabled_plugins = {},
}
