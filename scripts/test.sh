#!/usr/bin/env bash
# Quick start (2): set up a fresh machine and run every package's tests; ends with `N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm test
