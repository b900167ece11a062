"""The upload queue beyond uploads (issue 12, item 4), in the real window against the emulator:
the Private toggle on the destination row sends private files, whose done row offers a
temporary link instead of a URL; links pasted on the Upload screen (a real X11 clipboard) are
imported into its folder as rows of the queue, each reaching done or failing with why.
Screenshots of the queue with import rows at 1280x800, 800x600 and in the dark theme."""
from __future__ import annotations

import time
import urllib.error
import urllib.request

from axe import check
from test_desktop import clipboard  # noqa: F401  (the X11 clipboard fixture)
from test_upload import drop, media_file, open_upload, shot, wait_stages, with_profile  # noqa: F401
from webdriver import CONTROL


def stored(emulator, site: str) -> list[dict]:
    return emulator.control("GET", f"sites/{site}/files")["files"]


def wait_for(pred, what: str, timeout: float = 30):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = pred()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"never {what} (last: {last})")


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def import_rows(s) -> list[dict]:
    return s.js(
        "return [...document.querySelectorAll('[data-testid=import-row]')]"
        ".map(e => ({stage: e.dataset.stage, url: e.dataset.url, why: e.querySelector('[data-testid=import-error]')?.textContent ?? ''}))"
    )


def test_private_toggle_sends_private_files_and_the_done_row_offers_a_temporary_link(launch, emulator, app_env, with_profile, artifacts, tmp_path):
    emulator.control("PUT", "config", {"serve_static": True})
    s = launch(**app_env)
    s.set_window_rect(1280, 800)
    open_upload(s)
    site = s.js("return document.querySelector('[data-testid=dest-site]').value")
    note = s.text(s.wait('[data-testid="dest-private-note"]'))
    assert "cannot be changed after upload" in note, note
    s.click('[data-testid="dest-private"]')
    assert s.js("return document.querySelector('[data-testid=dest-private]').checked")

    f = media_file(tmp_path / "contract scan.png", 30_000)
    drop(s, [f])
    wait_stages(s, {"done"}, 1)
    row = '[data-testid="job"][data-stage="done"]'
    s.wait(f'{row} [data-testid="job-private-pill"]')
    # No URL to copy (it answers 403): a temporary link instead.
    assert not s.find_all(f'{row} [data-testid="copy-url"]')
    [file] = stored(emulator, site)
    assert file["private"] is True, file
    shot(s, artifacts / "queue-private-done-1280.png")
    s.click(f'{row} [data-testid="get-link"]')
    link = wait_for(lambda: s.js(f"return document.querySelector('{row} [data-testid=job-link]')?.textContent"), "a temporary link")
    assert "/_download/" in link, link
    assert status_of(link) == 200
    assert status_of(f"{emulator.base_url}/_static/media/{file['id']}") == 403
    s.wait(f'{row} [data-testid="copy-link"]')
    shot(s, artifacts / "queue-private-link-1280.png")
    check(s, "upload queue with a private row")

    # History knows it is private too: a temporary link, not a URL that answers 403.
    s.js("location.hash = '#/history'; return null")
    hrow = '[data-testid="history-row"][data-file="contract scan.png"]'
    s.wait(f'{hrow} [data-testid="history-private"]')
    assert not s.find_all(f'{hrow} [data-testid="history-copy-url"]')
    s.click(f'{hrow} [data-testid="history-get-link"]')
    s.wait(f'{hrow} [data-testid="history-copy-link"]')
    shot(s, artifacts / "history-private-link-1280.png")
    s.js("location.hash = '#/upload'; return null")

    # The toggle is remembered for this site: a new window starts with it on.
    s.js("location.reload(); return null")
    open_upload(s)
    wait_for(lambda: s.js("return document.querySelector('[data-testid=dest-private]')?.checked"), "the toggle remembered")


def other_site(emulator, site: str) -> str:
    return next(x["id"] for x in emulator.sites if x["id"] != site)


def test_pasted_links_are_imported_as_rows_of_the_queue(launch, emulator, app_env, with_profile, clipboard, artifacts, tmp_path):  # noqa: F811
    emulator.control("PUT", "config", {"serve_static": True})
    s = launch(**app_env)
    s.set_window_rect(1280, 800)
    open_upload(s)
    site = s.js("return document.querySelector('[data-testid=dest-site]').value")
    sources = emulator.control("POST", f"sites/{other_site(emulator, site)}/files", {"count": 2, "prefix": "Banner"})["ids"]
    good = [f"{emulator.base_url}/_static/media/{i}" for i in sources]
    missing = f"{emulator.base_url}/_static/media/gone_0~mv2.png"

    # Copied from a browser or a spreadsheet: one a line. Ctrl+V anywhere on the Upload screen.
    # With a line that is no link and a repeat: both are said, nothing is dropped silently.
    clipboard.own("UTF8_STRING", "\n".join([good[0], "hello world", f"{missing} {good[1]}", good[0]]).encode())
    s.press(CONTROL + "v")
    s.wait_text('[data-testid="import-note"]', "Sent 3 links to Wix to import into Site Files")
    s.wait_text('[data-testid="import-note"]', "Left out 1 line with no web link: “hello world”. 1 repeated link was imported once.")
    wait_for(lambda: sorted(r["stage"] for r in import_rows(s)) == ["done", "done", "failed"], "the imports finished")
    rows = import_rows(s)
    failed = next(r for r in rows if r["stage"] == "failed")
    assert failed["url"] == missing and "404" in failed["why"], failed
    # Each done row has the file's URL; the overview counts the links.
    assert len(s.find_all('[data-testid="import-row"][data-stage="done"] [data-testid="import-url"]')) == 2
    s.wait_text('[data-testid="import-line"]', "3 links, 2 done, 1 failed")
    s.wait_text('[data-testid="queue-headline"]', "2 imported, 1 failed")
    imported = sorted(f["displayName"] for f in stored(emulator, site) if f["operationStatus"] == "READY")
    assert imported == sorted(sources), imported

    # An upload alongside: both groups in one queue, counted together.
    drop(s, [media_file(tmp_path / "queue-upload.png", 20_000)])
    wait_stages(s, {"done"}, 1)
    s.wait_text('[data-testid="queue-line"]', "4 of 4 finished")
    s.wait_text('[data-testid="queue-line"]', "2 of 3 links imported, 1 failed")
    # The headline tells both, the failed import included (not "1 file uploaded").
    s.wait_text('[data-testid="queue-headline"]', "All done — 1 uploaded, 2 imported, 1 failed")
    # The bar: green for the 3 that arrived, red for the 1 in 4 that failed (not all red).
    share = "const b = document.querySelector('[data-testid=queue-overview] [role=progressbar]'); return [b.querySelector('.fill').style.width, b.querySelector('[data-testid=bar-failed]').style.width]"
    assert s.js(share) == ["75%", "25%"], s.js(share)
    shot(s, artifacts / "queue-imports-1280.png")
    check(s, "upload queue with import rows")
    s.set_window_rect(800, 600)
    s.js("document.querySelector('[data-testid=import-queue]').scrollIntoView(); return null")
    shot(s, artifacts / "queue-imports-800.png")

    # The chips count imports too; the failed filter shows the failed import only.
    assert s.js("return document.querySelector('[data-testid=filter-all]').dataset.count") == "4"
    s.click('[data-testid="filter-failed"]')
    wait_for(lambda: [r["stage"] for r in import_rows(s)] == ["failed"], "only the failed import")
    # Clear finished: the queue is empty again.
    s.click('[data-testid="filter-all"]')
    s.click('[data-testid="clear-finished"]')
    wait_for(lambda: not import_rows(s), "the imports cleared")

    # A link dragged from a browser onto the Upload screen is imported here too (not on Library).
    drop(s, [good[0]])
    wait_for(lambda: [r["stage"] for r in import_rows(s)] == ["done"], "the dropped link imported")
    assert s.js("return location.hash") in ("#/upload", "")
    assert sum(f["displayName"] == sources[0] for f in stored(emulator, site)) == 2


def test_queue_with_imports_in_the_dark_theme(launch, emulator, app_env, with_profile, clipboard, artifacts):  # noqa: F811
    emulator.control("PUT", "config", {"serve_static": True})
    s = launch(GTK_THEME="Adwaita:dark", **app_env)
    s.set_window_rect(1280, 800)
    assert s.js("return matchMedia('(prefers-color-scheme: dark)').matches")
    open_upload(s)
    site = s.js("return document.querySelector('[data-testid=dest-site]').value")
    [source] = emulator.control("POST", f"sites/{other_site(emulator, site)}/files", {"count": 1, "prefix": "Poster"})["ids"]
    s.click('[data-testid="dest-private"]')
    clipboard.own("UTF8_STRING", f"{emulator.base_url}/_static/media/{source}\n{emulator.base_url}/_static/media/none_0~mv2.png".encode())
    s.press(CONTROL + "v")
    # The toggle (a focused checkbox) does not keep the paste to itself.
    wait_for(lambda: sorted(r["stage"] for r in import_rows(s)) == ["done", "failed"], "the imports finished")
    # A private import's done row offers a temporary link too.
    s.click('[data-testid="import-row"][data-stage="done"] [data-testid="import-get-link"]')
    link = wait_for(lambda: s.js("return document.querySelector('[data-testid=import-link]')?.textContent"), "a temporary link")
    assert status_of(link) == 200
    shot(s, artifacts / "queue-imports-dark-1280.png")
    check(s, "upload queue with import rows, dark")
    s.set_window_rect(800, 600)
    s.js("document.querySelector('[data-testid=import-queue]').scrollIntoView(); return null")
    shot(s, artifacts / "queue-imports-dark-800.png")


def test_closing_while_a_link_is_being_imported_asks_first(launch, emulator, app_env, with_profile, clipboard):  # noqa: F811
    emulator.control("PUT", "config", {"serve_static": True})
    s = launch(**app_env)
    open_upload(s)
    site = s.js("return document.querySelector('[data-testid=dest-site]').value")
    [source] = emulator.control("POST", f"sites/{other_site(emulator, site)}/files", {"count": 1, "prefix": "Slow"})["ids"]
    # The source answers slowly, so the import is still running when the window is closed.
    emulator.control("POST", "faults", {"method": "GET", "path_prefix": "/_static/", "fault": {"type": "latency", "ms": 6000}, "times": None})
    clipboard.own("UTF8_STRING", f"{emulator.base_url}/_static/media/{source}".encode())
    s.press(CONTROL + "v")
    s.wait('[data-testid="import-row"][data-stage="importing"], [data-testid="import-row"][data-stage="processing"]')
    s.js("window.__TAURI_INTERNALS__.invoke('plugin:window|close', {label: 'main'}); return null")
    dialog = s.wait('[data-testid="close-dialog"]')
    assert "1 upload is still running" in s.text(dialog)
    s.js("document.querySelector('[data-testid=close-cancel]').click(); return null")
    emulator.control("DELETE", "faults")
    wait_for(lambda: [r["stage"] for r in import_rows(s)] == ["done"], "the import finished", timeout=60)
