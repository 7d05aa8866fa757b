#!/usr/bin/env bash
# Sets up a fresh Debian (bookworm) machine for Speech Batch: the system packages the local recogniser, the test
# audio and the real-VS-Code tests need, then the npm dependencies. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# pocketsphinx + model: the local recogniser (testdata: real read speech for the accuracy tests). ffmpeg: formats other than WAV/MP3. sox/flite/lame: test audio. chromium, libkrb5-dev, ripgrep:
# code-server + Playwright for the tests inside a real VS Code (build-essential, python3: code-server builds its native
# modules from source, since nothing may be downloaded prebuilt).
packages=(pocketsphinx pocketsphinx-en-us pocketsphinx-testdata sox libsox-fmt-mp3 flite lame ffmpeg chromium libkrb5-dev ripgrep build-essential python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
