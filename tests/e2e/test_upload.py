"""Uploads in the real window, against the emulator: a drop → progress → done with the URL →
History; a failure with its diagnosis and a retry; and a REAL X11 drag and drop from another
window (a tiny GTK drag source moved with xdotool)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO, screen_capture

PNG_MAGIC = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def media_file(path: Path, size: int) -> Path:
    """A file whose content says PNG (Wixdrop sniffs content before trusting the extension)."""
    path.write_bytes(PNG_MAGIC + os.urandom(max(0, size - len(PNG_MAGIC))))
    return path


def add_profile_with_cli(home: Path, env: dict, key: str, name: str = "Studio") -> dict:
    cli = os.environ.get("WIXDROP_CLI_BIN", str(REPO / "target/debug/wixdrop"))
    if not Path(cli).exists():
        pytest.fail(f"CLI binary {cli} not found: cargo build -p wixdrop-cli")
    full = {**os.environ, **env, "WIXDROP_HOME": str(home)}
    out = subprocess.run([cli, "--json", "key", "add", name], input=key, capture_output=True, text=True, env=full, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["profile"]


def drop(s, paths: list[Path]) -> None:
    """Simulated drop: the e2e-only command emits the same `tauri://drag-drop` the OS drop does,
    once the window listens for drops (an event emitted before that is lost, as a real one is)."""
    s.wait('html[data-drops="ready"]', timeout=20)
    err = s.js(
        """return window.__TAURI_INTERNALS__.invoke('e2e_drop', {paths: arguments[0]}).then(() => null, (e) => JSON.stringify(e));""",
        [str(p) for p in paths],
    )
    # scripts/test.sh always builds the app with `--features e2e`; without it this fails loudly.
    assert not err, f"e2e_drop failed (is the app built with --features wixdrop-desktop/e2e?): {err}"


def shot(s, path: Path) -> None:
    """Screenshot after the window has painted the latest state."""
    time.sleep(0.6)
    s.screenshot(path)


def open_upload(s) -> None:
    s.js("location.hash = '#/upload'")
    s.wait('[data-testid="destination"]', timeout=20)
    s.wait('[data-testid="dest-site"]')


def stages(s) -> list[str]:
    return s.js("return [...document.querySelectorAll('[data-testid=job]')].map(e => e.dataset.stage)")


def wait_stages(s, want: set[str], n: int, timeout: float = 60) -> list[str]:
    deadline = time.time() + timeout
    got: list[str] = []
    while time.time() < deadline:
        got = stages(s)
        if len(got) == n and all(g in want for g in got):
            return got
        time.sleep(0.2)
    raise AssertionError(f"jobs ended {got}, wanted {n} in {want}")


@pytest.fixture
def with_profile(home, emulator, app_env):
    return add_profile_with_cli(home, app_env, emulator.api_key)


def test_drop_progress_done_url_and_history(launch, home, emulator, app_env, with_profile, artifacts, tmp_path):
    # Resumable (tus) above 1 MB in 256 KiB chunks, so progress is confirmed piece by piece.
    (home / "config" / "settings.json").write_text(json.dumps({"welcome_seen": True, "simple_upload_max_bytes": 1_000_000, "chunk_size_bytes": 262_144}))
    files = [media_file(tmp_path / "big-photo.png", 3_000_000), media_file(tmp_path / "logo.png", 40_000), media_file(tmp_path / "poster.png", 120_000)]
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    open_upload(s)
    site_name = s.js("const e = document.querySelector('[data-testid=dest-site]'); return e.options[e.selectedIndex].text")

    # Slow the upload server down so the queue can be seen moving.
    emulator.control("POST", "faults", {"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "bandwidth", "bytes_per_sec": 400_000}, "times": None})
    drop(s, files)
    s.wait('[data-testid="job"][data-stage="uploading"]', timeout=20)
    s.wait('[data-testid="queue-overview"][data-busy="true"]')
    detail = s.wait_text('[data-testid="job"][data-stage="uploading"] [data-testid="job-detail"]', "/s", timeout=15)
    assert " of " in detail, detail
    shot(s, artifacts / "upload-01-mid-upload.png")

    # Pause holds the queue; resume goes on.
    s.click('[data-testid="pause-all"]')
    s.wait('[data-testid="queue-overview"][data-paused="true"]')
    assert "Paused" in s.text(s.wait('[data-testid="queue-headline"]'))
    shot(s, artifacts / "upload-02-paused.png")
    s.click('[data-testid="resume-all"]')
    s.wait('[data-testid="queue-overview"][data-paused="false"]')

    wait_stages(s, {"done"}, 3, timeout=60)
    s.wait('[data-testid="queue-overview"][data-busy="false"]')
    urls = s.js("return [...document.querySelectorAll('[data-testid=job-url]')].map(e => e.textContent)")
    assert len(urls) == 3 and all(u.startswith("http") for u in urls), urls
    assert "3 files uploaded" in s.text(s.wait('[data-testid="queue-headline"]'))
    site_id = s.js("return document.querySelector('[data-testid=dest-site]').value")
    stored = emulator.control("GET", f"sites/{site_id}/files")
    assert len(stored.get("files", stored)) >= 3
    shot(s, artifacts / "upload-03-done.png")

    # Copy URL puts the URL on the system clipboard.
    s.click('[data-testid="copy-url"]')
    s.wait('[data-testid="copy-url"][data-copied="true"]', timeout=5)
    if shutil.which("xclip"):
        clip = subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True, timeout=5).stdout
        assert clip in urls, clip

    # The smallest window still shows everything without overlap.
    s.set_window_rect(800, 600, 0, 0)
    time.sleep(0.5)
    shot(s, artifacts / "upload-04-done-800x600.png")
    s.set_window_rect(1280, 800, 0, 0)

    # History lists them with the site, searchable and filterable.
    s.js("location.hash = '#/history'")
    s.wait('[data-testid="history-row"]')
    shot(s, artifacts / "history-01.png")
    rows = s.js("return [...document.querySelectorAll('[data-testid=history-row]')].map(e => e.textContent)")
    assert len(rows) == 3 and all(site_name.replace(" (default)", "") in r for r in rows), rows
    assert sorted(s.js("return [...document.querySelectorAll('[data-testid=history-row]')].map(e => e.dataset.file)")) == ["big-photo.png", "logo.png", "poster.png"]
    s.type('[data-testid="history-search"]', "logo")
    deadline = time.time() + 5
    while len(s.find_all('[data-testid="history-row"]')) != 1 and time.time() < deadline:
        time.sleep(0.1)
    assert s.js("return [...document.querySelectorAll('[data-testid=history-row]')].map(e => e.dataset.file)") == ["logo.png"]
    s.type('[data-testid="history-search"]', "no-such-file")
    s.wait('[data-testid="history-none"]')
    s.type('[data-testid="history-search"]', ".png")
    s.wait('[data-testid="history-row"]')
    s.set_window_rect(800, 600, 0, 0)
    time.sleep(0.5)
    shot(s, artifacts / "history-02-800x600.png")


def test_failure_shows_diagnosis_wix_words_and_retry(launch, emulator, app_env, with_profile, artifacts, tmp_path):
    f = media_file(tmp_path / "refused.png", 50_000)
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    open_upload(s)
    emulator.control("POST", "faults", {"path_prefix": "/site-media/v1/files/generate-upload-url", "fault": {"type": "status", "status": 403}, "times": 1})
    drop(s, [f])
    wait_stages(s, {"failed"}, 1, timeout=30)
    err = s.text(s.wait('[data-testid="job-error"]'))
    assert "refused" in err.lower() or "permission" in err.lower(), err
    href = s.js("return document.querySelector('[data-testid=guide-link]').getAttribute('href')")
    assert href.startswith("#/guide/trouble-403"), href
    shot(s, artifacts / "upload-05-failed.png")

    s.click('[data-testid="retry"]')
    wait_stages(s, {"done"}, 1, timeout=30)
    s.wait('[data-testid="copy-id"]')


def test_real_x11_drop_from_another_window(launch, emulator, app_env, with_profile, artifacts, tmp_path):
    gtk_python = "/usr/bin/python3"
    if subprocess.run([gtk_python, "-c", "import gi; gi.require_version('Gtk', '3.0')"], capture_output=True).returncode != 0:
        pytest.skip("python3-gi with Gtk 3 is needed for the real drop (scripts/setup.sh installs it)")
    files = [media_file(tmp_path / "dragged-1.png", 60_000), media_file(tmp_path / "dragged-2.png", 80_000)]
    s = launch(**app_env)
    # The app on the right, the drag source on the left, both fully visible (there is no WM).
    s.set_window_rect(960, 700, 300, 50)
    open_upload(s)

    src = subprocess.Popen([gtk_python, str(Path(__file__).with_name("dragsource.py")), "20", "300", *map(str, files)], stdout=subprocess.PIPE, text=True)
    try:
        assert src.stdout.readline().strip() == "ready"
        wid = subprocess.run(["xdotool", "search", "--sync", "--name", "Wixdrop test drag source"], capture_output=True, text=True, timeout=10).stdout.split()[0]
        geo = dict(line.split("=") for line in subprocess.run(["xdotool", "getwindowgeometry", "--shell", wid], capture_output=True, text=True).stdout.split())
        sx, sy = int(geo["X"]) + int(geo["WIDTH"]) // 2, int(geo["Y"]) + int(geo["HEIGHT"]) // 2
        xdo = lambda *a: subprocess.run(["xdotool", *map(str, a)], check=True, timeout=10)  # noqa: E731
        xdo("mousemove", sx, sy)
        time.sleep(0.2)
        xdo("mousedown", 1)
        for i in range(1, 21):  # a human-like path onto the app window
            xdo("mousemove", sx + (780 - sx) * i // 20, sy + (400 - sy) * i // 20)
            time.sleep(0.05)
        s.wait('[data-testid="drop-overlay"]', timeout=10)
        assert "Drop to upload to" in s.text(s.wait('[data-testid="drop-overlay"]'))
        screen_capture(artifacts / "upload-06-x11-drag-overlay.png")
        s.screenshot(artifacts / "upload-06-x11-drag-overlay-webview.png")
        xdo("mouseup", 1)
        s.wait_gone('[data-testid="drop-overlay"]', timeout=10)
        names = sorted(s.js("return [...document.querySelectorAll('[data-testid=job]')].map(e => e.dataset.file)") or [])
        deadline = time.time() + 10
        while len(names) < 2 and time.time() < deadline:
            time.sleep(0.2)
            names = sorted(s.js("return [...document.querySelectorAll('[data-testid=job]')].map(e => e.dataset.file)") or [])
        assert names == ["dragged-1.png", "dragged-2.png"], names
        wait_stages(s, {"done"}, 2, timeout=40)
        shot(s, artifacts / "upload-07-x11-drop-done.png")
    finally:
        src.terminate()
        src.wait(5)


def test_no_key_shows_a_call_to_action(launch, app_env, artifacts):
    s = launch(**app_env)
    s.js("location.hash = '#/upload'")
    cta = s.wait('[data-testid="add-key-cta"]')
    assert "Add an API key" in s.text(cta)
    assert s.js("return document.querySelector('[data-testid=add-key-cta]').getAttribute('href')") == "#/keys"
    assert s.js("return document.querySelector('[data-testid=choose-files]').disabled") is True
    shot(s, artifacts / "upload-00-no-key.png")


def test_a_drop_on_another_screen_brings_the_upload_screen_and_is_queued(launch, emulator, app_env, with_profile, artifacts, tmp_path):
    f = media_file(tmp_path / "from-history.png", 30_000)
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    # Start on History: the Upload screen has not been shown in this window yet.
    s.js("location.hash = '#/history'")
    s.wait_text("main h1", "History")
    drop(s, [f])
    s.wait_text("main h1", "Upload")
    wait_stages(s, {"done"}, 1, timeout=30)
    assert s.js("return [...document.querySelectorAll('[data-testid=job]')].map(e => e.dataset.file)") == ["from-history.png"]
