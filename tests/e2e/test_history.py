"""History at a size where paging matters, in the real window: a few hundred entries uploaded for
real by the CLI into the same journal; the screen counts them, keeps only visible rows in the
DOM, searches accent- and case-insensitively in Rust, loads pages as the list scrolls, and jumps
to the oldest upload."""
from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO
from test_upload import add_profile_with_cli, media_file, shot

ACCENTED = 30
PLAIN = 270
TOTAL = ACCENTED + PLAIN + 1  # + the oldest, uploaded first on its own


def cli_upload(home: Path, env: dict, site: str, *paths: Path) -> None:
    cli = os.environ.get("WIXDROP_CLI_BIN", str(REPO / "target/debug/wixdrop"))
    full = {**os.environ, **env, "WIXDROP_HOME": str(home)}
    args = [cli, "--json", "upload", *map(str, paths), "--profile", "Studio", "--site", site, "--concurrency", "8"]
    out = subprocess.run(args, capture_output=True, text=True, env=full, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]


def count(s) -> dict:
    return s.js(
        "const e = document.querySelector('[data-testid=history-count]');"
        "return e ? {total: Number(e.dataset.total), search: e.dataset.search, text: e.textContent.trim()} : null"
    )


def wait_count(s, search: str, timeout: float = 15) -> dict:
    """The count line once it belongs to `search` (the screen answers the latest query)."""
    deadline = time.time() + timeout
    got = None
    while time.time() < deadline:
        got = count(s)
        if got and got["search"] == search.strip():
            return got
        time.sleep(0.1)
    raise AssertionError(f"count never showed the results for {search!r}: {got}")


def row_files(s) -> list[str]:
    return s.js("return [...document.querySelectorAll('[data-testid=history-row]')].map(e => e.dataset.file)")


def wait_rows(s, pred, what: str, timeout: float = 15) -> list[str]:
    deadline = time.time() + timeout
    files: list[str] = []
    while time.time() < deadline:
        files = row_files(s)
        if files and pred(files):
            return files
        time.sleep(0.1)
    raise AssertionError(f"rows never {what}: {files[:20]}")


@pytest.fixture
def journal_of_hundreds(home, emulator, app_env, tmp_path):
    add_profile_with_cli(home, app_env, emulator.api_key)
    site = emulator.sites[0]["id"]
    # The oldest is a document: its row shows its kind where a picture shows a thumbnail.
    first = tmp_path / "the-very-first.pdf"
    first.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    cli_upload(home, app_env, site, first)
    d = tmp_path / "shoot"
    d.mkdir()
    for i in range(ACCENTED):
        media_file(d / f"Été à la plage – café crème {i:02}.png", 120)
    for i in range(PLAIN):
        media_file(d / f"IMG_{i:04}.png", 120)
    cli_upload(home, app_env, site, d)
    return app_env


def test_history_counts_searches_pages_and_jumps(launch, journal_of_hundreds, artifacts):
    s = launch(**journal_of_hundreds)
    s.js("location.hash = '#/history'")
    c = wait_count(s, "")
    assert c["total"] == TOTAL and c["text"] == f"{TOTAL} uploads", c
    first_screen = wait_rows(s, lambda f: True, "appeared")
    # Virtualized: only what is on screen (plus a small buffer) is in the DOM.
    assert 3 <= len(first_screen) <= 40, len(first_screen)
    assert "the-very-first.pdf" not in first_screen
    shot(s, artifacts / "history-paged-01.png")

    # Search is folded in Rust: no accents, other case, words in any order.
    s.type('[data-testid="history-search"]', "CAFE plage")
    c = wait_count(s, "CAFE plage")
    assert c["total"] == ACCENTED, c
    assert c["text"] == f"{ACCENTED} of {TOTAL} uploads match “CAFE plage”", c
    files = wait_rows(s, lambda f: all("café crème" in x for x in f), "narrowed to the accented names")
    assert len(files) <= ACCENTED
    shot(s, artifacts / "history-paged-02-search.png")
    s.type('[data-testid="history-search"]', "ete creme 07.PNG")
    assert wait_count(s, "ete creme 07.PNG")["total"] == 1
    wait_rows(s, lambda f: f == ["Été à la plage – café crème 07.png"], "showed the one match")
    s.type('[data-testid="history-search"]', "50%_'\"")
    assert wait_count(s, "50%_'\"")["total"] == 0
    s.wait('[data-testid="history-none"]')
    s.type('[data-testid="history-search"]', " ")
    assert wait_count(s, "")["total"] == TOTAL
    # The cleared search shows the newest rows again, from the top, before the list is scrolled
    # (a scroll made while that page loads is undone by the return to the top).
    wait_rows(s, lambda f: f[:3] == first_screen[:3], "back at the newest after the search was cleared")

    # Scrolling loads pages beyond the first 100 (rows 200–210 are on page 3).
    # Scrolled again on each look: a reload still finishing for the cleared search (typing clears
    # the field, then types) returns the list to the top once more, as a user would see and redo.
    def scrolled_and_loaded(f: list[str]) -> bool:
        s.js("document.querySelector('[data-testid=history-list]').scrollTop = 60 * 200")
        return not set(f) & set(first_screen) and not s.find_all('[data-testid="history-row-loading"]')

    wait_rows(s, scrolled_and_loaded, "loaded after scrolling")

    # Jump to the oldest: the very first upload is on screen.
    s.js("const j = document.querySelector('[data-testid=history-jump]'); j.value = 'oldest'; j.dispatchEvent(new Event('change', {bubbles: true}))")
    wait_rows(s, lambda f: "the-very-first.pdf" in f, "reached the oldest")
    kinds = s.js("return Object.fromEntries([...document.querySelectorAll('[data-testid=history-row]')].map(r => [r.dataset.file, r.querySelector('[data-testid=history-kind]')?.dataset.kind ?? 'thumbnail']))")
    assert kinds["the-very-first.pdf"] == "file", kinds
    # These PNGs are noise after the magic bytes: no thumbnail can be made, so they show their kind.
    assert {k for f, k in kinds.items() if f.endswith(".png")} == {"image"}, kinds
    months = s.js("return [...document.querySelectorAll('[data-testid=history-jump] option')].map(o => o.textContent.trim())")
    assert months[:2] == ["Jump to…", "Newest"] and months[-1] == "Oldest" and len(months) >= 4, months
    assert months[2].endswith(f"· {TOTAL}"), months
    shot(s, artifacts / "history-paged-03-oldest.png")
    s.set_window_rect(800, 600, 0, 0)
    time.sleep(0.5)
    shot(s, artifacts / "history-paged-04-800x600.png")
    # At 800×600 the list still shows several rows and the count stays visible above it.
    assert len(row_files(s)) >= 4
    s.wait('[data-testid="history-count"]')
