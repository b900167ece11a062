"""An agency account in the real window: 130 Wix sites and 3 headless projects, listed in full
through live Wix's paging, the headless ones tagged on the Keys screen and in the Upload site picker."""


import time


def show_first_tag(s) -> None:
    """Scroll the first Headless tag into view and wait (with a deadline) until it is on screen."""
    deadline = time.monotonic() + 10
    while True:
        s.js("document.querySelector('[data-testid=add-key] [data-testid=headless-tag]').scrollIntoView({block: 'center'})")
        top = s.js("return document.querySelector('[data-testid=add-key] [data-testid=headless-tag]').getBoundingClientRect().top")
        if 0 < top < s.js("return innerHeight") or time.monotonic() > deadline:
            return
        s.js("return new Promise(r => requestAnimationFrame(() => r(1)))")


def agency(emulator, wix: int, headless: int) -> dict:
    account = emulator.control("POST", "accounts", {})["account_id"]
    emulator.control("POST", "sites", {"account_id": account, "display_name": "Client", "count": wix})
    emulator.control("POST", "sites", {"account_id": account, "display_name": "Headless shop", "count": headless, "namespace": "HEADLESS"})
    return emulator.mint_key(account_id=account)


def test_all_133_sites_listed_headless_tagged(launch, emulator, app_env, artifacts):
    minted = agency(emulator, 130, 3)
    s = launch(**app_env)
    s.js("location.hash = '#/keys'")
    s.type('[data-testid="paste-key"]', minted["api_key"])
    s.wait('[data-testid="key-badge"][data-usable="true"]')
    s.type('[data-testid="profile-name"]', "Agency")
    s.click('[data-testid="save-key"]')
    s.wait('[data-testid="verification"][data-status="works"]', timeout=30)
    rows = s.js("return [...document.querySelectorAll('[data-testid=add-key] [data-testid=site-row]')].map(r => r.textContent)")
    assert len(rows) == 133, len(rows)
    tagged = [r for r in rows if "Headless shop" in r]
    assert len(tagged) == 3 and all("Headless" in r.replace("Headless shop", "") for r in tagged), tagged
    assert s.js("return document.querySelectorAll('[data-testid=add-key] [data-testid=headless-tag]').length") == 3
    show_first_tag(s)
    s.screenshot(artifacts / "sites-01-keys-headless-tag.png")
    s.set_window_rect(800, 600)
    show_first_tag(s)
    s.screenshot(artifacts / "sites-02-keys-headless-tag-800x600.png")
    s.set_window_rect(1280, 800)

    s.click('[data-testid="add-done"]')
    s.wait('[data-profile="Agency"]')
    s.js("location.hash = '#/upload'")
    s.wait('[data-testid="dest-site"]')
    options = s.js("return [...document.querySelectorAll('[data-testid=dest-site] option')].map(o => o.textContent)")
    assert len(options) == 133
    assert sum("· Headless" in o for o in options) == 3, [o for o in options if "Headless" in o]
    s.screenshot(artifacts / "sites-03-upload-destination.png")
