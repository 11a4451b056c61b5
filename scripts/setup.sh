#!/usr/bin/env bash
# Installs the Debian 12 packages sixbb needs to build, test and run, then builds it.
# Idempotent: packages already present are not reinstalled; the build is incremental.
#   scripts/setup.sh            install what is missing and build into build/
#   scripts/setup.sh --no-build only install packages
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config git
  liblua5.4-dev libsqlite3-dev sqlite3 libuv1-dev libcsv-dev libcjson-dev
  libcmocka-dev tzdata jq clang libclang-rt-14-dev
  libxml2-utils chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

[ "${1:-}" = "--no-build" ] && exit 0
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
