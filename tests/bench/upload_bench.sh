#!/usr/bin/env bash
# Wixdrop upload benchmarks: prints Wixdrop's figures beside curl's in one table, against a
# local wix-emulator. Not pass/fail: the targets are printed for comparison.
#
#   bash tests/bench/upload_bench.sh                    # 1 GiB, 100 MiB, 500 × 256 KiB, tus kill
#   BENCH_BIG_MIB=256 bash tests/bench/upload_bench.sh  # a smaller big file on a slow machine
#
# Other knobs: BENCH_MID_MIB (100), BENCH_SMALL_N (500), BENCH_TUS_MIB (64), BENCH_REPEAT (1),
# CARGO_TARGET_DIR (where the release binaries are built; default ./target).
# Needs: cargo, python3, curl, xargs, /usr/bin/time (GNU time). Files live in a temp dir that
# is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "[bench] building release binaries (wixdrop, wix-emulator)…" >&2
cargo build --release -q -p wixdrop-cli -p wix-emulator
exec python3 tests/bench/upload_bench.py
