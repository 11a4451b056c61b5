return {
  checks = {
    ["pdmp-due"] = { interval = { high = 90, moderate = 90, low = 90 } },
  },
}
