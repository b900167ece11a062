#!/usr/bin/env bash
# Photos before sending: Wixdrop's web-ready photos and location removal, timed beside
# ImageMagick and exiftool on the same files, the same cores, in one run. Not pass/fail: the
# targets (web-ready ≥ 2× ImageMagick; location removal ≥ 200 MB/s) are printed beside.
#
#   bash tests/bench/prepare_bench.sh              # 20 photos of 6,000 × 4,000 (24 MP)
#   BENCH_N=5 bash tests/bench/prepare_bench.sh    # fewer photos on a slow machine
#
# Needs: cargo, python3, ImageMagick (convert), exiftool, GNU time (/usr/bin/time).
# Everything lives in a temp dir that is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "[bench] building the release wixdrop…" >&2
cargo build --release -q -p wixdrop-cli
exec python3 tests/bench/prepare_bench.py
