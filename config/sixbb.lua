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

  -- Reschedule, switch off or configure scheduled jobs, by job id ('sixbb jobs' lists them).
  -- jobs = {
  --   ["team-meeting"] = { schedule = "0 8 1-7 * MON" },
  --   ["learning-call"] = { enabled = false },
  --   ["plan-steps-due"] = { params = { days_ahead = 14 } },
  -- },

  -- The daemon: a missed run this recent still runs once when it starts.
  -- scheduler = { catch_up_hours = 24, poll_seconds = 30 },

  -- How reminders are delivered: "file" (into out/outbox/), "command" (piped to e.g.
  -- sendmail) or "log", and who receives the program's reminders.
  -- delivery = {
  --   channel = "file",
  --   from = "sixbb@clinic.example",
  --   command = "/usr/sbin/sendmail -t -i",
  --   retry = { max_attempts = 8, base_seconds = 60, max_seconds = 21600 },
  --   recipients = {
  --     team = "qi-lead@clinic.example",
  --     facilitator = "facilitator@network.example",
  --     clinicians = { C1 = "dr.one@clinic.example" },
  --   },
  -- },
}
