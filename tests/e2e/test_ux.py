"""What a new user stumbles on (issue 15), in the real window against the emulator: one state
per job and per profile that every view shows; names instead of IDs; search that ignores case
and accents; a keyboard that works (every dialog takes focus, keeps it, closes on Escape and
gives it back; moving focus never changes where uploads go); waits that say so and can be
cancelled; screens that open at their top; a badge that tells the truth about Wix. The axe-core
sweep of every screen and dialog is in test_a11y.py."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from test_upload import add_profile_with_cli, drop, media_file, open_upload, shot, wait_stages
from webdriver import KEY, free_port

HEX32 = re.compile(r"\b[0-9a-f]{32}\b")


@pytest.fixture
def with_profile(home, emulator, app_env):
    return add_profile_with_cli(home, app_env, emulator.api_key)


def open_keys(s) -> None:
    s.js("location.hash = '#/keys'")
    s.wait('[data-testid="profile-card"]')


def jtext(s, css: str, timeout: float = 15) -> str:
    """The text of the first element matching `css` (by textContent: spans in ellipsized cells
    are not "displayed" to WebDriver)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        t = s.js("const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null", css)
        if t is not None:
            return t
        time.sleep(0.15)
    raise TimeoutError(f"nothing matches {css!r}")


def dest_folder(s) -> str:
    s.wait('[data-testid="dest-folder"]')
    return s.js("return document.querySelector('[data-testid=dest-folder]').textContent.trim()")


def focus(s, css: str) -> None:
    s.wait(css)
    s.js("document.querySelector(arguments[0]).focus()", css)


def dialog_keyboard_round(s, opener: str, dialog: str, first: str | None, artifacts: Path | None = None) -> None:
    """Open `dialog` from `opener` with the keyboard and check focus in / trapped / Escape / back."""
    focus(s, opener)
    opener_id = s.active()["testid"]
    s.press(KEY["Enter"])
    s.wait(f'dialog[data-testid="{dialog}"][open]')
    a = s.active()
    assert a["inDialog"], f"{dialog}: focus stayed behind: {a}"
    if first:
        assert a["testid"] == first, f"{dialog}: focus went to {a}, not {first}"
    if artifacts:
        shot(s, artifacts)
    n = s.js("return document.querySelectorAll('dialog[open] button, dialog[open] input, dialog[open] a[href], dialog[open] textarea, dialog[open] select').length")
    for i in range(n + 2):
        s.press(KEY["Tab"])
        assert s.active()["inDialog"], f"{dialog}: Tab #{i + 1} left the dialog: {s.active()}"
    for i in range(n + 2):
        s.press(KEY["Shift"] + KEY["Tab"])
        assert s.active()["inDialog"], f"{dialog}: Shift+Tab #{i + 1} left the dialog: {s.active()}"
    s.press(KEY["Escape"])
    s.wait_gone(f'dialog[data-testid="{dialog}"][open]', timeout=5)
    back = s.active()
    assert back["testid"] == opener_id, f"{dialog}: focus went to {back}, not back to {opener_id}"


def test_every_dialog_takes_focus_keeps_it_closes_on_escape_and_gives_it_back(launch, emulator, app_env, with_profile, artifacts):
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    open_keys(s)
    dialog_keyboard_round(s, '[data-testid="rename"]', "rename-dialog", "rename-input", artifacts / "ux-dialog-rename-focus.png")
    dialog_keyboard_round(s, '[data-testid="delete"]', "delete-dialog", "keep")
    dialog_keyboard_round(s, '[data-testid="replace"]', "replace-dialog", "paste-key")
    # Nothing changed behind them.
    assert s.find_all('[data-profile="Studio"]')
    open_upload(s)
    dialog_keyboard_round(s, '[data-testid="dest-folder"]', "folder-picker", None)
    s.set_window_rect(800, 600, 0, 0)
    focus(s, '[data-testid="dest-folder"]')
    s.press(KEY["Enter"])
    s.wait('dialog[data-testid="folder-picker"][open] [data-testid="folder-row"], dialog[data-testid="folder-picker"][open] li')
    shot(s, artifacts / "ux-dialog-folders-800x600.png")
    s.press(KEY["Escape"])

    # A rename through the dialog keeps the card (and gives focus back to its Rename button).
    open_keys(s)
    s.set_window_rect(1280, 800, 0, 0)
    focus(s, '[data-testid="rename"]')
    s.press(KEY["Enter"])
    s.type('[data-testid="rename-input"]', "Studio site")
    s.press(KEY["Enter"])
    s.wait('[data-profile="Studio site"]')
    s.wait_gone('dialog[open]')
    assert s.active()["testid"] == "rename"
    # Delete: the card goes, focus lands on the screen's heading, not on nothing.
    focus(s, '[data-testid="delete"]')
    s.press(KEY["Enter"])
    s.click('[data-testid="confirm-delete"]')
    s.wait_gone('[data-profile="Studio site"]')
    assert s.active()["tag"] == "H1"
    # With no key left the screen is not empty: the form to add one is there.
    s.wait('[data-testid="add-key"] [data-testid="save-key"]', timeout=5)


def test_the_default_site_changes_only_on_purpose_and_every_view_follows(launch, emulator, app_env, with_profile, home, artifacts):
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    open_keys(s)
    card = '[data-profile="Studio"]'
    default = lambda: s.js("return [...document.querySelectorAll(arguments[0] + ' [data-testid=site-row][data-default=true]')].map(r => r.dataset.site)", card)
    first = default()
    assert len(first) == 1, first
    names = {x["id"]: x["displayName"] for x in emulator.sites}
    # Moving focus with the keyboard (arrows, Tab) never changes where uploads go.
    focus(s, f'{card} [data-testid="make-default"]')
    s.press(KEY["ArrowDown"], KEY["ArrowDown"], KEY["ArrowUp"], KEY["Tab"])
    assert default() == first
    stored = json.loads((home / "config" / "profiles.json").read_text())
    assert json.dumps(stored).count(first[0]) >= 1
    # …and focus is visible where it is.
    focus(s, f'{card} [data-testid="site-row"][data-default="false"] [data-testid="make-default"]')
    s.press(KEY["Shift"] + KEY["Tab"], KEY["Tab"])
    ring = s.js("const e = document.activeElement; return [e.matches(':focus-visible'), getComputedStyle(e).boxShadow]")
    assert ring[0] and ring[1] != "none", ring
    target = s.js("return document.activeElement.closest('[data-testid=site-row]').dataset.site")
    assert target != first[0]
    s.press(KEY["Enter"])
    # Every view says the new site, none the old one; focus stays on the button pressed.
    s.wait(f'{card} [data-testid="site-row"][data-site="{target}"][data-default="true"]')
    assert s.js("return document.activeElement.closest('[data-testid=site-row]')?.dataset.site") == target
    s.wait_gone(f'{card} [data-testid="check-wait"]', timeout=30)
    summary = s.text(s.wait(f'{card} [data-testid="verification-summary"]'))
    assert names[target] in summary and names[first[0]] not in summary, summary
    assert len(s.find_all(f'{card} [data-testid="verification"]')) == 1
    assert len(s.find_all('[data-testid="site-picker"]')) == 1
    last = s.text(s.wait(f'{card} [data-testid="last-check"]'))
    assert names[first[0]] not in last, last
    shot(s, artifacts / "ux-keys-after-default-change.png")
    s.set_window_rect(800, 600, 0, 0)
    shot(s, artifacts / "ux-keys-after-default-change-800x600.png")
    s.set_window_rect(1280, 800, 0, 0)
    open_upload(s)
    assert s.js("return document.querySelector('[data-testid=dest-site]').value") == target


def test_pause_resume_cancel_retry_every_place_agrees(launch, home, emulator, app_env, with_profile, artifacts, tmp_path):
    (home / "config" / "settings.json").write_text(json.dumps({"welcome_seen": True, "simple_upload_max_bytes": 1_000_000, "chunk_size_bytes": 262_144, "concurrency": 2}))
    files = [media_file(tmp_path / "one.png", 2_500_000), media_file(tmp_path / "two.png", 2_500_000)]
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    open_upload(s)
    emulator.control("POST", "faults", {"method": "PATCH", "path_prefix": "/tus/", "fault": {"type": "bandwidth", "bytes_per_sec": 300_000}, "times": None})
    drop(s, files)
    s.wait_text('[data-testid="job"][data-stage="uploading"] [data-testid="job-detail"]', "/s", timeout=30)
    s.click('[data-testid="pause-all"]')
    s.wait('[data-testid="queue-overview"][data-paused="true"]')

    def paused_everywhere() -> str | None:
        v = s.js(
            """const rows = [...document.querySelectorAll('[data-testid=job]')].filter(r => !['done','failed','cancelled','skipped_duplicate'].includes(r.dataset.stage));
            return {headline: document.querySelector('[data-testid=queue-headline]').textContent,
                    line: document.querySelector('[data-testid=queue-line]').textContent,
                    group: [...document.querySelectorAll('[data-testid=group-line]')].map(e => e.textContent),
                    rows: rows.map(r => [r.dataset.paused, r.querySelector('[data-testid=job-stage]').textContent, r.querySelector('[data-testid=job-detail]').textContent]),
                    moving: document.querySelectorAll('.bar.moving').length,
                    nav: document.querySelector('[data-testid=nav-upload-status]')?.textContent ?? null,
                    chip: document.querySelector('[data-testid=filter-in_progress]').textContent}"""
        )
        if not v["chip"].strip().startswith("Paused"):
            return f"filter chip: {v['chip']!r}"
        if v["nav"] != "Paused":
            return f"sidebar: {v['nav']!r}"
        if "Paused" not in v["headline"] or "/s" in v["line"] or "left" in v["line"]:
            return f"header: {v}"
        if any("uploading" in g for g in v["group"]):
            return f"group line: {v['group']}"
        for paused, stage, detail in v["rows"]:
            if paused != "true" or stage != "Paused" or "/s" in detail or "left" in detail:
                return f"row: {v['rows']}"
        if v["moving"]:
            return f"{v['moving']} bars still moving"
        return None

    # Look several times over a couple of seconds: late progress must not bring a row back to life.
    for _ in range(8):
        problem = paused_everywhere()
        assert problem is None, problem
        time.sleep(0.25)
    shot(s, artifacts / "ux-upload-paused.png")
    s.set_window_rect(800, 600, 0, 0)
    shot(s, artifacts / "ux-upload-paused-800x600.png")
    s.set_window_rect(1280, 800, 0, 0)

    s.click('[data-testid="resume-all"]')
    s.wait('[data-testid="queue-overview"][data-paused="false"]')
    s.wait('[data-testid="nav-upload-status"][data-paused="false"]')
    s.wait_text('[data-testid="job"][data-stage="uploading"] [data-testid="job-detail"]', "/s", timeout=20)
    s.set_window_rect(800, 600, 0, 0)
    shot(s, artifacts / "ux-upload-running-800x600.png")
    # Scrolled to, the queue fills the small window below the sticky overview and the filters.
    s.js("document.querySelector('[data-testid=queue-filters]').scrollIntoView({block: 'start'}); const c = document.querySelector('main.content'); c.scrollTop -= 90")
    fit = s.js(
        "const r = e => document.querySelector(e).getBoundingClientRect();"
        "return [r('[data-testid=queue-overview]').bottom, r('[data-testid=queue-filters]').top, r('[data-testid=queue]').top, r('[data-testid=queue]').height, innerHeight]"
    )
    over, filters, top, height, inner = fit
    assert over + (top - filters) + height <= inner and height >= 0.6 * inner, fit
    shot(s, artifacts / "ux-upload-queue-800x600.png")
    s.set_window_rect(1280, 800, 0, 0)
    # Cancel all asks first; Keep uploading (the default) stops nothing.
    s.click('[data-testid="cancel-all"]')
    s.wait('dialog[data-testid="cancel-all-dialog"][open]')
    assert "Cancel 2 files?" in s.js("return document.querySelector('dialog[data-testid=cancel-all-dialog]').textContent")
    assert s.active()["testid"] == "cancel-all-keep"
    shot(s, artifacts / "ux-cancel-all-dialog.png")
    s.press(KEY["Enter"])
    s.wait_gone('dialog[data-testid="cancel-all-dialog"][open]', timeout=5)
    assert not s.find_all('[data-testid="job"][data-stage="cancelled"]')
    # Cancel one: its row, its group line and the header all say so.
    s.click('[data-testid="job"][data-file="two.png"] [data-testid="cancel"]')
    s.wait('[data-testid="job"][data-file="two.png"][data-stage="cancelled"]')
    s.wait_text('[data-testid="group-line"]', "1 cancelled")
    s.wait_text('[data-testid="queue-line"]', "1 cancelled")
    # Retry it: back in the queue, and everything ends done.
    s.click('[data-testid="job"][data-file="two.png"] [data-testid="retry"]')
    emulator.control("DELETE", "faults")
    wait_stages(s, {"done"}, 2, timeout=90)
    # The rows are fetched pages and the header is the engine's coalesced overview (at most ~10
    # a second): a page can be a tick newer than the header, so wait for the overview to settle.
    s.wait('[data-testid="queue-overview"][data-busy="false"]', timeout=5)
    assert "cancelled" not in s.text(s.wait('[data-testid="group-line"]'))
    assert "2 files uploaded" in s.text(s.wait('[data-testid="queue-headline"]'))


def test_folders_by_name_reopened_where_chosen_and_searched_without_accents(launch, emulator, app_env, with_profile, artifacts, tmp_path):
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    open_upload(s)
    s.click('[data-testid="dest-folder"]')
    s.wait('dialog[data-testid="folder-picker"][open]')
    s.type('[data-testid="new-folder-name"]', "Summer 2026")
    s.click('[data-testid="create-folder"]')
    s.wait_text('dialog[open] nav', "Summer 2026")
    s.click('[data-testid="use-folder"]')
    s.wait_gone('dialog[open]')
    assert dest_folder(s) == "Site Files / Summer 2026"
    # Reopened: it is where uploads go, not at the top; "Upload here" keeps it.
    s.click('[data-testid="dest-folder"]')
    s.wait('dialog[data-testid="folder-picker"][open]')
    crumbs = s.js("return [...document.querySelectorAll('dialog[open] [data-testid=crumb]')].map(e => e.textContent.trim())")
    assert crumbs == ["Site Files", "Summer 2026"], crumbs
    s.click('[data-testid="use-folder"]')
    s.wait_gone('dialog[open]')
    assert dest_folder(s) == "Site Files / Summer 2026"

    f = media_file(tmp_path / "Été à la plage – café crème.png", 50_000)
    drop(s, [f])
    wait_stages(s, {"done"}, 1, timeout=60)
    dest = s.js("return document.querySelector('[data-testid=job] .dest').textContent")
    assert "Summer 2026" in dest and not HEX32.search(dest), dest

    s.js("location.hash = '#/history'")
    s.wait('[data-testid="history-row"]')
    folder = jtext(s, '[data-testid="history-folder"]')
    assert folder == "Site Files / Summer 2026", folder
    site_name = jtext(s, '[data-testid="history-row-site"]')
    assert site_name in [x["displayName"] for x in emulator.sites], site_name
    shot(s, artifacts / "ux-history-folder-names.png")
    s.set_window_rect(800, 600, 0, 0)
    shot(s, artifacts / "ux-history-folder-names-800x600.png")
    s.set_window_rect(1280, 800, 0, 0)
    for q in ["summer", "SUMMER 2026", "cafe", "ete plage", "creme"]:
        s.type('[data-testid="history-search"]', q)
        s.wait(f'[data-testid="history-count"][data-search="{q}"][data-total="1"]')
    s.type('[data-testid="history-search"]', "winter")
    s.wait('[data-testid="history-count"][data-search="winter"][data-total="0"]')

    # After a rename of the profile, rows still name the site.
    s.js("location.hash = '#/keys'")
    s.click('[data-testid="rename"]')
    s.type('[data-testid="rename-input"]', "Renamed")
    s.click('[data-testid="rename-submit"]')
    s.wait('[data-profile="Renamed"]')
    open_upload(s)
    dest = jtext(s, '[data-testid="job"] .dest')
    assert site_name in dest and not HEX32.search(dest), dest
    s.js("location.hash = '#/history'")
    s.type('[data-testid="history-search"]', "cafe")
    s.wait('[data-testid="history-row"]')
    assert jtext(s, '[data-testid="history-row-site"]') == site_name


def test_checking_a_key_without_an_answer_shows_progress_and_cancels(launch, emulator, app_env, artifacts):
    # Wix that never answers (the request hangs for a minute): the wait says so, Cancel ends it.
    emulator.control("POST", "faults", {"path_prefix": "/site-list/", "fault": {"type": "latency", "ms": 60_000}, "times": None})
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    s.js("location.hash = '#/keys'")
    s.type('[data-testid="paste-key"]', emulator.api_key)
    s.wait('[data-testid="key-badge"][data-usable="true"]')
    s.type('[data-testid="profile-name"]', "Studio")
    s.click('[data-testid="save-key"]')
    s.wait('[data-testid="check-wait"] .spinner')
    s.wait_text('[data-testid="check-wait"]', "s", timeout=10)
    shot(s, artifacts / "ux-verify-waiting.png")
    t = time.time()
    s.click('[data-testid="check-wait-cancel"]')
    s.wait('[data-testid="check-stopped"]', timeout=5)
    assert time.time() - t < 5
    assert not s.find_all('main [role="alert"]')
    # Back online: checking again works, and the result is said once.
    emulator.control("DELETE", "faults")
    s.click('[data-testid="check-again"]')
    s.wait('[data-testid="verification"][data-status="works"]', timeout=30)
    assert len(s.find_all('[data-testid="verification"]')) == 1
    assert not s.find_all('[data-testid="check-stopped"]')

    # The folder listing the same way.
    s.click('[data-testid="add-done"]')
    emulator.control("POST", "faults", {"path_prefix": "/site-media/v1/folders", "fault": {"type": "latency", "ms": 60_000}, "times": None})
    open_upload(s)
    s.click('[data-testid="dest-folder"]')
    s.wait('[data-testid="folders-wait"]')
    s.click('[data-testid="folders-wait-cancel"]')
    s.wait('[data-testid="folders-stopped"]', timeout=5)
    assert not s.find_all('[data-testid="folders-error"]')


def test_each_screen_opens_at_its_top_and_settings_speak_one_unit(launch, app_env, home):
    s = launch(**app_env)
    s.set_window_rect(800, 600, 0, 0)
    s.js("location.hash = '#/settings'")
    s.wait('[data-testid="settings-form"]')
    # Settings speaks one unit (MB, MB/s) in words a user knows.
    form = s.js("return document.querySelector('[data-testid=settings-form]').textContent")
    for word in ["MiB", "Mbit", "Resumable above", "Chunk"]:
        assert word not in form, (word, form)
    assert "MB/s" in form and form.count(" MB") >= 2, form
    # Opening and saving changes nothing (8 MiB pieces stay 8 MiB though shown as 8.4 MB).
    s.click('[data-testid="settings-form"] button[type="submit"]')
    s.wait_text('[data-testid="settings-form"]', "Saved.")
    # "Saved." is seen where Save was pressed: in the window, not below the fold.
    s.js("document.querySelector('main.content').scrollTop = 0")
    seen = s.js("const r = [...document.querySelectorAll('[data-testid=settings-save-row] [role=status]')].find(e => e.textContent === 'Saved.').getBoundingClientRect(); return [r.top, r.bottom, innerHeight]")
    assert 0 <= seen[0] and seen[1] <= seen[2], seen
    saved = json.loads((home / "config" / "settings.json").read_text())
    assert saved.get("chunk_size_bytes", 8 * 1024 * 1024) == 8 * 1024 * 1024 and saved.get("simple_upload_max_bytes", 10_000_000) == 10_000_000, saved
    s.js("const c = document.querySelector('main.content'); c.scrollTop = c.scrollHeight")
    assert s.js("return document.querySelector('main.content').scrollTop") > 0
    s.click('[data-testid="nav-upload"]')
    s.wait_text("main h1", "Upload")
    assert s.js("return document.querySelector('main.content').scrollTop") == 0
    assert s.js("const r = document.querySelector('main h1').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight")


def test_garbage_is_not_called_a_key_with_spaces_removed(launch, app_env):
    s = launch(**app_env)
    s.js("location.hash = '#/keys'")
    s.type('[data-testid="paste-key"]', "please find my api key for the wix site attached below")
    s.wait('[data-testid="key-badge"][data-kind="unrecognized"]')
    assert not s.find_all('[data-problem="whitespace_removed"]')


def test_the_wix_badge_says_when_wix_cannot_be_reached(launch, home):
    from conftest import skip_welcome

    skip_welcome(home)
    dead = f"http://127.0.0.1:{free_port()}"
    s = launch(WIXDROP_API_BASE=dead, WIXDROP_KEYCHAIN_SERVICE="Wixdrop e2e unreachable")
    badge = s.wait('[data-testid="api-base-badge"][data-reachable="false"]', timeout=20)
    assert "unreachable" in s.text(badge)
