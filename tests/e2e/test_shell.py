"""Smoke test: the real app window opens, shows the first-run welcome, and every screen of the
shell is reachable from the navigation."""
import json
import time

from conftest import screen_capture, x11_window_titles


def test_window_opens_with_welcome_and_navigation(launch, home, artifacts):
    s = launch()
    s.wait('[data-testid="app-shell"]')

    # The native window is titled "Wixdrop".
    deadline = time.time() + 10
    while "Wixdrop" not in x11_window_titles() and time.time() < deadline:
        time.sleep(0.2)
    assert "Wixdrop" in x11_window_titles()

    # First run: the welcome says what Wixdrop does and offers the guide.
    welcome = s.text(s.wait('[data-testid="welcome"]'))
    assert "Welcome to Wixdrop" in welcome
    assert "Media Manager" in welcome and "keychain" in welcome
    assert s.find_all('[data-testid="welcome-guide"]')
    s.screenshot(artifacts / "shell-01-welcome.png")
    screen_capture(artifacts / "shell-01-welcome-x11.png")

    s.click('[data-testid="welcome-skip"]')
    s.wait_gone('[data-testid="welcome"]')
    # Dismissing the welcome is remembered on disk.
    settings = json.loads((home / "config" / "settings.json").read_text())
    assert settings["welcome_seen"] is True

    for n, (screen, heading) in enumerate(
        [("upload", "Upload"), ("keys", "Keys"), ("history", "History"), ("guide", "Guide"), ("settings", "Settings")], start=2
    ):
        s.click(f'[data-testid="nav-{screen}"]')
        s.wait_text("main h1", heading)
        assert s.js("return location.hash") == f"#/{screen}"
        s.screenshot(artifacts / f"shell-0{n}-{screen}.png")


def test_welcome_is_not_shown_again_and_settings_save(launch, home, artifacts):
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text('{"welcome_seen": true}')
    s = launch()
    s.wait('[data-testid="app-shell"]')
    s.click('[data-testid="nav-settings"]')
    s.wait('[data-testid="settings-form"]')
    assert not s.find_all('[data-testid="welcome"]')
    s.type("#concurrency", "5")
    s.click('[data-testid="settings-form"] button[type="submit"]')
    s.wait_text('[data-testid="settings-form"] [role="status"]', "Saved")
    assert json.loads((home / "config" / "settings.json").read_text())["concurrency"] == 5
    # Out-of-range values are refused by the form itself, and nothing is written.
    s.type("#concurrency", "40")
    s.click('[data-testid="settings-form"] button[type="submit"]')
    assert s.js("return document.querySelector('#concurrency').validity.valid") is False
    time.sleep(0.5)
    assert json.loads((home / "config" / "settings.json").read_text())["concurrency"] == 5
    # An unsaved edit survives leaving the screen, and its Save stays in view on a short window.
    s.set_window_rect(800, 600)
    s.wait('[data-testid="settings-unsaved"]')
    s.click('[data-testid="nav-upload"]')
    s.wait_text("main h1", "Upload")
    s.click('[data-testid="nav-settings"]')
    s.wait('[data-testid="settings-unsaved"]')
    assert s.js("return document.querySelector('#concurrency').value") == "40"
    box = s.js("const r = document.querySelector('[data-testid=settings-save]').getBoundingClientRect(); return [r.top, r.bottom, innerHeight]")
    assert 0 <= box[0] and box[1] <= box[2], box
    s.screenshot(artifacts / "settings-unsaved-800x600.png")
    # Discard puts back what is saved.
    s.click('[data-testid="settings-discard"]')
    s.wait_gone('[data-testid="settings-unsaved"]')
    assert s.js("return document.querySelector('#concurrency').value") == "5"


def test_damaged_settings_file_is_reported_not_fatal(launch, home):
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text("{ this is not json")
    s = launch()
    banner = s.wait_text('[role="status"]', "damaged")
    assert "settings.json.damaged-" in banner
    assert s.find_all('[data-testid="welcome"]')
