return {
  checks = {
    ["education-due"] = { enabled = false },
  },
}
