#!/usr/bin/env bash
# Wixdrop app benchmarks: time from launch to the first painted screen (5 runs, median), idle
# memory of the app and all its processes (PSS), release binary and .deb sizes — printed beside
# the targets (first paint ≤ 1 s, idle ≤ 150 MB, binary ≤ 20 MB). Not pass/fail: the exit status
# is non-zero only if the app could not be measured. What each figure measures is printed with it
# (details in app_bench.py).
#
#   bash tests/bench/app_bench.sh                          build the release .deb, then measure it
#   BENCH_DEB=path/to/Wixdrop_….deb bash tests/bench/…     measure an existing .deb, no build
#
# It also builds and measures a bare Tauri 2 window (one static page, same tauri and WebKitGTK,
# same release profile: tests/bench/bare-window) in the same run and prints Wixdrop's first paint
# and idle memory beside it (targets: first paint ≤ 1.2× the bare window's, idle memory ≤ the
# bare window's + 60 MB). BENCH_BARE=path/to/bare-window skips building it; BENCH_BARE=none skips it.
#
# Other knobs: BENCH_BIN (measure this binary, not the package's: an experiment), BENCH_RUNS (5), BENCH_IDLE_S (5), BENCH_APP_ENV ("VAR=value …" added to the app's
# environment, e.g. WEBKIT_DISABLE_COMPOSITING_MODE=1 to compare without WebKit's GL compositing).
# Runs the app in its own Xvfb (1920x1080x24, no window manager: large enough that both windows
# open at their configured 1180x780), D-Bus session with a tray host
# (tests/e2e/sni_host.py, so the tray is in the figures) and throwaway gnome-keyring, so it never opens a window on your screen or touches your keychain. The app's own
# output goes to target/bench/app_bench-app.log, window captures to target/bench/*.png.
# Needs: what scripts/setup.sh --test installs (xvfb, gnome-keyring, dbus), python3, libX11.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${BENCH_DEB:-}" ]; then
  echo "[bench] building the release .deb (scripts/bundle.sh; a cold release build takes a while)…" >&2
  BENCH_DEB=$(scripts/bundle.sh | tail -1)
fi
[ -f "$BENCH_DEB" ] || { echo "app_bench: no package at $BENCH_DEB" >&2; exit 1; }
# The platform's share: a bare Tauri 2 window (tests/bench/bare-window), same tauri version (our
# Cargo.lock), same release profile, its own target dir. BENCH_BARE=path skips the build.
if [ "${BENCH_BARE:-}" = none ]; then
  BENCH_BARE=""  # not measured (an experiment on Wixdrop alone)
elif [ -z "${BENCH_BARE:-}" ]; then
  echo "[bench] building the bare Tauri window (release, target/bench/bare-window)…" >&2
  cp Cargo.lock tests/bench/bare-window/Cargo.lock
  CARGO_TARGET_DIR="$PWD/target/bench/bare-window" cargo build --release --quiet \
    --features tauri/custom-protocol --manifest-path tests/bench/bare-window/Cargo.toml >&2
  BENCH_BARE="$PWD/target/bench/bare-window/release/bare-window"
fi
export BENCH_BARE
mkdir -p target/bench
rm -f target/bench/first-paint-run*.png target/bench/bare-*first-paint-run*.png target/bench/screen-done-run*.png target/bench/idle-run*.png
export BENCH_DEB BENCH_OUT="$PWD/target/bench" BENCH_APP_LOG="$PWD/target/bench/app_bench-app.log"
: >"$BENCH_APP_LOG"
session_log="$PWD/target/bench/app_bench-session.log"

# The figures go to fd 3 (this stdout); the D-Bus daemon, Xvfb and the services D-Bus starts
# (keyring, accessibility bus) write to stdout/stderr, which go to a log to keep the figures readable.
# shellcheck disable=SC2016
dbus-run-session -- xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" bash -c '
  kr_home=$(mktemp -d)
  eval "$(echo -n bench | HOME=$kr_home gnome-keyring-daemon --replace --unlock --components=secrets 2>/dev/null 3>&-)" || true
  export GNOME_KEYRING_CONTROL
  # A tray host (the e2e tests'"'"' StatusNotifierWatcher), so Wixdrop'"'"'s tray is really shown and
  # counted, as on a desktop with a panel. Needs target/pyenv (scripts/setup.sh --test).
  host_pid=""
  if target/pyenv/bin/python -c "import jeepney" 2>/dev/null; then
    coproc HOST { exec target/pyenv/bin/python tests/e2e/sni_host.py; }
    host_pid=$HOST_PID
    read -r -t 10 ready <&"${HOST[0]}" && export BENCH_TRAY_HOST=1
  fi
  python3 tests/bench/app_bench.py >&3 2>&3; rc=$?
  [ -n "$host_pid" ] && kill "$host_pid"
  rm -rf "$kr_home"
  exit $rc' 3>&1 >"$session_log" 2>&1 || { rc=$?; echo "(exit $rc; D-Bus/Xvfb output: $session_log)" >&2; exit $rc; }
