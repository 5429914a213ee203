#!/usr/bin/env bash
# Quick start (1): set up a fresh machine, build, and run the main job on real audio from ../shared/data/dev.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm build --output-logs=errors-only
pnpm --filter @instr/examples quickstart "$@"
