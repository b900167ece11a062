#!/usr/bin/env bash
# Install what Wixdrop needs to build (and, with --test, to test) on Debian/Ubuntu.
# Idempotent: every step checks first, so running it again is quick.
#   scripts/setup.sh          build prerequisites: system libraries, npm packages
#   scripts/setup.sh --test   + Xvfb, gnome-keyring, WebKitWebDriver, tauri-driver, pytest, and the
#                             Windows target with MinGW (the test command type-checks for Windows)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

BUILD_PKGS=(build-essential pkg-config curl file libssl-dev libdbus-1-dev libwebkit2gtk-4.1-dev cmake nasm
  librsvg2-dev libayatana-appindicator3-dev libxdo-dev)
TEST_PKGS=(webkit2gtk-driver xvfb xauth gnome-keyring dbus-x11 libsecret-tools imagemagick xdotool desktop-file-utils
  python3-gi gir1.2-gtk-3.0 python3-venv openssl gcc-mingw-w64-x86-64
  libimage-exiftool-perl libheif-examples libavif-bin webp xclip)

pkgs=("${BUILD_PKGS[@]}")
[ $want_test = 1 ] && pkgs+=("${TEST_PKGS[@]}")

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing system packages: ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
      command -v sudo >/dev/null 2>&1 || die "need root or sudo to install: ${missing[*]}"
      SUDO="sudo"
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  say "Not a Debian/Ubuntu system: install the prerequisites listed in README.md yourself."
fi

command -v cargo >/dev/null 2>&1 || die "Rust is not installed. Install it with rustup (see README.md), then run this again."
command -v node >/dev/null 2>&1 || die "Node.js 20.19+ is not installed (see README.md)."
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $(node -v) is too old; Wixdrop's UI build needs 20.19 or newer."

# npm packages: reinstall when the lock file changed since the last install.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "Installing npm packages (ui/)"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ $want_test = 1 ]; then
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    say "Installing tauri-driver (WebDriver bridge for the end-to-end tests)"
    cargo install tauri-driver --locked --quiet
  fi
  # The test command type-checks the workspace for Windows and cross-builds the CLI's .exe.
  if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
    say "Adding the Rust target x86_64-pc-windows-gnu (Windows type check)"
    rustup target add x86_64-pc-windows-gnu
  fi
  if [ ! -x target/pyenv/bin/pytest ]; then
    say "Creating the Python test environment (pytest)"
    # --system-site-packages: the real X11 drop test uses Debian's python3-gi.
    /usr/bin/python3 -m venv --system-site-packages target/pyenv
  fi
  # Again whenever the requirements changed since the last install.
  if [ ! -f target/pyenv/.requirements ] || ! cmp -s tests/e2e/requirements.txt target/pyenv/.requirements; then
    say "Installing the Python test packages (tests/e2e/requirements.txt)"
    target/pyenv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/e2e/requirements.txt
    cp tests/e2e/requirements.txt target/pyenv/.requirements
  fi
fi
