#!/usr/bin/env bash
# Installs what instr needs on a fresh machine: pnpm 9, the workspace's npm packages, and (as root, when
# missing) the Debian packages some tests and tools use. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != 9.* ]]; then
  echo "› installing pnpm 9"
  npm install -g pnpm@9.15.9 >/dev/null
fi

# Debian packages: Chromium (browser tests and report screenshots), ffmpeg (loudness cross-checks),
# a small General MIDI SoundFont (corpus tests). Skipped without root; the tests that need them skip too.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
[[ -f /usr/share/sounds/sf2/TimGM6mb.sf2 ]] || need+=(timgm6mb-soundfont)
if ((${#need[@]})) && [[ "$(id -u)" == 0 ]] && [[ "${INSTR_SKIP_APT:-}" != 1 ]]; then
  echo "› apt-get install ${need[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

echo "› pnpm install"
log=$(mktemp)
if ! pnpm install --frozen-lockfile >"$log" 2>&1; then
  cat "$log"
  echo "pnpm install failed (see above)" >&2
  exit 1
fi
tail -n 3 "$log"
