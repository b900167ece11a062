#!/usr/bin/env bash
# Build Wixdrop's installable Linux package (.deb) and print its path on the last line.
#
#   scripts/bundle.sh                  release .deb, the one to install (`tauri build --bundles deb`)
#   scripts/bundle.sh --debug          debug .deb: reuses the debug build; for the CI install test
#   scripts/bundle.sh [--debug] ARGS…  extra arguments go to `tauri build` (e.g. --features e2e)
#
# Install the result with `sudo apt install ./target/release/bundle/deb/Wixdrop_<version>_<arch>.deb`.
# Build output goes to stderr; stdout is only the path, so `deb=$(scripts/bundle.sh)` works.
# macOS (.app, .dmg) and Windows (.msi, NSIS .exe) bundles are built on those systems with a plain
# `ui/node_modules/.bin/tauri build` (see README.md).
# Set WIXDROP_SKIP_SETUP=1 to skip scripts/setup.sh (the test harness has already run it).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
args=()
for a in "$@"; do
  if [ "$a" = --debug ]; then profile=debug; args+=(--debug); else args+=("$a"); fi
done

[ "${WIXDROP_SKIP_SETUP:-0}" = 1 ] || bash scripts/setup.sh >&2

# The package version is the desktop crate's (tauri.conf.json has no "version", so Tauri takes
# Cargo.toml's); the target dir honours CARGO_TARGET_DIR.
read -r version target_dir < <(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
m = json.load(sys.stdin)
v = next(p["version"] for p in m["packages"] if p["name"] == "wixdrop-desktop")
print(v, m["target_directory"])')
product=$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["productName"])')
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
deb="$target_dir/$profile/bundle/deb/${product}_${version}_${arch}.deb"

rm -f "$deb"
# `tauri build` runs the UI build (beforeBuildCommand), compiles with the UI embedded
# (tauri/custom-protocol) and packages the binary, desktop entry and icons.
# Tauri runs beforeBuildCommand in the folder of ui/package.json unless told a cwd, where
# `npm --prefix ui` would look for ui/ui: run it from the repository root.
hook='{"build":{"beforeBuildCommand":{"script":"npm --prefix ui run build","cwd":"."}}}'
ui/node_modules/.bin/tauri build --ci --config "$hook" --bundles deb ${args[@]+"${args[@]}"} >&2
[ -f "$deb" ] || { echo "error: tauri build finished but $deb is missing" >&2; exit 1; }
echo "Built $(du -h "$deb" | cut -f1) package ($profile): install it with: sudo apt install $deb" >&2
echo "$deb"
