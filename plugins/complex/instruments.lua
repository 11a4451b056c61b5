-- Screening and risk instruments used to find complex needs. Each score function takes the item
-- answers in the instrument's order (0/1 for no/yes items) and returns the score and a label.

-- Raises an error unless `items` holds exactly `n` whole numbers from `lo` to `hi`.
local function check_items(id, items, n, lo, hi)
  local expects
  if lo == 0 and hi == 1 then
    expects = string.format("%s expects %d items of 0 (no) or 1 (yes)", id, n)
  else
    expects = string.format("%s expects %d items from %d to %d", id, n, lo, hi)
  end
  if type(items) ~= "table" then
    error(expects .. ", got " .. type(items), 0)
  end
  if #items ~= n then
    error(string.format("%s, got %d", expects, #items), 0)
  end
  for i = 1, n do
    local v = items[i]
    if type(v) ~= "number" or v ~= math.floor(v) or v < lo or v > hi then
      error(string.format("%s, item %d is %s", expects, i, tostring(v)), 0)
    end
  end
end

local function sum(items)
  local total = 0
  for _, v in ipairs(items) do
    total = total + v
  end
  return total
end

-- The label of the highest band whose lower bound the score reaches; bands are
-- `{ {from, label}, ... }` in increasing order.
local function band(score, bands)
  local label
  for _, b in ipairs(bands) do
    if score >= b[1] then
      label = b[2]
    end
  end
  return label
end

-- A summed instrument with `n` items from `lo` to `hi` and score bands.
local function summed(id, n, lo, hi, bands)
  return function(items)
    check_items(id, items, n, lo, hi)
    local score = sum(items)
    return score, band(score, bands)
  end
end

local function positive_at(cutoff)
  return { { 0, "negative" }, { cutoff, "positive" } }
end

local PHQ9_BANDS = { { 0, "minimal" }, { 5, "mild" }, { 10, "moderate" }, { 15, "moderately severe" },
  { 20, "severe" } }
local GAD7_BANDS = { { 0, "minimal" }, { 5, "mild" }, { 10, "moderate" }, { 15, "severe" } }
local ORT_BANDS = { { 0, "low" }, { 4, "moderate" }, { 8, "high" } }
local STOPBANG_BANDS = { { 0, "low" }, { 3, "intermediate" }, { 5, "high" } }

-- ORT points of each yes answer for female and male patients, in item order.
local ORT_POINTS = {
  female = { 1, 2, 4, 3, 4, 5, 1, 3, 2, 1 },
  male = { 3, 3, 4, 3, 4, 5, 1, 0, 2, 1 },
}

-- "female", "male" or nil from the recorded sex.
local function sex_of(patient)
  local s = type(patient) == "table" and type(patient.sex) == "string" and patient.sex:lower()
  if s == "f" or s == "female" or s == "woman" then
    return "female"
  elseif s == "m" or s == "male" or s == "man" then
    return "male"
  end
  return nil
end

local function ort_points(items, sex)
  local total = 0
  for i, v in ipairs(items) do
    total = total + v * ORT_POINTS[sex][i]
  end
  return total
end

local function score_phq9(items)
  check_items("phq9", items, 9, 0, 3)
  local score = sum(items)
  local label = band(score, PHQ9_BANDS)
  if items[9] > 0 then
    label = label .. "; item 9 positive: assess suicide risk"
  end
  return score, label
end

-- Scored with the patient's sex; when it is not recorded, the higher of the female and male
-- scores is used, so risk is not understated.
local function score_ort(items, patient)
  check_items("ort", items, 10, 0, 1)
  local sex = sex_of(patient)
  if sex then
    local score = ort_points(items, sex)
    return score, band(score, ORT_BANDS)
  end
  local score = math.max(ort_points(items, "female"), ort_points(items, "male"))
  return score, band(score, ORT_BANDS) .. " (sex not recorded: higher of female and male scoring)"
end

return {
  {
    id = "phq9",
    title = "PHQ-9 depression questionnaire",
    description = "Nine items scored 0-3 (total 0-27): minimal 0-4, mild 5-9, moderate 10-14, "
      .. "moderately severe 15-19, severe 20-27. Any answer above 0 on item 9 calls for a "
      .. "suicide-risk assessment.",
    items = 9,
    score = score_phq9,
  },
  {
    id = "phq2",
    title = "PHQ-2 depression screen",
    description = "The first two PHQ-9 items, each 0-3 (total 0-6); 3 or more is positive and "
      .. "calls for the full PHQ-9.",
    items = 2,
    score = summed("phq2", 2, 0, 3, positive_at(3)),
  },
  {
    id = "gad7",
    title = "GAD-7 anxiety questionnaire",
    description = "Seven items scored 0-3 (total 0-21): minimal 0-4, mild 5-9, moderate 10-14, "
      .. "severe 15-21.",
    items = 7,
    score = summed("gad7", 7, 0, 3, GAD7_BANDS),
  },
  {
    id = "comm",
    title = "Current Opioid Misuse Measure (COMM)",
    description = "Seventeen items scored 0-4 (total 0-68); 9 or more is positive for possible "
      .. "misuse of prescribed opioids.",
    items = 17,
    score = summed("comm", 17, 0, 4, positive_at(9)),
  },
  {
    id = "pcptsd5",
    title = "Primary Care PTSD Screen (PC-PTSD-5)",
    description = "Five yes/no items (total 0-5); 3 or more yes answers is positive.",
    items = 5,
    score = summed("pcptsd5", 5, 0, 1, positive_at(3)),
  },
  {
    id = "ort",
    title = "Opioid Risk Tool (ORT)",
    description = "Ten yes/no items in this order, with female/male points: family history of "
      .. "alcohol 1/3, illegal drugs 2/3, prescription drugs 4/4; personal history of alcohol 3/3, "
      .. "illegal drugs 4/4, prescription drugs 5/5; age 16-45 1/1; preadolescent sexual abuse "
      .. "3/0; ADD, OCD, bipolar disorder or schizophrenia 2/2; depression 1/1. Low 0-3, "
      .. "moderate 4-7, high 8 or more. Without a recorded sex the higher scoring is used.",
    items = 10,
    score = score_ort,
  },
  {
    id = "ort_oud",
    title = "Opioid Risk Tool for OUD (ORT-OUD)",
    description = "Nine yes/no items, one point for each yes (total 0-9).",
    items = 9,
    score = function(items)
      check_items("ort_oud", items, 9, 0, 1)
      return sum(items)
    end,
  },
  {
    id = "stopbang",
    title = "STOP-Bang sleep apnea screen",
    description = "Eight yes/no items (total 0-8): low risk 0-2, intermediate 3-4, high 5-8.",
    items = 8,
    score = summed("stopbang", 8, 0, 1, STOPBANG_BANDS),
  },
}
