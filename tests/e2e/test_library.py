"""The Library screen in the real window against the emulator (issue 12): browse into a folder,
search, multi-select with click/Shift and move, rename, trash and undo, a link dropped on the
window imported, and a copy to another site. Every change is checked on the emulator's side;
screenshots at 1280x800, 800x600 and in the dark theme."""
from __future__ import annotations

import json
import time
import urllib.request

import pytest

from test_upload import add_profile_with_cli, drop, shot
from test_ux import dialog_keyboard_round


def seed(emulator, site: str, count: int, **body) -> list[str]:
    return emulator.control("POST", f"sites/{site}/files", {"count": count, **body})["ids"]


def stored(emulator, site: str) -> dict[str, dict]:
    return {f["id"]: f for f in emulator.control("GET", f"sites/{site}/files")["files"]}


def wix_folders(emulator, site: str, trash: bool = False) -> dict[str, dict]:
    """The site's top-level folders (or the trash's), by name, as Wix lists them."""
    path = "trash-bin/folders" if trash else "folders?parentFolderId=media-root"
    req = urllib.request.Request(f"{emulator.base_url}/site-media/v1/{path}", headers={"Authorization": emulator.api_key, "wix-site-id": site})
    with urllib.request.urlopen(req, timeout=30) as r:
        return {f["displayName"]: f for f in json.loads(r.read())["folders"]}


F2, DELETE = "\ue032", "\ue017"


def names(s) -> list[str]:
    return s.js("return [...document.querySelectorAll('[data-testid=lib-file]')].map(e => e.dataset.name)")


def count(s) -> int:
    """Files loaded in the view (the grid renders only the visible ones)."""
    return s.js("const e = document.querySelector('[data-testid=lib-files]'); return e ? Number(e.dataset.count) : -1")


def wait_for(pred, what: str, timeout: float = 20):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = pred()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"never {what} (last: {last})")


def click_mod(s, css_index: int, shift=False, ctrl=False) -> None:
    """A click on the n-th file with modifier keys, as the user's mouse sends it."""
    s.js(
        "const el = document.querySelectorAll('[data-testid=lib-file]')[arguments[0]];"
        "el.dispatchEvent(new MouseEvent('click', {bubbles: true, shiftKey: arguments[1], ctrlKey: arguments[2]}))",
        css_index,
        shift,
        ctrl,
    )


@pytest.fixture
def library(launch, home, emulator, app_env):
    emulator.control("PUT", "config", {"serve_static": True})
    add_profile_with_cli(home, app_env, emulator.api_key)
    site = emulator.sites[0]["id"]
    seed(emulator, site, 24, path="/Events/2024", prefix="Party")
    seed(emulator, site, 3, prefix="Logo")
    seed(emulator, site, 1, path="/Archive", prefix="Old")

    def _open(**env):
        s = launch(**app_env, **env)
        s.set_window_rect(1280, 800)
        s.js("location.hash = '#/library'")
        s.wait('[data-testid="lib-site"]', timeout=30)
        s.js(
            "const sel = document.querySelector('[data-testid=lib-site]');"
            "const o = [...sel.options].find(o => o.value.endsWith(arguments[0]));"
            "if (sel.value !== o.value) { sel.value = o.value; sel.dispatchEvent(new Event('change', {bubbles: true})) }",
            site,
        )
        s.wait('[data-testid="lib-files"]', timeout=30)
        return s

    return _open


def test_browse_search_select_move_rename_trash_and_undo(library, emulator, artifacts):
    site = emulator.sites[0]["id"]
    s = library()
    wait_for(lambda: len(names(s)) == 3, "showed the 3 top-level files")
    assert s.js("return document.querySelectorAll('[data-testid=lib-folder]').length") == 2
    # Thumbnails come through the app's protocol, fetched in Rust.
    wait_for(lambda: s.js("return [...document.querySelectorAll('[data-testid=thumb]')].filter(i => i.complete && i.naturalWidth > 0).length") >= 3, "painted thumbnails")
    shot(s, artifacts / "library-1280.png")

    # Into Events / 2024: breadcrumbs follow.
    s.click('[data-testid="lib-folder"][data-name="Events"]')
    s.wait_text('[data-testid="crumb-here"]', "Events")
    s.click('[data-testid="lib-folder"][data-name="2024"]')
    s.wait_text('[data-testid="crumb-here"]', "2024")
    wait_for(lambda: count(s) == 24, "showed the folder's 24 files")
    shot(s, artifacts / "library-folder-1280.png")

    # Search as you type: all folders.
    s.type('[data-testid="lib-search"]', "Logo 0000")
    wait_for(lambda: sorted(names(s)) == ["Logo 00001.png", "Logo 00002.png", "Logo 00003.png"], "found the logos")
    s.js("const i = document.querySelector('[data-testid=lib-search]'); i.value = ''; i.dispatchEvent(new Event('input', {bubbles: true}))")
    wait_for(lambda: count(s) == 24, "back to the folder")

    # Click, then Shift+click: four selected; move them to Archive. Selecting moves nothing:
    # the actions take the place their hint held.
    files_top = "return document.querySelector('[data-testid=lib-files]').getBoundingClientRect().top"
    s.wait('[data-testid="lib-actions-hint"]')
    before = s.js(files_top)
    click_mod(s, 0)
    click_mod(s, 3, shift=True)
    s.wait_text('[data-testid="lib-selected"]', "4 selected")
    assert s.js(files_top) == before
    moving = s.js("return [...document.querySelectorAll('[data-testid=lib-file]')].slice(0, 4).map(e => e.dataset.id)")
    shot(s, artifacts / "library-selected-1280.png")
    s.click('[data-testid="act-move"]')
    s.click('[data-testid="move-folder"][data-name="Archive"]')
    s.click('[data-testid="move-here"]')
    s.wait_text('[data-testid="lib-notice"]', "4 files moved to Archive")
    archive = next(f["parentFolderId"] for f in stored(emulator, site).values() if f["displayName"] == "Old 00001.png")
    wait_for(lambda: all(stored(emulator, site)[i]["parentFolderId"] == archive for i in moving), "moved on Wix")
    wait_for(lambda: count(s) == 20, "the moved files gone from the view")

    # Ctrl+click adds one; rename a single one.
    click_mod(s, 0)
    first = s.js("return document.querySelector('[data-testid=lib-file]').dataset.id")
    s.click('[data-testid="act-rename"]')
    s.type('[data-testid="rename-dialog-input"]', "Cake cutting.png")
    s.click('[data-testid="rename-dialog-ok"]')
    s.wait_text('[data-testid="lib-notice"]', "Renamed to Cake cutting.png")
    assert stored(emulator, site)[first]["displayName"] == "Cake cutting.png"

    # Trash two, then undo: back in this folder.
    click_mod(s, 1, ctrl=True)
    s.wait_text('[data-testid="lib-selected"]', "2 selected")
    s.click('[data-testid="act-trash"]')
    s.wait_text('[data-testid="lib-notice"]', "moved to the trash")
    trashed = [i for i, f in stored(emulator, site).items() if f["parentFolderId"] == "trash-root"]
    assert len(trashed) == 2 and first in trashed
    shot(s, artifacts / "library-trashed-1280.png")
    s.click('[data-testid="lib-undo"]')
    s.wait_text('[data-testid="lib-notice"]', "restored")
    here = stored(emulator, site)[first]["parentFolderId"]
    assert here not in ("trash-root", archive) and all(stored(emulator, site)[i]["parentFolderId"] == here for i in trashed)
    wait_for(lambda: count(s) == 20, "the restored files listed again")

    # The list view, a small window, and the dark theme.
    s.click('[data-testid="lib-list"]')
    shot(s, artifacts / "library-list-1280.png")
    s.set_window_rect(800, 600)
    shot(s, artifacts / "library-800.png")


def test_dark_theme(library, artifacts):
    s = library(GTK_THEME="Adwaita:dark")
    assert s.js("return matchMedia('(prefers-color-scheme: dark)').matches")
    wait_for(lambda: len(names(s)) == 3, "listed")
    wait_for(lambda: s.js("return [...document.querySelectorAll('[data-testid=thumb]')].filter(i => i.complete && i.naturalWidth > 0).length") >= 3, "painted thumbnails")
    click_mod(s, 0)
    shot(s, artifacts / "library-dark-1280.png")
    s.click('[data-testid="lib-folder-chip"][data-name="Events"] [data-testid="folder-more"]')
    s.wait('[data-testid="folder-rename"]')
    shot(s, artifacts / "library-dark-folder-menu-1280.png")
    # The Library's dialogs are the app's one dialog: focus in, kept, Escape, focus back.
    dialog_keyboard_round(s, '[data-testid="lib-new-folder"]', "folder-dialog", "folder-dialog-input")
    dialog_keyboard_round(s, '[data-testid="lib-import"]', "import-dialog", "import-text")
    s.click('[data-testid="lib-import"]')
    s.js(
        "const t = document.querySelector('[data-testid=import-text]'); t.value = arguments[0];"
        "t.dispatchEvent(new Event('input', {bubbles: true}))",
        "https://example.com/a.jpg\nname,url\nlogo,https://example.com/logo.svg",
    )
    s.wait_text('[data-testid="import-start"]', "Import 2")
    shot(s, artifacts / "library-dark-import-1280.png")


def test_a_dropped_link_is_imported_and_a_file_is_copied_to_another_site(library, emulator, artifacts):
    site, site2 = emulator.sites[0]["id"], emulator.sites[1]["id"]
    source = seed(emulator, site2, 1, prefix="Shared")[0]
    s = library()
    wait_for(lambda: len(names(s)) == 3, "listed")
    # A link dragged from a browser arrives as an http(s) "path" (WebKitGTK's uri-list).
    drop(s, [f"{emulator.base_url}/_static/media/{source}", f"{emulator.base_url}/_static/media/missing_0~mv2.png"])
    wait_for(lambda: s.js("return [...document.querySelectorAll('[data-testid=import-job]')].map(e => e.dataset.stage).sort().join()") == "done,failed", "import jobs finished")
    why = s.js("return document.querySelector('[data-testid=import-error]').textContent")
    assert "404" in why, why
    sha = stored(emulator, site2)[source]["sha256"]
    # Named after the URL's last part, in the folder shown (the top level), the same bytes.
    imported = [f for f in stored(emulator, site).values() if f["displayName"] == source]
    assert len(imported) == 1, imported
    assert imported[0]["sha256"] == sha and imported[0]["operationStatus"] == "READY"
    assert imported[0]["parentFolderId"] == "media-root"
    wait_for(lambda: source in names(s), "the imported file listed")
    shot(s, artifacts / "library-imported-1280.png")

    # Copy a top-level logo to the second site.
    idx = names(s).index("Logo 00001.png")
    click_mod(s, idx)
    s.click('[data-testid="act-copy-site"]')
    s.wait('[data-testid="copy-target"]')
    # With more than one other site nothing is chosen for the user: Copy waits for a choice.
    assert s.js("return [...document.querySelectorAll('[data-testid=copy-target] option')].filter(o => o.value).length") > 1
    assert s.js("return document.querySelector('[data-testid=copy-target]').value") == ""
    assert s.js("return document.querySelector('[data-testid=copy-start]').disabled")
    shot(s, artifacts / "library-copy-dialog-unchosen-1280.png")
    s.js(
        "const sel = document.querySelector('[data-testid=copy-target]');"
        "sel.value = [...sel.options].find(o => o.textContent.includes(arguments[0])).value;"
        "sel.dispatchEvent(new Event('change', {bubbles: true}))",
        emulator.sites[1]["displayName"],
    )
    shot(s, artifacts / "library-copy-dialog-1280.png")
    # Wix refuses the copy's import once: the row says so and offers Retry, which copies it.
    emulator.control("POST", "faults", {"path_prefix": "/site-media/v1/files/import", "fault": {"type": "status", "status": 400}, "times": 1})
    s.click('[data-testid="copy-start"]')
    stages = "return [...document.querySelectorAll('[data-testid=import-job]')].map(e => e.dataset.stage).join()"
    wait_for(lambda: s.js(stages) == "failed,failed,done", "the copy failed")
    # "Copying 1 file…" goes once the copy has ended; its row says how.
    s.wait_gone('[data-testid="lib-notice"]', timeout=5)
    assert not any(f["displayName"] == "Logo 00001.png" for f in stored(emulator, site2).values())
    assert len(s.find_all('[data-testid="import-retry"]')) == 2
    shot(s, artifacts / "library-copy-failed-1280.png")
    s.click('[data-testid="import-job"]:first-child [data-testid="import-retry"]')
    wait_for(lambda: any(f["displayName"] == "Logo 00001.png" and f["operationStatus"] == "READY" for f in stored(emulator, site2).values()), "copied to the second site")
    wait_for(lambda: s.js(stages) == "done,failed,done", "the copy job done")
    # Clear finished empties the list (the copy and the import stay in History).
    s.click('[data-testid="import-clear"]')
    s.wait_gone('[data-testid="import-jobs"]', timeout=5)


def test_folders_rename_with_f2_trash_from_their_menu_or_delete_and_come_back(library, emulator, artifacts):
    site = emulator.sites[0]["id"]
    s = library()
    s.set_window_rect(800, 600)
    s.wait('[data-testid="lib-folder"][data-name="Archive"]')
    # On a short window the files are partly out of view: clicking one selects it and the page
    # is not scrolled to show them all (the file does not move from under the pointer).
    s.js("document.querySelector('main.content').scrollTop = 0")
    assert s.js("return document.querySelector('[data-testid=lib-files]').getBoundingClientRect().bottom") > 600
    click_mod(s, 0)
    s.wait_text('[data-testid="lib-selected"]', "1 selected")
    assert s.js("return document.querySelector('main.content').scrollTop") == 0
    click_mod(s, 0, ctrl=True)
    s.wait_gone('[data-testid="lib-selected"]', timeout=5)
    # Scrolled down, the files fill most of the short window.
    s.js("const c = document.querySelector('main.content'); c.scrollTop = c.scrollHeight")
    box = s.js("const r = document.querySelector('[data-testid=lib-files]').getBoundingClientRect(); return [r.top, r.bottom, r.height, innerHeight]")
    assert 0 <= box[0] and box[1] <= box[3] and box[2] >= 0.7 * box[3], box
    shot(s, artifacts / "library-files-scrolled-800.png")
    s.js("document.querySelector('main.content').scrollTop = 0")

    # F2 on a folder renames it.
    s.js("document.querySelector('[data-testid=lib-folder][data-name=Archive]').focus()")
    s.press(F2)
    s.wait('dialog[data-testid="folder-rename-dialog"][open]')
    # The name is selected, so typing replaces it; an empty name cannot be saved.
    sel = "const i = document.querySelector('[data-testid=folder-rename-dialog-input]');"
    wait_for(lambda: s.js(sel + " return [i.selectionStart, i.selectionEnd]") == [0, len("Archive")], "the name selected")
    s.type('[data-testid="folder-rename-dialog-input"]', " ")
    assert s.js("return document.querySelector('[data-testid=folder-rename-dialog-ok]').disabled")
    s.type('[data-testid="folder-rename-dialog-input"]', "Old stuff")
    shot(s, artifacts / "library-folder-rename-800.png")
    s.click('[data-testid="folder-rename-dialog-ok"]')
    s.wait_text('[data-testid="lib-notice"]', "Folder renamed to Old stuff")
    s.wait('[data-testid="lib-folder"][data-name="Old stuff"]')
    on_wix = wix_folders(emulator, site)
    assert "Old stuff" in on_wix and "Archive" not in on_wix, sorted(on_wix)

    # Its menu moves another to the trash, with what is in it; Undo puts it back.
    s.click('[data-testid="lib-folder-chip"][data-name="Events"] [data-testid="folder-more"]')
    s.wait('[data-testid="folder-trash"]')
    shot(s, artifacts / "library-folder-menu-800.png")
    s.click('[data-testid="folder-trash"]')
    s.wait_text('[data-testid="lib-notice"]', "Folder Events and everything in it moved to the trash")
    s.wait_gone('[data-testid="lib-folder"][data-name="Events"]')
    assert "Events" in wix_folders(emulator, site, trash=True) and "Events" not in wix_folders(emulator, site)
    s.click('[data-testid="lib-undo"]')
    s.wait_text('[data-testid="lib-notice"]', "Folder restored")
    s.wait('[data-testid="lib-folder"][data-name="Events"]')
    assert "Events" in wix_folders(emulator, site) and not wix_folders(emulator, site, trash=True)

    # Delete on a folder trashes it too; the trash offers Restore on it.
    s.js("document.querySelector('[data-testid=lib-folder][data-name=\"Old stuff\"]').focus()")
    s.press(DELETE)
    s.wait_text('[data-testid="lib-notice"]', "Folder Old stuff and everything in it moved to the trash")
    assert "Old stuff" in wix_folders(emulator, site, trash=True)
    s.click('[data-testid="lib-trash"]')
    s.wait('[data-testid="lib-folder-chip"][data-name="Old stuff"] [data-testid="folder-restore"]')
    shot(s, artifacts / "library-folder-trash-800.png")
    s.click('[data-testid="folder-restore"]')
    s.wait_text('[data-testid="lib-notice"]', "Folder restored")
    assert "Old stuff" in wix_folders(emulator, site) and not wix_folders(emulator, site, trash=True)
