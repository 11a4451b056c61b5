return {
  ltot_rule = "bree",
}
