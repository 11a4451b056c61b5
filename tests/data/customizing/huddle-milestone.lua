-- A local milestone in the visits block.
local sixbb = require "sixbb"

return sixbb.plugin {
  id = "local-milestones",
  extends = "visits",
  milestones = {
    { id = "local-huddle-daily", title = "Care gaps are reviewed at every morning huddle" },
  },
}
