#!/usr/bin/env bash
# Build Wixdrop (release) and start it. Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# `tauri build` runs the UI build (beforeBuildCommand) and compiles with the UI embedded.
ui/node_modules/.bin/tauri build --no-bundle
exec target/release/wixdrop-desktop "$@"
