#!/usr/bin/env bash
# Installs everything Parley needs on a fresh Debian machine, and is quick when
# it is all there already: Debian packages (local speech models, audio tools,
# the browser for end-to-end tests), npm packages, the native speech-to-text
# helper and the editor build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f scripts/apt-packages.txt ]; then
  missing=()
  while read -r pkg; do
    [ -z "$pkg" ] || [[ "$pkg" == \#* ]] && continue
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done < scripts/apt-packages.txt
  if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    echo "setup: installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

[ -f scripts/build-native.sh ] && bash scripts/build-native.sh
npm run build:editor --if-present
