"""Demo mode in the real window: the welcome's "Try the demo" → the banner on every screen →
paste the demo key → badge → verified with the demo sites → drop a file → done → History →
"Leave demo" → nothing of the demo left (profile, history, keychain entries, temp dir). Closing
the window in demo mode removes the demo on the way out; after a crash in demo mode, the next
start is a normal one and removes what the demo left."""
from __future__ import annotations

import ctypes
import json
import os
import signal
import shutil
import subprocess
import time
import uuid
from pathlib import Path

from webdriver import KEY
from conftest import screen_capture
from test_upload import drop, media_file, open_upload, shot, wait_stages

BANNER = '[data-testid="demo-banner"]'
NAV = [("upload", "Upload"), ("keys", "Keys"), ("history", "History"), ("guide", "Guide"), ("settings", "Settings")]


def app_info(s) -> dict:
    return s.js("return window.__TAURI_INTERNALS__.invoke('app_info')")


def keychain(service: str) -> str:
    """What `secret-tool` finds under a keychain service (attributes and secrets)."""
    out = subprocess.run(["secret-tool", "search", "--all", "service", service], capture_output=True, text=True, timeout=20)
    return out.stdout + out.stderr


def window_id(title: str) -> int:
    wids = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"], capture_output=True, text=True, timeout=10).stdout.split()
    assert len(wids) == 1, wids
    return int(wids[0])


def app_pid(title: str) -> int:
    """The process that owns the app window (_NET_WM_PID)."""
    out = subprocess.run(["xdotool", "getwindowpid", str(window_id(title))], capture_output=True, text=True, timeout=10)
    return int(out.stdout.strip())


def close_window(title: str) -> None:
    """Ask the visible X11 window titled `title` to close, as a window manager's close button
    does (a WM_DELETE_WINDOW client message; there is no window manager under Xvfb)."""
    wid = window_id(title)

    class ClientMessage(ctypes.Structure):
        _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int), ("display", ctypes.c_void_p),
                    ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong), ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]

    class XEvent(ctypes.Union):
        _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

    x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(XEvent)]
    x11.XFlush.argtypes = x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(None)
    assert display, "cannot open the X display"
    ev = XEvent()
    ev.xclient.type = 33  # ClientMessage
    ev.xclient.window = wid
    ev.xclient.message_type = x11.XInternAtom(display, b"WM_PROTOCOLS", 0)
    ev.xclient.format = 32
    ev.xclient.l[0] = x11.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    x11.XSendEvent(display, wid, 0, 0, ctypes.byref(ev))
    x11.XFlush(display)
    x11.XCloseDisplay(display)


def demo_dirs(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("wixdrop-demo-*"))


def demo_env(tmp_path: Path) -> tuple[dict, Path]:
    """Own keychain service (the demo's is derived from it) and own temp dir (the demo's folder
    goes there), so the test can look at both."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    return {"WIXDROP_KEYCHAIN_SERVICE": f"Wixdrop e2e {uuid.uuid4()}", "TMPDIR": str(tmp)}, tmp


def test_demo_from_welcome_to_leave(launch, home, artifacts, tmp_path):
    env, tmp = demo_env(tmp_path)
    s = launch(**env)
    s.set_window_rect(1280, 800, 0, 0)

    # First run: the welcome offers the demo.
    s.wait('[data-testid="welcome"]')
    assert "Nothing leaves this computer" in s.text(s.wait('[data-testid="welcome"]'))
    shot(s, artifacts / "demo-01-welcome.png")
    s.click('[data-testid="welcome-demo"]')

    # The demo runs: banner, Keys screen with the demo key on offer, no welcome.
    banner = s.text(s.wait(BANNER, timeout=30))
    assert "Demo — nothing leaves this computer" in banner and "Leave demo" in banner
    assert s.js("return location.hash") == "#/keys"
    assert not s.find_all('[data-testid="welcome"]')
    info = app_info(s)
    demo = info["demo"]
    assert demo and info["uses_real_wix"] is False and info["api_base"].startswith("http://127.0.0.1:")
    key, service, demo_dir = demo["api_key"], demo["keychain_service"], Path(demo["dir"])
    assert key.startswith("IST.") and key.count(".") == 3, key
    assert service == env["WIXDROP_KEYCHAIN_SERVICE"] + " (demo)"
    assert demo_dir.parent == tmp and demo_dir.is_dir()
    assert Path(info["config_dir"]).is_relative_to(demo_dir) and Path(info["data_dir"]).is_relative_to(demo_dir)
    s.wait('[data-testid="demo-key-card"]')
    assert s.js("return document.querySelector('[data-testid=demo-key-text]').textContent") == key
    shot(s, artifacts / "demo-02-keys.png")
    screen_capture(artifacts / "demo-02-keys-x11.png")

    # Copy the demo key, then paste it as a user would: the badge reads a real-shape API key.
    # Its tooltip is a short sentence, not the 700-character key; "Copied" does not resize it.
    tip = s.js("return document.querySelector('[data-testid=demo-key-copy]').title")
    assert 0 < len(tip) < 80 and key not in tip, tip
    width = lambda: s.js("return document.querySelector('[data-testid=demo-key-copy]').getBoundingClientRect().width")
    before = width()
    s.click('[data-testid="demo-key-copy"]')
    s.wait('[data-testid="demo-key-copy"][data-copied="true"]', timeout=5)
    assert abs(width() - before) < 0.5, (before, width())
    if shutil.which("xclip"):
        clip = subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True, timeout=5).stdout
        assert clip == key
    s.type('[data-testid="paste-key"]', key)
    badge = s.text(s.wait('[data-testid="key-badge"][data-kind="wix_api_key"][data-usable="true"]'))
    assert "API key" in badge, badge
    s.wait_text('[data-testid="key-badge-account"]', demo["account_id"])
    s.type('[data-testid="profile-name"]', "Demo account")
    shot(s, artifacts / "demo-03-badge.png")

    # Save → verified against the demo's pretend Wix, with the demo sites.
    s.click('[data-testid="save-key"]')
    s.wait('[data-testid="verification"][data-status="works"]', timeout=30)
    rows = [s.text(r) for r in s.find_all('[data-testid="add-key"] [data-testid="site-row"]')]
    assert len(rows) == len(demo["site_names"]) == 3, rows
    for name in demo["site_names"]:
        assert any(name in r for r in rows), (name, rows)
    # Demo sites' addresses would read 127.0.0.1:…/__emulator/live/…: they say what they are.
    assert not any("127.0.0.1" in r or "__emulator" in r for r in rows), rows
    labels = s.js("return [...document.querySelectorAll('[data-testid=add-key] [data-testid=site-url]')].map(e => e.textContent)")
    assert labels and all("Demo site" in u for u in labels), labels
    shot(s, artifacts / "demo-04-verified.png")
    s.click('[data-testid="add-done"]')
    assert "Works" in s.text(s.wait('[data-profile="Demo account"]'))
    # The key went to the demo's keychain service, not the real one.
    assert key in keychain(service)
    assert key not in keychain(env["WIXDROP_KEYCHAIN_SERVICE"])

    # Drop a file → progress → done, on a demo site.
    f = media_file(tmp_path / "demo-photo.png", 300_000)
    open_upload(s)
    site_name = s.js("const e = document.querySelector('[data-testid=dest-site]'); return e.options[e.selectedIndex].text")
    assert any(n in site_name for n in demo["site_names"]), site_name
    drop(s, [f])
    wait_stages(s, {"done"}, 1, timeout=60)
    assert s.js("return document.querySelector('[data-testid=job-url]').textContent").startswith("http")
    # Demo files never reach Wix: no "Open" that would send their URL to Wix's CDN; the URL is
    # labelled as a demo one, and clicking it shows no error.
    assert not s.find_all('[data-testid="open-url"]')
    s.wait('[data-testid="demo-url"]')
    s.js("document.querySelector('[data-testid=job-url]').click()")
    assert not s.find_all('main [role="alert"]'), s.js("return [...document.querySelectorAll('main [role=alert]')].map(e => e.textContent)")
    # The same file again is "Already uploaded", with its URL to copy.
    drop(s, [f])
    s.wait('[data-testid="job"][data-stage="skipped_duplicate"] [data-testid="copy-url"]', timeout=30)
    line = s.text(s.wait('[data-testid="queue-line"]'))
    assert "300 kB of 300 kB sent" in line and "1 already there" in line, line
    shot(s, artifacts / "demo-05-upload-done.png")

    # A real picture shows its thumbnail in the Library, served by the demo server itself (the
    # file's URL stays the one Wix would give it).
    photo = tmp_path / "demo-sunset.png"
    subprocess.run(["convert", "-size", "480x320", "gradient:#f5b041-#c0392b", str(photo)], check=True)
    drop(s, [photo])
    wait_stages(s, {"done", "skipped_duplicate"}, 3, timeout=60)
    s.click('[data-testid="nav-library"]')
    tile = '[data-testid="lib-file"][data-name="demo-sunset.png"] img[data-testid="thumb"]'
    s.wait(tile, timeout=30)
    deadline = time.time() + 20
    while not s.js("const i = document.querySelector(arguments[0]); return !!i && i.complete && i.naturalWidth === 300 && i.naturalHeight === 300", tile):
        assert time.time() < deadline, "the demo's thumbnail never painted"
        time.sleep(0.1)
    shot(s, artifacts / "demo-05b-library.png")

    # History shows it.
    s.js("location.hash = '#/history'")
    s.wait('[data-testid="history-row"][data-file="demo-photo.png"]')
    assert not s.find_all('[data-testid="history-open"]')
    shot(s, artifacts / "demo-06-history.png")

    # The banner is on every screen.
    for screen, heading in NAV:
        s.click(f'[data-testid="nav-{screen}"]')
        s.wait_text("main h1", heading)
        assert s.find_all(BANNER), screen
    s.click('[data-testid="nav-guide"]')
    s.wait_text("main h1", "Guide")
    shot(s, artifacts / "demo-07-guide.png")
    s.click('[data-testid="nav-settings"]')
    s.wait('[data-testid="settings-leave-demo"]')
    shot(s, artifacts / "demo-08-settings.png")
    s.set_window_rect(800, 600, 0, 0)
    s.click('[data-testid="nav-upload"]')
    s.wait('[data-testid="job"]')
    shot(s, artifacts / "demo-09-upload-800x600.png")
    s.set_window_rect(1280, 800, 0, 0)

    # Leave: back to the real configuration, with nothing of the demo left.
    s.click('[data-testid="nav-history"]')
    s.wait('[data-testid="history-row"]')
    # Leave demo asks first; Escape (or Stay) keeps everything, and focus goes back to the button.
    s.click('[data-testid="leave-demo"]')
    s.wait('[data-testid="leave-demo-dialog"][open]')
    assert s.active()["testid"] == "stay-in-demo"
    shot(s, artifacts / "demo-09b-leave-asks.png")
    s.press(KEY["Escape"])
    s.wait_gone('[data-testid="leave-demo-dialog"][open]')
    assert s.find_all(BANNER) and s.find_all('[data-testid="history-row"]')
    s.click('[data-testid="leave-demo"]')
    s.click('[data-testid="confirm-leave-demo"]')
    s.wait_gone(BANNER, timeout=30)
    # …and says what happened.
    assert "You left the demo" in s.text(s.wait('[data-testid="app-notice"]'))
    s.wait_text("main h1", "History")
    s.wait_text("main", "Nothing uploaded yet")
    assert not s.find_all('[data-testid="history-row"]')
    info = app_info(s)
    assert info["demo"] is None and info["uses_real_wix"] is True
    assert Path(info["config_dir"]) == home / "config"
    assert not s.find_all('[data-testid="welcome"]'), "the welcome was answered before the demo"
    shot(s, artifacts / "demo-10-left-history.png")
    s.click('[data-testid="nav-keys"]')
    s.wait('[data-testid="add-key"]')
    assert not s.find_all('[data-profile]'), "a demo profile survived"
    assert not s.find_all('[data-testid="demo-key-card"]')
    shot(s, artifacts / "demo-11-left-keys.png")

    deadline = time.time() + 10
    while (demo_dir.exists() or key in keychain(service)) and time.time() < deadline:
        time.sleep(0.2)
    assert not demo_dir.exists(), f"demo dir {demo_dir} is still there"
    assert demo_dirs(tmp) == []
    assert "secret = " not in keychain(service), keychain(service)
    assert not (home / "data" / "demo-in-progress.json").exists()
    profiles = home / "config" / "profiles.json"
    assert not profiles.exists() or json.loads(profiles.read_text()).get("profiles") == []
    # The real settings kept what the user chose at the welcome, nothing else of the demo.
    assert json.loads((home / "config" / "settings.json").read_text())["welcome_seen"] is True
    assert key not in "\n".join(p.read_text(errors="replace") for p in home.rglob("*") if p.is_file())


def test_after_a_crash_in_demo_mode_the_next_start_is_normal_and_cleans_up(launch, home, artifacts, tmp_path):
    env, tmp = demo_env(tmp_path)
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text('{"welcome_seen": true}')
    s = launch(**env)
    # From Settings this time; the demo key handed straight to the form.
    s.click('[data-testid="nav-settings"]')
    s.click('[data-testid="settings-demo"]')
    s.wait(BANNER, timeout=30)
    demo = app_info(s)["demo"]
    s.click('[data-testid="demo-key-use"]')
    s.wait('[data-testid="key-badge"][data-kind="wix_api_key"][data-usable="true"]')
    s.click('[data-testid="save-key"]')
    s.wait('[data-testid="verification"][data-status="works"]', timeout=30)
    assert demo["api_key"] in keychain(demo["keychain_service"])
    assert Path(demo["dir"]).is_dir()
    # The app dies in demo mode (killed: no exit event, nothing cleaned up).
    os.kill(app_pid("Wixdrop"), signal.SIGKILL)
    s.close()

    assert Path(demo["dir"]).is_dir() and (home / "data" / "demo-in-progress.json").exists()
    s = launch(**env)
    s.wait('[data-testid="app-shell"]')
    assert not s.find_all(BANNER)
    info = app_info(s)
    assert info["demo"] is None
    assert not [w for w in s.js("return [...document.querySelectorAll('main [role=status]')].map(e => e.textContent)") if "demo" in w.lower()]
    assert not Path(demo["dir"]).exists() and demo_dirs(tmp) == []
    assert demo["api_key"] not in keychain(demo["keychain_service"])
    assert not (home / "data" / "demo-in-progress.json").exists()
    s.click('[data-testid="nav-keys"]')
    s.wait('[data-testid="add-key"]')
    assert not s.find_all('[data-profile]')
    shot(s, artifacts / "demo-12-next-start.png")


def test_closing_the_window_in_demo_mode_removes_the_demo_on_the_way_out(launch, home, tmp_path):
    env, tmp = demo_env(tmp_path)
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text('{"welcome_seen": true}')
    s = launch(**env)
    s.click('[data-testid="nav-settings"]')
    s.click('[data-testid="settings-demo"]')
    s.wait(BANNER, timeout=30)
    demo = app_info(s)["demo"]
    s.click('[data-testid="demo-key-use"]')
    s.wait('[data-testid="key-badge"][data-usable="true"]')
    s.click('[data-testid="save-key"]')
    s.wait('[data-testid="verification"][data-status="works"]', timeout=30)
    assert demo["api_key"] in keychain(demo["keychain_service"])

    # The user closes the window: what a window manager's close button sends.
    close_window("Wixdrop")
    deadline = time.time() + 20
    while (Path(demo["dir"]).exists() or (home / "data" / "demo-in-progress.json").exists()) and time.time() < deadline:
        time.sleep(0.2)
    assert not Path(demo["dir"]).exists() and demo_dirs(tmp) == []
    assert not (home / "data" / "demo-in-progress.json").exists()
    assert demo["api_key"] not in keychain(demo["keychain_service"])
