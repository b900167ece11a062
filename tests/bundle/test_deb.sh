#!/usr/bin/env bash
# Install test of the Linux package, as a user would get it:
#   1. the icons in icons/ are the ones `tauri icon icons/wixdrop.svg` makes, and tauri.conf.json
#      lists them and configures the deb, app, dmg, msi and nsis bundles;
#   2. build a .deb with `tauri build --debug --bundles deb` (scripts/bundle.sh --debug: reuses the
#      debug dependency builds, so it costs one compile of the desktop crate, not a release build);
#   3. check its control data (name, version = Cargo.toml's, every shared library the binary links
#      is provided by a declared dependency or what those depend on);
#   4. `dpkg -i` it and check what it installed: /usr/bin/wixdrop-desktop, the desktop entry
#      (Name, Comment, Categories, Exec with %F, the MimeType list, Icon; desktop-file-validate)
#      and the icons in /usr/share/icons/hicolor;
#   5. start the INSTALLED app through the desktop entry's Exec line, with WIXDROP_HOME and the
#      XDG dirs in a temp dir, wait for its window titled "Wixdrop" and for painted content, and
#      save a screenshot to $WIXDROP_TEST_ARTIFACTS/bundle/ (default target/test-artifacts);
#   6. stop it, `dpkg -r` the package and check that everything it installed is gone.
#
# Run inside scripts/test-session.sh (needs DISPLAY, a D-Bus session and the UI's npm packages),
# as root or with sudo (for dpkg), after the end-to-end tests: it rebuilds target/debug/
# wixdrop-desktop without the test-only e2e feature (what a package contains). Refuses to run if
# the package is already installed, since it removes it at the end.
# Exits non-zero if any check fails; prints one line per check and a summary line.
set -uo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD

ART="${WIXDROP_TEST_ARTIFACTS:-$REPO/target/test-artifacts}/bundle"
rm -rf "$ART"
mkdir -p "$ART"
TMP=$(mktemp -d)
PKG=wixdrop            # Tauri names the package after productName, lowercased
WINDOW_TIMEOUT=${WIXDROP_BUNDLE_WINDOW_TIMEOUT:-60}   # seconds; a debug build starts slowly
passed=0 failed=0 started=$SECONDS
app_pid="" installed_by_us=0

ok() { passed=$((passed + 1)); printf 'ok   - %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL - %s\n' "$*"; }
check() { # check DESCRIPTION CMD… — one check: ok if CMD succeeds
  local what=$1; shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
is_installed() { dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'ok installed'; }

stop_app() {
  [ -n "$app_pid" ] || return 0
  if kill -0 "$app_pid" 2>/dev/null; then
    kill "$app_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$app_pid" 2>/dev/null
  fi
  wait "$app_pid" 2>/dev/null
  app_pid=""
}
cleanup() {
  stop_app
  if [ $installed_by_us = 1 ] && is_installed; then
    echo "    (cleaning up: removing the $PKG package)"
    as_root dpkg -r "$PKG" >/dev/null 2>&1
  fi
  rm -rf "$TMP"
}
finish() {
  cleanup
  trap - EXIT
  echo "    artifacts: $ART"
  # Same shape as pytest's summary line, so scripts/summarize-tests.py adds these counts.
  printf '== %d passed, %d failed in %ds (tests/bundle/test_deb.sh)\n' "$passed" "$failed" $((SECONDS - started))
  # (a bare `exit` in an EXIT trap would return the status from before the trap)
  if [ "$failed" = 0 ]; then exit 0; else exit 1; fi
}
abort() { bad "$*"; echo "    (stopping: the checks below depend on this one)"; finish; }
trap finish EXIT
trap 'bad "interrupted"; finish' INT TERM

echo "--- preconditions"
[ -n "${DISPLAY:-}" ] || abort "DISPLAY is set (run through scripts/test.sh, which starts Xvfb)"
for tool in dpkg dpkg-deb apt-cache xdotool import identify compare python3; do
  command -v "$tool" >/dev/null || abort "$tool is installed (scripts/setup.sh --test installs it)"
done
[ -x ui/node_modules/.bin/tauri ] || abort "ui/node_modules/.bin/tauri exists (npm ci in ui/)"
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then abort "running as root or with sudo (dpkg -i needs it)"; fi
if is_installed; then
  abort "package $PKG is not installed yet (this test installs and removes it: run 'sudo apt remove $PKG' first)"
fi
ok "preconditions (DISPLAY=$DISPLAY, tools present, $PKG not installed)"

echo "--- configuration and icons"
version=$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "wixdrop-desktop"))')
python3 - "$version" >"$TMP/conf.out" <<'EOF'
import json, os, sys
c = json.load(open("tauri.conf.json"))
b = c["bundle"]
problems = []
if "version" in c and c["version"] != sys.argv[1]:
    problems.append(f'tauri.conf.json hard-codes version {c["version"]}, Cargo.toml says {sys.argv[1]}')
missing = {"deb", "app", "dmg", "msi", "nsis"} - set(b.get("targets", []))
if b.get("targets") != "all" and missing:
    problems.append(f"bundle.targets lacks {sorted(missing)}")
icons = b.get("icon", [])
for ext in (".png", ".icns", ".ico"):
    if not any(i.endswith(ext) for i in icons):
        problems.append(f"bundle.icon lists no {ext}")
for path in icons + list(b.get("linux", {}).get("deb", {}).get("files", {}).values()):
    if not os.path.isfile(path):
        problems.append(f"{path} (in tauri.conf.json) does not exist")
for key in ("category", "shortDescription"):
    if not b.get(key):
        problems.append(f"bundle.{key} is empty")
for p in problems:
    print(p)
EOF
if [ -s "$TMP/conf.out" ]; then bad "tauri.conf.json bundle settings:"; sed 's/^/      /' "$TMP/conf.out"
else ok "tauri.conf.json: no hard-coded version (Cargo.toml's $version is used), deb/app/dmg/msi/nsis targets, every listed icon exists"; fi

# The icons must be what `tauri icon` makes from the one SVG (regenerate and compare pixels).
if ui/node_modules/.bin/tauri icon icons/wixdrop.svg -o "$TMP/icons" >"$TMP/icon.log" 2>&1; then
  stale=()
  for f in icons/*.png; do
    [ -f "$TMP/icons/${f#icons/}" ] || continue
    compare -metric AE "$f" "$TMP/icons/${f#icons/}" null: 2>/dev/null || stale+=("$f")
  done
  cmp -s icons/icon.ico "$TMP/icons/icon.ico" || stale+=(icons/icon.ico)
  # .icns: same images; tauri icon writes its entries in no fixed order.
  python3 - icons/icon.icns "$TMP/icons/icon.icns" <<'EOF' || stale+=(icons/icon.icns)
import struct, sys
def entries(path):
    d = open(path, "rb").read(); i = 8; out = {}
    while i < len(d):
        n = struct.unpack(">I", d[i + 4:i + 8])[0]; out[d[i:i + 4]] = d[i + 8:i + n]; i += n
    return out
sys.exit(entries(sys.argv[1]) != entries(sys.argv[2]))
EOF
  n_png=$(ls icons/*.png | wc -l)
  if [ ${#stale[@]} = 0 ]; then ok "icons/ ($n_png PNGs, .ico, .icns) are exactly what 'tauri icon icons/wixdrop.svg' makes"
  else bad "icons out of date with icons/wixdrop.svg: ${stale[*]} (run: ui/node_modules/.bin/tauri icon icons/wixdrop.svg -o icons)"; fi
else
  bad "tauri icon icons/wixdrop.svg runs"; tail -5 "$TMP/icon.log"
fi

echo "--- build the package (tauri build --debug --bundles deb)"
build_start=$SECONDS
if deb=$(WIXDROP_SKIP_SETUP=1 scripts/bundle.sh --debug 2>"$ART/build.log" | tail -1) && [ -f "$deb" ]; then
  ok "built $(basename "$deb") ($(du -h "$deb" | cut -f1), $((SECONDS - build_start)) s; log: $ART/build.log)"
else
  tail -30 "$ART/build.log"
  abort "scripts/bundle.sh --debug builds a .deb"
fi

echo "--- package metadata"
field() { dpkg-deb -f "$deb" "$1"; }
check "Package: $(field Package) (expected $PKG)" [ "$(field Package)" = "$PKG" ]
check "Version: $(field Version) (expected $version, from Cargo.toml)" [ "$(field Version)" = "$version" ]
check "Architecture: $(field Architecture)" [ "$(field Architecture)" = "$(dpkg --print-architecture)" ]
depends=$(field Depends)
check "Depends: $depends (includes libwebkit2gtk-4.1-0)" grep -q 'libwebkit2gtk-4.1-0' <<<"$depends"

# Every library the binary links must come from a declared dependency or something those pull in,
# or a clean machine gets a binary that does not start.
dpkg-deb -x "$deb" "$TMP/unpacked"
packaged_bin="$TMP/unpacked/usr/bin/wixdrop-desktop"
if [ -x "$packaged_bin" ]; then
  dep_names=$(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*//; s/[[:space:]]//g' | grep .)
  # shellcheck disable=SC2086
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances $dep_names 2>/dev/null | grep -v '^ ' | tr -d '<>' | sed 's/:.*//' | sort -u >"$TMP/closure"
  unmet=()
  for lib in $(objdump -p "$packaged_bin" | awk '/NEEDED/ {print $2}'); do
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64|64bit|ia64/ {print $NF; exit}')
    [ -n "$path" ] || path=$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')
    owner=""
    for p in "$path" "$(readlink -f "$path" 2>/dev/null)" "${path/#\/lib\//\/usr\/lib\/}" "${path/#\/usr\/lib\//\/lib\/}"; do
      [ -n "$p" ] && owner=$(dpkg -S "$p" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$owner" ] && break
    done
    if [ -z "$owner" ]; then unmet+=("$lib(no package owns it here)")
    elif ! grep -qx "$owner" "$TMP/closure"; then unmet+=("$lib($owner)"); fi
  done
  check "every library the binary links comes with its Depends${unmet[*]:+ — missing: ${unmet[*]}}" [ ${#unmet[@]} = 0 ]
else
  bad "the .deb contains an executable usr/bin/wixdrop-desktop"
fi

echo "--- install (dpkg -i)"
if as_root dpkg -i "$deb" >"$ART/dpkg-install.log" 2>&1; then
  installed_by_us=1
  ok "dpkg -i $(basename "$deb")"
else
  installed_by_us=1
  cat "$ART/dpkg-install.log"
  abort "dpkg -i $(basename "$deb")"
fi
status=$(dpkg-query -W -f='${Status} ${Version}' "$PKG" 2>/dev/null)
check "dpkg says: $status" [ "$status" = "install ok installed $version" ]
dpkg -L "$PKG" >"$ART/installed-files.txt"
check "/usr/bin/wixdrop-desktop is installed, executable, and is the binary that was packaged" \
  cmp -s /usr/bin/wixdrop-desktop "$packaged_bin"

desktop_files=$(grep -E '^/usr/share/applications/[^/]+\.desktop$' "$ART/installed-files.txt")
if [ "$(grep -c . <<<"$desktop_files")" != 1 ]; then
  abort "the package installs one desktop entry in /usr/share/applications (found: ${desktop_files:-none})"
fi
desktop=$desktop_files
cp "$desktop" "$ART/"
ok "desktop entry $desktop"
entry() { # the value of KEY in the [Desktop Entry] group
  awk -v k="$1" '/^\[/ {g = ($0 == "[Desktop Entry]")} g && index($0, k "=") == 1 {print substr($0, length(k) + 2); exit}' "$desktop"
}
check "desktop entry: Type=$(entry Type)" [ "$(entry Type)" = Application ]
check "desktop entry: Name=$(entry Name)" [ "$(entry Name)" = Wixdrop ]
check "desktop entry: Comment=$(entry Comment)" [ -n "$(entry Comment)" ]
check "desktop entry: Categories=$(entry Categories) (';'-separated, with a main category)" \
  grep -qE '^([A-Za-z0-9-]+;)*(AudioVideo|Audio|Video|Development|Education|Game|Graphics|Network|Office|Science|Settings|System|Utility);([A-Za-z0-9-]+;)*$' <<<"$(entry Categories)"
exec_line=$(entry Exec)
exec_cmd=${exec_line%% *}
exec_path=$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v "$exec_cmd")
check "desktop entry: Exec=$exec_line runs /usr/bin/wixdrop-desktop (found: ${exec_path:-nothing})" \
  [ "$(readlink -f "$exec_path")" = /usr/bin/wixdrop-desktop ]
# "Open with Wixdrop": the file manager passes the chosen files (%F) and offers Wixdrop for the
# media types Wix takes (our template, src-tauri/linux/wixdrop.desktop).
check "desktop entry: Exec ends with %F (files from 'Open with' reach the app)" grep -qE ' %F$' <<<"$exec_line"
mime=$(entry MimeType)
missing_mime=()
for t in image/jpeg image/png image/webp video/mp4 video/quicktime audio/mpeg audio/wav application/pdf inode/directory; do
  grep -q "\(^\|;\)$t;" <<<"$mime" || missing_mime+=("$t")
done
check "desktop entry: MimeType lists photos, videos, audio, documents and folders ($(tr ';' '\n' <<<"$mime" | grep -c .) types)${missing_mime[*]:+ — missing: ${missing_mime[*]}}" \
  [ ${#missing_mime[@]} = 0 ]
icon=$(entry Icon)
check "desktop entry: Icon=$icon (a theme icon name)" grep -qE '^[A-Za-z0-9._-]+$' <<<"$icon"
if command -v desktop-file-validate >/dev/null; then
  check "desktop-file-validate $desktop" desktop-file-validate "$desktop"
else
  echo "    (desktop-file-validate not installed: that extra check is skipped)"
fi

missing_icons=()
for size in 32 64 128 256 512; do
  f=/usr/share/icons/hicolor/${size}x${size}/apps/$icon.png
  if [ ! -f "$f" ]; then missing_icons+=("$f (missing)")
  elif [ "$(identify -format '%wx%h' "$f")" != "${size}x${size}" ]; then missing_icons+=("$f ($(identify -format '%wx%h' "$f"))"); fi
done
[ -f "/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || missing_icons+=("/usr/share/icons/hicolor/scalable/apps/$icon.svg (missing)")
check "icon '$icon' installed in hicolor at 32, 64, 128, 256, 512 px (right sizes) and scalable${missing_icons[*]:+ — wrong: ${missing_icons[*]}}" \
  [ ${#missing_icons[@]} = 0 ]

echo "--- start the installed app"
mkdir -p "$TMP/home" "$TMP/xdg-config" "$TMP/xdg-data" "$TMP/xdg-cache"
# The Exec line as a launcher runs it (field codes such as %U dropped), with a private home.
read -r -a exec_argv <<<"$(sed 's/ %[a-zA-Z]//g' <<<"$exec_line")"
env WIXDROP_HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/xdg-config" XDG_DATA_HOME="$TMP/xdg-data" \
  XDG_CACHE_HOME="$TMP/xdg-cache" PATH=/usr/local/bin:/usr/bin:/bin \
  "${exec_argv[@]}" >"$ART/app.log" 2>&1 &
app_pid=$!
launched=$SECONDS
sleep 0.5
check "the running process is /usr/bin/wixdrop-desktop (pid $app_pid)" \
  [ "$(readlink "/proc/$app_pid/exe" 2>/dev/null)" = /usr/bin/wixdrop-desktop ]

wid=""
while [ $((SECONDS - launched)) -lt "$WINDOW_TIMEOUT" ] && kill -0 "$app_pid" 2>/dev/null; do
  for w in $(xdotool search --onlyvisible --name '^Wixdrop$' 2>/dev/null); do
    [ "$(xdotool getwindowpid "$w" 2>/dev/null)" = "$app_pid" ] && wid=$w && break
  done
  [ -n "$wid" ] && break
  sleep 0.2
done
if [ -z "$wid" ]; then
  kill -0 "$app_pid" 2>/dev/null && why="none within ${WINDOW_TIMEOUT}s" || why="the app exited"
  import -window root "$ART/no-window.png" 2>/dev/null
  echo "    last lines of $ART/app.log:"; tail -15 "$ART/app.log" | sed 's/^/      /'
  abort "a visible window titled 'Wixdrop' of pid $app_pid appears ($why)"
fi
ok "window $wid titled 'Wixdrop' belongs to the app ($((SECONDS - launched)) s after launch; $(xdotool getwindowgeometry "$wid" | awk '/Geometry/ {print $2}'))"
wm_class=$(entry StartupWMClass)
if [ -n "$wm_class" ]; then
  check "the window's WM_CLASS matches the desktop entry's StartupWMClass=$wm_class" \
    grep -qx "$wid" <(xdotool search --classname "^${wm_class}\$" 2>/dev/null)
fi

# Painted: the webview's first frames are one flat colour; the UI has text, icons and borders.
colours=0
while [ $((SECONDS - launched)) -lt "$WINDOW_TIMEOUT" ] && kill -0 "$app_pid" 2>/dev/null; do
  import -window "$wid" "$TMP/window.png" 2>/dev/null &&
    colours=$(identify -format '%k' "$TMP/window.png" 2>/dev/null || echo 0)
  [ "${colours:-0}" -ge 64 ] && break
  sleep 0.3
done
check "the window shows painted content ($colours distinct colours; a blank webview has 1)" [ "${colours:-0}" -ge 64 ]
sleep 2   # let the first screen settle (keychain probe, welcome dialog)
import -window root "$ART/installed-app.png" 2>/dev/null
check "screenshot saved: $ART/installed-app.png" [ -s "$ART/installed-app.png" ]
check "the app is still running 2 s after painting" kill -0 "$app_pid"
stop_app
check "WIXDROP_HOME was used (the app wrote under $TMP/home, not the real data dirs)" \
  [ -n "$(find "$TMP/home" -mindepth 1 -print -quit)" ]

echo "--- remove (dpkg -r)"
if as_root dpkg -r "$PKG" >"$ART/dpkg-remove.log" 2>&1; then ok "dpkg -r $PKG"; else cat "$ART/dpkg-remove.log"; bad "dpkg -r $PKG"; fi
check "dpkg no longer lists $PKG as installed" bash -c "! dpkg-query -W -f='\${Status}' $PKG 2>/dev/null | grep -q 'ok installed'"
left=()
while read -r f; do
  [ -f "$f" ] || [ -L "$f" ] && left+=("$f")
done <"$ART/installed-files.txt"
check "every file the package installed is gone${left[*]:+ — left: ${left[*]}}" [ ${#left[@]} = 0 ]
installed_by_us=0
