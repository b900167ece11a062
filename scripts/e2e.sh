#!/usr/bin/env bash
# Run some end-to-end tests by hand, in the environment the test command gives them: a private
# D-Bus session, a throwaway unlocked gnome-keyring, a virtual X display, and the binaries
# already built in target/debug (build them first, see scripts/test-session.sh).
#   bash scripts/e2e.sh tests/e2e/test_upload.py -k pause
# WIXDROP_SCREEN=800x600x24 changes the display size.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${WIXDROP_E2E_INNER:-}" ]; then
  export WIXDROP_E2E_INNER=1
  exec dbus-run-session -- xvfb-run -a -s "-screen 0 ${WIXDROP_SCREEN:-1280x800x24} -nolisten tcp" bash "$0" "$@"
fi
KR_HOME=$(mktemp -d)
XDG_RUNTIME_DIR=$(mktemp -d); export XDG_RUNTIME_DIR
eval "$(echo -n wixdrop-test | HOME=$KR_HOME gnome-keyring-daemon --replace --unlock --components=secrets 2>/dev/null)" || true
export GNOME_KEYRING_CONTROL
export WIXDROP_TEST_ARTIFACTS="${WIXDROP_TEST_ARTIFACTS:-$PWD/target/test-artifacts}"
mkdir -p "$WIXDROP_TEST_ARTIFACTS"
export WIXDROP_HOME="${WIXDROP_HOME:-$WIXDROP_TEST_ARTIFACTS/home}"
export WIXDROP_APP_BIN="$PWD/target/debug/wixdrop-desktop"
export WIXDROP_CLI_BIN="$PWD/target/debug/wixdrop"
export WIX_EMULATOR_BIN="$PWD/target/debug/wix-emulator"
exec target/pyenv/bin/pytest -q -p no:cacheprovider "$@"
