#!/usr/bin/env bash
# Wixdrop big-batch benchmark: N small files dropped on the real window (e2e drop command)
# against a local wix-emulator, for several N in one run. Prints, beside the targets: drop → the
# queue's first paint, time to all done beside `wixdrop upload` on the same files, peak and
# final memory (PSS) of the app and of the WebKit web process, and a screen switch mid-batch.
# Not pass/fail, not run in CI. At the end it runs tests/bench/history_bench.py if present.
#
#   bash tests/bench/batch_bench.sh                        100, 1,000, 5,000 and 20,000 files
#   BENCH_SIZES=100,1000 bash tests/bench/batch_bench.sh   quick mode
#
# The drop needs the e2e-only `e2e_drop` command, so this measures the test build of the app
# (debug, `--features tauri/custom-protocol,wixdrop-desktop/e2e`), which it builds if needed;
# BENCH_PROFILE=release builds and measures a release build with the same features instead.
# Runs in its own Xvfb (1280x800x24), D-Bus session and throwaway gnome-keyring.
# Needs: what scripts/setup.sh --test installs (xvfb, gnome-keyring, dbus, tauri-driver,
# WebKitWebDriver), python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=${BENCH_PROFILE:-debug}
flags=()
[ "$profile" = release ] && flags+=(--release)
echo "[bench] building the $profile app, CLI and emulator (features tauri/custom-protocol,wixdrop-desktop/e2e)…" >&2
[ -d ui/dist ] || npm --prefix ui run build >&2
cargo build -q "${flags[@]}" --workspace --bins --features tauri/custom-protocol,wixdrop-desktop/e2e >&2
export WIXDROP_APP_BIN=$PWD/target/$profile/wixdrop-desktop WIXDROP_CLI_BIN=$PWD/target/$profile/wixdrop \
  WIX_EMULATOR_BIN=$PWD/target/$profile/wix-emulator BENCH_PROFILE=$profile
mkdir -p target/bench
session_log="$PWD/target/bench/batch_bench-session.log"
py=python3
[ -x target/pyenv/bin/python ] && py=$PWD/target/pyenv/bin/python
export BENCH_PY=$py
# Figures go to fd 3 (this stdout); D-Bus, Xvfb and keyring chatter to a log.
# shellcheck disable=SC2016
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" bash -c '
  kr_home=$(mktemp -d)
  eval "$(echo -n bench | HOME=$kr_home gnome-keyring-daemon --replace --unlock --components=secrets 2>/dev/null 3>&-)" || true
  export GNOME_KEYRING_CONTROL
  "$BENCH_PY" tests/bench/batch_bench.py >&3 2>&3; rc=$?
  if [ -f tests/bench/history_bench.py ]; then "$BENCH_PY" tests/bench/history_bench.py >&3 2>&3 || rc=$?; fi
  rm -rf "$kr_home"
  exit $rc' 3>&1 >"$session_log" 2>&1 || { rc=$?; echo "(exit $rc; D-Bus/Xvfb output: $session_log)" >&2; exit $rc; }
