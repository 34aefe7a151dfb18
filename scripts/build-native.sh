#!/usr/bin/env bash
# Builds the project's native helpers. Idempotent: a helper is rebuilt only
# when its source is newer than the binary, so setup and tests can call this
# every time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/engine/providers/pocketsphinx/pocketsphinx-helper.c"
out_dir="$root/engine/providers/pocketsphinx/bin"
out="$out_dir/pocketsphinx-helper"

if [[ -x "$out" && "$out" -nt "$src" && "$out" -nt "${BASH_SOURCE[0]}" ]]; then
  echo "build-native: $out is up to date"
  exit 0
fi

missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if ((${#missing[@]} == 0)) && ! pkg-config --exists pocketsphinx sphinxbase; then
  missing+=(libpocketsphinx-dev libsphinxbase-dev)
fi
modeldir="$(pkg-config --variable=modeldir pocketsphinx 2>/dev/null || echo /usr/share/pocketsphinx/model)"
if [[ ! -f "$modeldir/en-us/en-us.lm.bin" ]]; then
  missing+=(pocketsphinx-en-us)
fi
if ((${#missing[@]} > 0)); then
  echo "build-native: cannot build the pocketsphinx helper; missing Debian packages: ${missing[*]}" >&2
  echo "build-native: install them with: apt-get install -y ${missing[*]}" >&2
  echo "build-native: (the full list is in scripts/apt-packages.txt)" >&2
  exit 1
fi

mkdir -p "$out_dir"
# Build to a temporary name and rename, so a concurrent caller never runs a
# half-written binary.
tmp="$out.tmp.$$"
# shellcheck disable=SC2046 # pkg-config output must be word-split
cc -O2 -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wno-unused-parameter \
  -DMODELDIR="\"$modeldir\"" \
  -o "$tmp" "$src" $(pkg-config --cflags --libs pocketsphinx sphinxbase) -lm
mv -f "$tmp" "$out"
echo "build-native: built $out"
