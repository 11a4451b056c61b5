-- What the program reports share: the blocks in the program's order, the clinic a report is
-- about, and the latest stage of each clinic.
local sixbb = require "sixbb"

local M = {}

M.BLOCKS = { "leadership", "policies", "tracking", "visits", "complex", "measuring" }
M.BLOCK_TITLES = {
  leadership = "Leadership and consensus",
  policies = "Policies, patient agreements and workflows",
  tracking = "Tracking and monitoring patient care",
  visits = "Planned, patient-centered visits",
  complex = "Caring for patients with complex needs",
  measuring = "Measuring success",
}

function M.block_rank(b)
  for i, id in ipairs(M.BLOCKS) do if id == b then return i end end
  return #M.BLOCKS + 1
end

function M.sites(only)
  return sixbb.data.sites.list(only)
end

-- The clinic a single-clinic report is about: ctx.site, or the only clinic there is.
function M.one_site(ctx)
  if ctx.site then
    local rows = M.sites(ctx.site)
    if #rows == 0 then error("no site '" .. ctx.site .. "' in this registry", 0) end
    return rows[1]
  end
  local rows = M.sites()
  if #rows ~= 1 then error("this registry holds " .. #rows .. " sites; say which with --site", 0) end
  return rows[1]
end

function M.stage(site, as_of)
  return sixbb.data.sites.stage(site, as_of) or {}
end

function M.words(id)
  return id and (id:gsub("_", " ")) or ""
end

return M
