-- The PEG scale (pain intensity, interference with enjoyment of life, interference with general
-- activity), each item 0-10; the score is their mean.

-- Raises an error unless `items` holds exactly `n` whole numbers from `lo` to `hi`.
local function check_items(id, items, n, lo, hi)
  local expects = string.format("%s expects %d items from %d to %d", id, n, lo, hi)
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

return {
  {
    id = "peg",
    title = "PEG pain, enjoyment and general activity scale",
    description = "Three items rated 0 to 10: average pain, and how much pain got in the way of "
      .. "enjoying life and of general activity. The score is their mean, 0 to 10.",
    items = 3,
    score = function(items)
      check_items("peg", items, 3, 0, 10)
      return (items[1] + items[2] + items[3]) / 3
    end,
  },
}
