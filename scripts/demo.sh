#!/usr/bin/env bash
# Sets up and builds sixbb, then runs the built-in demo site.
#   scripts/demo.sh [DIR]   (default: ./sixbb-demo)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/sixbb demo --force "${1:-sixbb-demo}"
