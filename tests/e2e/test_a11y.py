"""axe-core on every screen and every dialog of the real window, in the light and the dark theme,
at 1280x800 and at the smallest window (800x600): no serious or critical violation of WCAG 2.1
A/AA or axe's best practices (see axe.py). Also the welcome, the demo's Keys screen and the
Leave demo question. Screenshots of each state land in target/test-artifacts/e2e/a11y-*."""
from __future__ import annotations

import time
import uuid

import pytest

from axe import check
from test_upload import add_profile_with_cli, drop, media_file, open_upload, wait_stages
from webdriver import KEY

THEMES = {"light": {}, "dark": {"GTK_THEME": "Adwaita:dark"}}
SIZES = [(1280, 800), (800, 600)]
SCREENS = [("upload", "Upload"), ("keys", "Keys"), ("history", "History"), ("guide", "Guide"), ("settings", "Settings")]


def resize(s, w: int, h: int) -> None:
    s.set_window_rect(w, h, 0, 0)
    deadline = time.time() + 5
    while time.time() < deadline and abs(s.js("return innerWidth") - w) > 40:
        time.sleep(0.1)
    time.sleep(0.3)  # one layout pass after the size settled (no event to wait for)


def sweep(s, label: str, log: list[str], artifacts, shots: bool = True) -> None:
    for w, h in SIZES:
        resize(s, w, h)
        check(s, f"{label} @{w}x{h}", log)
        if shots:
            s.screenshot(artifacts / f"a11y-{label.replace(' ', '-')}-{w}x{h}.png")
    resize(s, *SIZES[0])


def themed(s, theme: str) -> None:
    if theme == "dark" and not s.js("return matchMedia('(prefers-color-scheme: dark)').matches"):
        pytest.skip("this WebKitGTK does not report the dark GTK theme to prefers-color-scheme")


@pytest.mark.parametrize("theme", list(THEMES))
def test_every_screen_and_dialog_passes_axe(theme, launch, home, emulator, app_env, artifacts, tmp_path):
    add_profile_with_cli(home, app_env, emulator.api_key)
    s = launch(**app_env, **THEMES[theme])
    themed(s, theme)
    resize(s, *SIZES[0])
    log: list[str] = []
    # Something in the queue and in History, so their rows are checked too.
    open_upload(s)
    drop(s, [media_file(tmp_path / "photo.png", 60_000)])
    wait_stages(s, {"done"}, 1, timeout=60)

    for screen, heading in SCREENS:
        s.js(f"location.hash = '#/{screen}'")
        s.wait_text("main h1", heading)
        if screen == "history":
            s.wait('[data-testid="history-row"]')
        if screen == "keys":
            s.wait('[data-testid="profile-card"] [data-testid="verify"]')
        sweep(s, f"{theme} {screen}", log, artifacts)

    dialogs = [
        ("keys", '[data-testid="rename"]', "rename-dialog"),
        ("keys", '[data-testid="replace"]', "replace-dialog"),
        ("keys", '[data-testid="delete"]', "delete-dialog"),
        ("upload", '[data-testid="dest-folder"]', "folder-picker"),
    ]
    for screen, opener, dialog in dialogs:
        s.js(f"location.hash = '#/{screen}'")
        s.click(opener)
        s.wait(f'dialog[data-testid="{dialog}"][open]')
        if dialog == "folder-picker":
            s.wait_gone('[data-testid="folders-wait"]', timeout=30)
        sweep(s, f"{theme} dialog {dialog}", log, artifacts)
        s.press(KEY["Escape"])
        s.wait_gone(f'dialog[data-testid="{dialog}"][open]')
    assert not log, "axe-core found serious/critical problems:\n" + "\n".join(log)


@pytest.mark.parametrize("theme", list(THEMES))
def test_welcome_demo_and_leave_demo_pass_axe(theme, launch, artifacts, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    s = launch(WIXDROP_KEYCHAIN_SERVICE=f"Wixdrop e2e {uuid.uuid4()}", TMPDIR=str(tmp), **THEMES[theme])
    themed(s, theme)
    resize(s, *SIZES[0])
    log: list[str] = []
    s.wait('[data-testid="welcome"]')
    sweep(s, f"{theme} welcome", log, artifacts)
    s.click('[data-testid="welcome-demo"]')
    s.wait('[data-testid="demo-key-card"]', timeout=30)
    sweep(s, f"{theme} demo keys", log, artifacts)
    s.click('[data-testid="leave-demo"]')
    s.wait('[data-testid="leave-demo-dialog"][open]')
    sweep(s, f"{theme} dialog leave-demo", log, artifacts)
    s.click('[data-testid="confirm-leave-demo"]')
    s.wait('[data-testid="app-notice"]', timeout=30)
    sweep(s, f"{theme} after leaving the demo", log, artifacts)
    assert not log, "axe-core found serious/critical problems:\n" + "\n".join(log)
