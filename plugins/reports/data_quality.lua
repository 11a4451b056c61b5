-- Data quality: what the tracking lead fixes in the source system so the registry can be
-- trusted — products that could not be recognised, supplies missing or implausible, assessment
-- scores that disagree with their items, patients without a clinician, clinicians without a
-- site, and fills active on the date whose MED cannot be computed.
local sixbb = require "sixbb"

local SUPPLY_FLAGS = {
  days_supply_missing = "no days supply", days_supply_over_365 = "more than a year's supply",
  no_timing = "neither days supply nor sig", quantity_implausible = "implausible quantity",
  dose_implausible = "implausible dose", patches_per_day_high = "too many patches a day",
  med_over_1000 = "daily MED above 1000", unit_assumed = "bare number read as mg",
  strength_conflict = "strength column and text disagree", sig_disagrees = "sig and amounts differ",
  fill_date_future = "filled after the extract date", written_after_fill = "written after filled",
  methadone_over_80 = "methadone above review level", ndc_not_found = "NDC not in the tables",
  not_in_guideline_table = "factor outside the standard's table",
}

local function col(key, title, format) return { key = key, title = title, format = format } end

local function section(id, title, text, columns, rows, empty)
  local blocks
  if #rows == 0 then
    blocks = { { type = "text", text = empty } }
  else
    blocks = { { type = "table", id = id .. "-table", columns = columns, rows = rows } }
  end
  return { id = id, title = title, text = text, blocks = blocks }
end

local quality = sixbb.data.quality

-- A listing of at most params.max_rows rows, and how many rows it would list without the limit.
local function listed(name, ctx, params, ...)
  local rows = quality[name](params.max_rows, ctx.clinician, ctx.site, ...)
  return rows, quality[name .. "_count"](params.max_rows, ctx.clinician, ctx.site, ...).n
end

local function unresolved(ctx, params)
  return listed("unresolved", ctx, params)
end

-- Counts of each supply and plausibility flag, and the most recent flagged fills.
local function supply(ctx, params)
  local counts = {}
  local groups = quality.flag_groups(nil, ctx.clinician, ctx.site)
  for _, g in ipairs(groups) do
    for flag in g.flags:gmatch("[^,]+") do
      if SUPPLY_FLAGS[flag] then counts[flag] = (counts[flag] or 0) + g.n end
    end
  end
  local rows = {}
  for flag, n in pairs(counts) do rows[#rows + 1] = { flag = flag, meaning = SUPPLY_FLAGS[flag], fills = n } end
  table.sort(rows, function(a, b) return a.fills > b.fills or (a.fills == b.fills and a.flag < b.flag) end)
  local examples = {}
  for _, r in ipairs(quality.flagged_fills(params.max_rows, ctx.clinician, ctx.site)) do
    examples[#examples + 1] = { rx = r.rx_id, patient = r.patient_id, date = r.fill_date, drug = r.drug,
                                quantity = r.quantity, days = r.days_supply, flags = r.dq_flags }
  end
  return rows, examples
end

local function scores(ctx, params)
  return listed("scores", ctx, params)
end

local function no_clinician(ctx, params)
  return listed("no_clinician", ctx, params)
end

local function no_site(ctx)
  return quality.no_site(ctx.clinician)
end

-- Opioid or unrecognised fills whose supply window (unchained) contains the date and that have
-- no MED: the patients' current MED is understated until they are fixed.
local function active_unknown(ctx, params)
  return listed("active_unknown", ctx, params, ctx.as_of, params.missing_supply_days)
end

local function run(ctx)
  local params = ctx.params
  local products, nproducts = unresolved(ctx, params)
  local flags, flagged = supply(ctx, params)
  local bad_scores, nscores = scores(ctx, params)
  local orphans, norphans = no_clinician(ctx, params)
  local homeless = no_site(ctx)
  local unknown, nunknown = active_unknown(ctx, params)
  local limit = string.format("At most %d rows are listed.", params.max_rows)
  return {
    title = "Data quality",
    subtitle = (ctx.site and ("site " .. ctx.site) or "all sites") .. " — as of " .. ctx.as_of,
    params = { { label = "As of", value = ctx.as_of } },
    figures = {
      { label = "Unrecognised products", value = nproducts, href = "#products" },
      { label = "Fills without a MED active now", value = nunknown, href = "#active-unknown" },
      { label = "Scores to check", value = nscores, href = "#scores" },
      { label = "Patients without a clinician", value = norphans, href = "#no-clinician" },
      { label = "Clinicians without a site", value = #homeless, href = "#no-site" },
    },
    sections = {
      section("products", "Unrecognised products",
        "Drug texts no product could be found for, most fills first. " .. limit,
        { col("drug", "Drug text"), col("fills", "Fills", "integer"), col("patients", "Patients", "integer"),
          col("last_fill", "Last fill", "date"), col("reason", "Why") }, products,
        "Every product was recognised."),
      section("active-unknown", "Fills active on " .. ctx.as_of .. " without a MED",
        "The current MED of these patients leaves the fill out. " .. limit,
        { col("rx", "Fill"), col("patient", "Patient"), col("date", "Filled", "date"),
          col("drug", "Drug"), col("days", "Days", "integer"), col("reason", "Why") }, unknown,
        "Every active opioid fill has a MED."),
      section("supply", "Supply and plausibility flags", "Flags set at import, counted over all fills.",
        { col("flag", "Flag"), col("meaning", "Meaning"), col("fills", "Fills", "integer") }, flags,
        "No fill is flagged."),
      section("flagged", "Flagged fills, most recent first",
        "Fills with a flag other than a sig that disagrees. " .. limit,
        { col("rx", "Fill"), col("patient", "Patient"), col("date", "Filled", "date"), col("drug", "Drug"),
          col("quantity", "Qty", "number"), col("days", "Days", "integer"), col("flags", "Flags") },
        flagged, "No fill is flagged."),
      section("scores", "Assessment scores to check",
        "A given score that differs from the score of its items, or items that could not be scored. " .. limit,
        { col("patient", "Patient"), col("instrument", "Instrument"), col("date", "Date", "date"),
          col("score", "Score", "number"), col("items", "Items"), col("flags", "Flags") }, bad_scores,
        "Every score agrees with its items."),
      section("no-clinician", "Patients without a clinician", limit,
        { col("patient", "Patient"), col("site", "Site"), col("problem", "Problem") }, orphans,
        "Every patient has a known clinician."),
      section("no-site", "Clinicians without a site", nil,
        { col("clinician", "Clinician"), col("site", "Site"), col("problem", "Problem") }, homeless,
        "Every clinician belongs to a known site."),
    },
  }
end

return {
  id = "data-quality",
  title = "Data quality",
  description = "What to fix in the source data: unrecognised products, missing or implausible supply, disagreeing scores, patients without a clinician, clinicians without a site, and active fills without a MED.",
  params = {
    max_rows = 200,           -- rows listed per table (counts always cover everything)
    missing_supply_days = 30, -- a fill without a days supply is taken as active this long
  },
  run = run,
}
