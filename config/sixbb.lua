-- Site configuration for sixbb.
--
-- This file is Lua and runs in the same sandbox as plugins. It returns one table of settings;
-- only known settings are accepted (a misspelled key is reported with the nearest valid one).
-- Remove the leading "--" of a line to change a default. The defaults live in the installed
-- config/defaults.lua.

return {
  -- Time zone of the clinics (IANA name), used for "today" and for reminder schedules.
  -- timezone = "America/Los_Angeles",

  -- Which morphine-equivalent conversion table to use: "cdc2022" (default), "cdc2016",
  -- or "cdc-analytic-2018".
  -- standard = "cdc2022",

  -- How patients on long-term opioid therapy are found: "seed" (default), "cdc", "bree", "kpwa".
  -- ltot_rule = "seed",

  -- Change a check's parameters or switch it off, by check id.
  -- checks = {
  --   ["education-due"] = { enabled = false },
  -- },

  -- Limits on plugin code (per call into Lua).
  -- limits = { check_seconds = 0.5, call_seconds = 60, memory_mb = 1024 },

  -- Your extracts' own column names, per kind, when they differ from the canonical ones.
  -- import = {
  --   columns = { prescriptions = { rx_id = "ORDER_ID", fill_date = "DISPENSE_DATE" } },
  -- },

  -- Plugins to leave unloaded, by id.
  -- disabled_plugins = { },
}
