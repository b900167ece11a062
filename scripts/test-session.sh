#!/usr/bin/env bash
# The body of scripts/test.sh, run inside dbus-run-session + xvfb-run. Not meant to be run alone.
set -uo pipefail
cd "$(dirname "$0")/.."

ART="${WIXDROP_TEST_ARTIFACTS:-$PWD/target/test-artifacts}"
rm -rf "$ART"; mkdir -p "$ART"
export WIXDROP_TEST_ARTIFACTS="$ART"
LOG="$ART/test-output.log"
: > "$LOG"
failed_steps=()

say() { printf '\n\033[1;34m==> %s\033[0m\n' "$*" | tee -a "$LOG"; }
run_step() { # run_step NAME CMD... — run, tee output to the log, remember failures
  local name=$1; shift
  say "$name"
  local start=$SECONDS
  if "$@" 2>&1 | tee -a "$LOG"; then
    printf '    (%s: %ss)\n' "$name" $((SECONDS - start)) | tee -a "$LOG"
  else
    failed_steps+=("$name")
    printf '    (%s FAILED after %ss)\n' "$name" $((SECONDS - start)) | tee -a "$LOG"
  fi
}

# A throwaway, unlocked Secret Service: tests never see the user's real keychain.
# A private runtime dir too: gnome-keyring's --replace would otherwise stop the keyring of any
# other test run on the machine (they share the control socket under XDG_RUNTIME_DIR).
start_keyring() {
  KR_HOME=$(mktemp -d)
  XDG_RUNTIME_DIR=$(mktemp -d); export XDG_RUNTIME_DIR
  eval "$(echo -n wixdrop-test | HOME=$KR_HOME gnome-keyring-daemon --replace --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
}
keyring_works() { # store and read back a throwaway secret
  echo -n probe | timeout 10 secret-tool store --label=probe service wixdrop-probe user probe 2>/dev/null &&
    [ "$(timeout 10 secret-tool lookup service wixdrop-probe user probe 2>/dev/null)" = probe ]
}
start_keyring
keyring_works || { sleep 1; start_keyring; keyring_works || echo "warning: the test keyring does not answer"; }

# Every test gets WIXDROP_HOME from its harness; this default keeps stray runs out of ~.
export WIXDROP_HOME="$ART/home"
export RUST_BACKTRACE=1
export CARGO_TERM_COLOR=never NO_COLOR=1 FORCE_COLOR=0

run_step "UI: type check" npm --prefix ui run --silent check
run_step "UI: unit tests (Vitest)" npm --prefix ui test --silent
run_step "UI: production build" npm --prefix ui run --silent build
# One feature set for tests and binaries, so the desktop crate is compiled once: the UI embedded
# (custom-protocol) and the test-only drop simulator (e2e, never in release builds).
FEATURES="tauri/custom-protocol,wixdrop-desktop/e2e"
run_step "Rust: formatting (rustfmt)" cargo fmt --all --check
run_step "Rust: tests of every crate" cargo test --workspace --features "$FEATURES"
run_step "Generated TypeScript types are committed" scripts/check-bindings.sh
run_step "Build the app and the CLI for end-to-end tests" cargo build --workspace --bins --features "$FEATURES"
# Windows stays compilable: every Windows-only path (tray, single instance, file associations)
# is type-checked, and the CLI is cross-built (target/x86_64-pc-windows-gnu/debug/wixdrop.exe).
run_step "Windows: type check of the workspace (x86_64-pc-windows-gnu)" \
  cargo check --target x86_64-pc-windows-gnu --workspace --all-targets
run_step "Windows: cross-build the wixdrop CLI (.exe)" \
  cargo build --target x86_64-pc-windows-gnu -p wixdrop-cli
export WIXDROP_APP_BIN="$PWD/target/debug/wixdrop-desktop"
export WIXDROP_CLI_BIN="$PWD/target/debug/wixdrop"
export WIX_EMULATOR_BIN="$PWD/target/debug/wix-emulator"
run_step "End-to-end and emulator-client tests (pytest)" target/pyenv/bin/pytest -q -p no:cacheprovider tests/
# After the e2e tests: it rebuilds target/debug/wixdrop-desktop as a package contains it (no e2e).
run_step "Install test of the .deb (tauri build --debug, dpkg -i, start, dpkg -r)" bash tests/bundle/test_deb.sh

# One line that sums every runner's counts.
read -r passed failed < <(python3 scripts/summarize-tests.py "$LOG")
echo
echo "Artifacts (screenshots, logs): $ART"
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "Failed steps: ${failed_steps[*]}"
  [ "$failed" -gt 0 ] || failed=${#failed_steps[@]}
  echo "Total: $passed passed, $failed failed"
  exit 1
fi
echo "Total: $passed passed, 0 failed"
