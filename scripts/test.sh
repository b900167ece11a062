#!/usr/bin/env bash
# Run every Wixdrop test. Installs what is missing first (scripts/setup.sh --test), then runs,
# inside a private D-Bus session with a throwaway gnome-keyring and a virtual X display:
#   UI type check + Vitest + build, Rust tests of every crate (real keychain, real loopback
#   HTTP, real SQLite), a check that the generated TypeScript types are committed, and the
#   end-to-end tests that drive the real app window through WebDriver.
# Screenshots and logs land in target/test-artifacts (printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
mkdir -p target
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" bash scripts/test-session.sh "$@"
