# Loads canonical CSV extracts into a site database with the sqlite3 shell, for tests that need
# registry data: load_csv_dir DB DIR loads every kind present in DIR (empty cells become NULL; rows the schema refuses, such as a fill without a days supply, are skipped).
load_csv() { # DB TABLE FILE
  local cols sel
  cols=$(head -1 "$3" | tr -d '\r')
  sel=$(printf '%s\n' "$cols" | tr ',' '\n' | sed "s/.*/NULLIF(\"&\",'')/" | paste -sd, -)
  sqlite3 "$1" <<SQL
.mode csv
.import "$3" tmp_$2
INSERT OR IGNORE INTO $2($cols) SELECT $sel FROM tmp_$2;
DROP TABLE tmp_$2;
SQL
}

load_csv_dir() { # DB DIR
  local kind
  for kind in sites clinicians patients prescriptions events assessments appointments diagnoses; do
    [ -f "$2/$kind.csv" ] && load_csv "$1" "$kind" "$2/$kind.csv"
  done
  return 0
}
