"""The whole way a new user goes, in the real window against the emulator: first run → guide →
paste the key → badge → save → verify → sites → drop → progress → done → copy URL → History;
and the two ways an upload gets interrupted: the server drops the connection in the middle of a
large file, and the app is killed in the middle of a batch. Screenshots: journey-*.png in the
e2e artifacts folder (printed at the end of every run by scripts/test.sh)."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

from test_upload import drop, media_file, open_upload, shot, wait_stages
from webdriver import W3C_ELEMENT


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def stored_files(emulator, site_id: str) -> list[dict]:
    got = emulator.control("GET", f"sites/{site_id}/files")
    return got.get("files", got) if isinstance(got, dict) else got


def test_first_run_guide_key_sites_drop_done_history(launch, emulator, artifacts, tmp_path):
    # A first run: no settings file, so the welcome shows.
    env = {"WIXDROP_API_BASE": emulator.base_url, "WIXDROP_KEYCHAIN_SERVICE": f"Wixdrop e2e {uuid.uuid4()}"}
    s = launch(**env)
    s.set_window_rect(1280, 800, 0, 0)
    s.wait('[data-testid="welcome"]', timeout=30)
    shot(s, artifacts / "journey-01-welcome.png")

    # "Show me how" opens the guide's first step; Next walks to the paste box.
    s.click('[data-testid="welcome-guide"]')
    s.wait('[data-testid="guide-step"]')
    shot(s, artifacts / "journey-02-guide-first-step.png")
    for _ in range(10):
        if s.find_all('[data-testid="guide-paste"]'):
            break
        s.click('[data-testid="guide-next"]')
        time.sleep(0.3)
    s.wait('[data-testid="guide-paste"]')

    # The key pasted as people do, with a line break in it: cleaned, recognised, account read.
    k = emulator.api_key
    s.type("#guide-paste-key", f"  {k[:40]}\n{k[40:]}  ")
    s.wait('[data-testid="key-badge"][data-kind="wix_api_key"][data-usable="true"]')
    assert emulator.account_id in s.text(s.wait('[data-testid="key-badge-account"]'))
    shot(s, artifacts / "journey-03-guide-paste-badge.png")
    save = s.wait('[data-testid="guide-save-key"]')
    s.js("arguments[0].scrollIntoView({block: 'center'})", {W3C_ELEMENT: save})  # as a user scrolls to it
    s.click_el(save)

    # The Keys screen's add form has it; save → verify → the account's sites.
    s.wait_text("main h1", "Keys")
    s.wait('[data-testid="key-badge"][data-kind="wix_api_key"][data-usable="true"]')
    assert s.js("return document.querySelector('[data-testid=account-id]').value") == emulator.account_id
    s.type('[data-testid="profile-name"]', "Studio")
    s.click('[data-testid="save-key"]')
    s.wait('[data-testid="verification"][data-status="works"]', timeout=30)
    rows = [s.text(r) for r in s.find_all('[data-testid="add-key"] [data-testid="site-row"]')]
    assert len(rows) == len(emulator.sites), rows
    shot(s, artifacts / "journey-04-verified-sites.png")
    s.click('[data-testid="add-done"]')
    s.wait('[data-profile="Studio"]')

    # Drop two files on the Upload screen: progress, then done with URLs.
    files = [media_file(tmp_path / "hero.png", 2_500_000), media_file(tmp_path / "thumb.png", 30_000)]
    open_upload(s)
    # Slow the upload host down (files up to 10 MB go in one PUT) so the progress can be seen.
    emulator.control("POST", "faults", {"method": "PUT", "path_prefix": "/upload/", "fault": {"type": "bandwidth", "bytes_per_sec": 600_000}, "times": None})
    drop(s, files)
    s.wait('[data-testid="job"][data-stage="uploading"]', timeout=20)
    shot(s, artifacts / "journey-05-uploading.png")
    wait_stages(s, {"done"}, 2, timeout=90)
    urls = s.js("return [...document.querySelectorAll('[data-testid=job-url]')].map(e => e.textContent)")
    assert len(urls) == 2 and all(u.startswith("http") for u in urls), urls
    s.click('[data-testid="copy-url"]')
    s.wait('[data-testid="copy-url"][data-copied="true"]', timeout=5)
    shot(s, artifacts / "journey-06-done.png")
    site_id = s.js("return document.querySelector('[data-testid=dest-site]').value")
    by_name = {f["displayName"]: f for f in stored_files(emulator, site_id)}
    for f in files:
        assert by_name[f.name]["sha256"] == sha256(f), f.name

    # History has both, with their URLs.
    s.js("location.hash = '#/history'")
    s.wait('[data-testid="history-row"]')
    assert sorted(s.js("return [...document.querySelectorAll('[data-testid=history-row]')].map(e => e.dataset.file)")) == ["hero.png", "thumb.png"]
    shot(s, artifacts / "journey-07-history.png")


def test_large_file_resumes_after_the_server_drops_the_connection(launch, home, emulator, app_env, artifacts, tmp_path):
    from test_upload import add_profile_with_cli

    add_profile_with_cli(home, app_env, emulator.api_key)
    (home / "config" / "settings.json").write_text(json.dumps({"welcome_seen": True, "simple_upload_max_bytes": 1_000_000, "chunk_size_bytes": 1_048_576}))
    big = media_file(tmp_path / "film-still.png", 6 * 1024 * 1024 + 12345)
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    open_upload(s)
    # The connection is reset 600 kB into a chunk request, once.
    emulator.control("POST", "faults", {"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "reset", "after_bytes": 600_000}, "times": 1})
    drop(s, [big])
    wait_stages(s, {"done"}, 1, timeout=90)
    shot(s, artifacts / "journey-08-large-file-resumed.png")
    log = emulator.control("GET", "log")["requests"]
    patches = [r for r in log if r["method"] == "PATCH"]
    assert any(r["status"] is None for r in patches), "the reset happened"
    assert any(r["method"] == "HEAD" for r in log), "asked the server for its offset before going on"
    sent = sum(r["body_bytes"] for r in patches)
    assert sent <= big.stat().st_size + 1_048_576, f"re-sent at most one chunk: {sent}"
    site_id = s.js("return document.querySelector('[data-testid=dest-site]').value")
    files = stored_files(emulator, site_id)
    assert [f["sha256"] for f in files] == [sha256(big)]


def app_pids(app_bin: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", f"^{app_bin}"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_app_killed_mid_batch_resumes_its_queue_on_restart(launch, app_bin, home, emulator, app_env, artifacts, tmp_path):
    from test_upload import add_profile_with_cli

    add_profile_with_cli(home, app_env, emulator.api_key)
    (home / "config" / "settings.json").write_text(json.dumps({"welcome_seen": True, "simple_upload_max_bytes": 1_000_000, "chunk_size_bytes": 262_144, "concurrency": 1}))
    files = [media_file(tmp_path / f"batch-{i}.png", size) for i, size in enumerate([3_000_000, 200_000, 2_000_000, 90_000])]
    emulator.control("POST", "faults", {"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "bandwidth", "bytes_per_sec": 500_000}, "times": None})
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    open_upload(s)
    drop(s, files)
    # Mid-way through the first (resumable) file, with the rest still queued: kill -9.
    deadline = time.time() + 30
    while time.time() < deadline:
        done = s.js("return [...document.querySelectorAll('[data-testid=job]')].filter(e => e.dataset.stage === 'uploading').length")
        if done and "of" in (s.js("return document.querySelector('[data-testid=job][data-stage=uploading] [data-testid=job-detail]')?.textContent") or ""):
            break
        time.sleep(0.2)
    time.sleep(1.5)
    shot(s, artifacts / "journey-09-before-kill.png")
    pids = app_pids(app_bin)
    assert pids, "the app process was found"
    for p in pids:
        os.kill(p, signal.SIGKILL)
    s.close()

    # Start again: the queue comes back and finishes, every file exactly once.
    emulator.control("DELETE", "faults")
    s2 = launch(**app_env)
    s2.set_window_rect(1280, 800, 0, 0)
    open_upload(s2)
    s2.wait('[data-testid="job"]', timeout=20)
    shot(s2, artifacts / "journey-10-resumed-after-restart.png")
    wait_stages(s2, {"done"}, len(files), timeout=120)
    shot(s2, artifacts / "journey-11-resumed-done.png")
    site_id = s2.js("return document.querySelector('[data-testid=dest-site]').value")
    stored = stored_files(emulator, site_id)
    assert sorted(f["displayName"] for f in stored) == sorted(f.name for f in files), "each file once, none twice"
    by_name = {f["displayName"]: f["sha256"] for f in stored}
    assert all(by_name[f.name] == sha256(f) for f in files)
