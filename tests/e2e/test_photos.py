"""Photos in the real window (issue 13): the pre-flight panel for a drop with an oversize
photo and photos that carry a location; "Make web-ready and upload"; the queue's thumbnails
and "Location removed" markers; History's thumbnails and its export through the real GTK save
dialog; "Copy all URLs". Screenshots at 1280×800, 800×600 and in the dark theme."""
from __future__ import annotations

import csv
import json
import os
import shutil
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest

from test_upload import add_profile_with_cli, drop, open_upload, shot, wait_stages


def noise_png(path: Path, w: int, h: int) -> Path:
    """An RGB PNG of random pixels: it does not compress, so it is over Wix's 25 MB."""
    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + os.urandom(w * 3) for _ in range(h))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))
    return path


def located_jpeg(path: Path, w: int, h: int) -> Path:
    subprocess.run(["convert", "-size", f"{w}x{h}", "gradient:#3a7bd5-#f5b041", "-quality", "90", str(path)], check=True)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-GPSLatitude=48.8584", "-GPSLatitudeRef=N",
                    "-GPSLongitude=2.2945", "-GPSLongitudeRef=E", str(path)], check=True)
    return path


def gps_left(path: str) -> list[str]:
    out = subprocess.run(["exiftool", "-j", "-gps:all", path], capture_output=True, text=True).stdout
    return [k for e in json.loads(out or "[]") for k in e if k.startswith("GPS")]


@pytest.fixture
def photos(tmp_path):
    if not (shutil.which("exiftool") and shutil.which("convert")):
        pytest.fail("exiftool and ImageMagick are needed: scripts/setup.sh --test")
    d = tmp_path / "photos"
    d.mkdir()
    return [
        noise_png(d / "noise-poster.png", 3000, 3000),
        located_jpeg(d / "beach.jpg", 1600, 1200),
        located_jpeg(d / "garden.jpg", 1200, 1600),
    ]


def save_dialog(path: Path, timeout: float = 20) -> None:
    """Answer the real GTK save dialog: type the path into its name field and press Enter."""
    deadline = time.time() + timeout
    wid = ""
    while time.time() < deadline and not wid:
        wid = subprocess.run(["xdotool", "search", "--name", "Export History"], capture_output=True, text=True).stdout.split()
        wid = wid[-1] if wid else ""
        time.sleep(0.2)
    assert wid, "the save dialog did not open"
    time.sleep(0.8)
    subprocess.run(["xdotool", "windowfocus", "--sync", wid], check=False)
    subprocess.run(["xdotool", "key", "--window", wid, "ctrl+a"], check=True)
    subprocess.run(["xdotool", "type", "--window", wid, "--delay", "5", str(path)], check=True)
    subprocess.run(["xdotool", "key", "--window", wid, "Return"], check=True)


def test_preflight_webready_thumbnails_and_export(launch, home, emulator, app_env, photos, artifacts, tmp_path):
    add_profile_with_cli(home, app_env, emulator.api_key)
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    open_upload(s)

    drop(s, photos)
    s.wait('[data-testid="preflight"][open]', timeout=30)
    text = s.text(s.wait('[data-testid="preflight-messages"]'))
    assert "over Wix's limit" in text and "web-ready" in text, text
    assert "2 photos carry a location: it will be removed." in text, text
    assert len(s.find_all('[data-testid="preflight-file"] [data-testid="has-location"]')) == 2
    assert len(s.find_all('[data-testid="preflight-file"] [data-testid="over-limit"]')) == 1
    assert not s.find_all('[data-testid="job"]'), "nothing is queued before the decision"
    shot(s, artifacts / "photos-01-preflight.png")
    s.set_window_rect(800, 600, 0, 0)
    shot(s, artifacts / "photos-02-preflight-800x600.png")
    s.set_window_rect(1280, 800, 0, 0)

    s.click('[data-testid="preflight-webready"]')
    s.wait_gone('[data-testid="preflight"][open]')
    wait_stages(s, {"done"}, 3, timeout=120)
    s.wait('[data-testid="job-thumb"]', timeout=20)
    deadline = time.time() + 20
    while len(s.find_all('[data-testid="job-thumb"]')) < 3 and time.time() < deadline:
        time.sleep(0.2)
    assert len(s.find_all('[data-testid="job-thumb"]')) == 3
    markers = s.js("return [...document.querySelectorAll('[data-testid=job-location]')].map(e => e.textContent.trim())")
    assert markers == ["Location removed", "Location removed"], markers
    detail = s.js("return [...document.querySelectorAll('[data-testid=job][data-file=\"noise-poster.png\"] [data-testid=job-detail]')].map(e => e.textContent)")
    assert "saved" in detail[0], detail
    # Made web-ready under the limit: no over-limit warning is left on it.
    assert not s.find_all('[data-testid="job"][data-file="noise-poster.png"] [data-testid="job-warning"]')
    shot(s, artifacts / "photos-03-done-thumbnails.png")

    # What Wix got: no location, the poster at 2,560 px.
    site_id = s.js("return document.querySelector('[data-testid=dest-site]').value")
    stored = emulator.control("GET", f"sites/{site_id}/files")["files"]
    assert len(stored) == 3
    for f in stored:
        assert not gps_left(f["path"]), f["displayName"]
    poster = next(f for f in stored if f["displayName"] == "noise-poster.png")
    assert poster["size"] < photos[0].stat().st_size

    # Copy all URLs of the finished drop.
    s.click('[data-testid="group-copy-urls"]:not([disabled])')
    s.wait_text('[data-testid="group-copied"]', "3 URLs copied")

    # History: thumbnails, and the export through the real save dialog.
    s.js("location.hash = '#/history'")
    s.wait('[data-testid="history-row"]')
    s.wait('[data-testid="history-thumb"]', timeout=20)
    shot(s, artifacts / "photos-04-history.png")
    out = tmp_path / "export.csv"
    s.click('[data-testid="export-csv"]')
    save_dialog(out)
    s.wait_text('[data-testid="export-status"]', "3 uploads saved", timeout=20)
    # The file by its name (the path on hover) and a way to it, not a long path in the toolbar.
    assert s.js("return document.querySelector('[data-testid=export-status]').textContent") == "3 uploads saved to export.csv"
    assert s.js("return document.querySelector('[data-testid=export-status]').title") == str(out)
    # Show in folder: a file manager opens, or (none here under Xvfb) the path is said plainly;
    # the saved message stays either way.
    s.click('[data-testid="export-show"]')
    try:
        s.wait('[data-testid="export-show-failed"]', timeout=5)
    except TimeoutError:
        pass  # a file manager answered
    failed = s.js("return document.querySelector('[data-testid=export-show-failed]')?.textContent ?? null")
    assert failed is None or failed == f"No file manager answered. The file is at {out}", failed
    assert s.js("return document.querySelector('[data-testid=export-status]').textContent") == "3 uploads saved to export.csv"
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 3
    assert {r["display_name"] for r in rows} == {"noise-poster.png", "beach.jpg", "garden.jpg"}
    for r in rows:
        assert r["static_url"].startswith("http") and r["wix_uri"].startswith("wix:image://v1/")
        assert r["location"] in ("removed", "none")
    # Names beside the IDs: the site by its name, the folder as a path (Site Files is "/").
    names = {x["id"]: x["displayName"] for x in emulator.sites}
    assert {(r["site_id"], r["site_name"], r["folder_path"]) for r in rows} == {(site_id, names[site_id], "/")}, rows
    p = next(r for r in rows if r["display_name"] == "noise-poster.png")
    assert (p["width"], p["height"]) == ("2560", "2560") and int(p["bytes_sent"]) < int(p["original_bytes"])


def test_preflight_in_the_dark_theme(launch, home, emulator, app_env, photos, artifacts):
    add_profile_with_cli(home, app_env, emulator.api_key)
    s = launch(GTK_THEME="Adwaita:dark", **app_env)
    s.set_window_rect(1280, 800, 0, 0)
    open_upload(s)
    drop(s, photos[1:])
    s.wait('[data-testid="preflight"][open]', timeout=30)
    shot(s, artifacts / "photos-05-preflight-dark.png")
    s.click('[data-testid="preflight-send"]')
    wait_stages(s, {"done"}, 2, timeout=60)
    shot(s, artifacts / "photos-06-done-dark.png")
