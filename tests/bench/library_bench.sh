#!/usr/bin/env bash
# The Library benchmark (see tests/bench/library_bench.py): builds the UI and the debug binaries
# the e2e tests use, then measures a folder of 5,000 files in the real window.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm --prefix ui run build
cargo build --workspace --bins --features tauri/custom-protocol,wixdrop-desktop/e2e
exec python3 tests/bench/library_bench.py
