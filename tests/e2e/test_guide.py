"""The in-app guide in the real window: every section and step through Next, deep links from
diagnoses and the key badge, the hand-over to the Keys screen, and screenshots of every page at
1280x800 and at the window's minimum size (800x600), in the light and the dark theme."""
from __future__ import annotations

import base64
import json
import os
import time
import uuid

import pytest

from webdriver import W3C_ELEMENT

# The guide's pages in Back/Next order (ui/src/lib/guide/sections.ts).
KEY_STEPS = [
    "get-api-key-open",
    "get-api-key-generate",
    "get-api-key-permissions",
    "get-api-key-sites",
    "get-api-key-verify",
    "get-api-key-copy",
    "get-api-key-paste",
]
PAGES = KEY_STEPS + ["which-credential", "find-ids", "keep-keys-safe", "troubleshooting"]
SIZES = [("wide", 1280, 800), ("min", 800, 600)]
ARROW_LEFT, ARROW_RIGHT, ENTER = "\ue012", "\ue014", "\ue007"


# -- synthetic credentials (built at run time; nothing here is valid at Wix) ---------------------
def _b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _jws(header: dict, payload: dict, sig_len: int) -> str:
    parts = [_b64u(json.dumps(header, separators=(",", ":")).encode()), _b64u(json.dumps(payload, separators=(",", ":")).encode())]
    return ".".join(parts + [_b64u(os.urandom(sig_len))])


def synth_api_key(account_id: str) -> str:
    data = {"id": str(uuid.uuid4()), "identity": {"type": "application", "id": str(uuid.uuid4())}, "tenant": {"type": "account", "id": account_id}}
    payload = {"data": json.dumps(data, separators=(",", ":")), "iat": int(time.time()) - 86400}
    return "IST." + _jws({"kid": "PozH_aC2", "alg": "RS256"}, payload, 256)


def synth_expired_oauth_token(site_id: str) -> str:
    iat = int(time.time()) - 6 * 3600
    instance = {"instance": {"instanceId": str(uuid.uuid4()), "appDefId": str(uuid.uuid4()), "metaSiteId": site_id, "permissions": "", "demoMode": False}}
    payload = {"data": json.dumps(instance, separators=(",", ":")), "iat": iat, "exp": iat + 14400}
    return "OauthNG.JWS." + _jws({"kid": "YHBsuJpH", "alg": "HS256"}, payload, 32)


# -- helpers ---------------------------------------------------------------------------------------
@pytest.fixture
def guide(launch, home):
    """The app with the welcome already dismissed, on the guide's contents page."""

    def _open(**env: str):
        (home / "config").mkdir(parents=True, exist_ok=True)
        (home / "config" / "settings.json").write_text('{"welcome_seen": true}')
        s = launch(**env)
        s.wait('[data-testid="app-shell"]')
        go(s, "#/guide")
        s.wait('[data-testid="guide-contents"]')
        return s

    return _open


def go(s, hash_: str) -> None:
    s.js("location.hash = arguments[0]", hash_)


def page_of(s) -> str:
    return s.js("return document.querySelector('[data-testid=guide]').dataset.page")


def wait_page(s, anchor: str, timeout: float = 10.0) -> None:
    deadline = time.time() + timeout
    while page_of(s) != anchor:
        if time.time() > deadline:
            raise AssertionError(f"guide page is {page_of(s)!r}, expected {anchor!r}")
        time.sleep(0.1)


def settle(s) -> None:
    """Let focus/scroll/animations finish before a screenshot."""
    s.js("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    time.sleep(0.35)


def resize(s, width: int, height: int) -> None:
    s.set_window_rect(width, height)
    deadline = time.time() + 5
    while s.js("return [innerWidth, innerHeight]") != [width, height] and time.time() < deadline:
        time.sleep(0.1)
    assert s.js("return [innerWidth, innerHeight]") == [width, height]


def in_view(s, css: str) -> bool:
    return s.js(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return r.top >= 0 && r.top < innerHeight - 40 && r.bottom > 0",
        css,
    )


def walk(s, artifacts, prefix: str) -> list[str]:
    """From the contents, press Next until the end; screenshot and check every page."""
    s.screenshot(artifacts / f"{prefix}-00-contents.png")
    s.click('[data-testid="guide-start"]')
    seen = []
    for n in range(1, 50):
        page = page_of(s)
        seen.append(page)
        settle(s)
        if page.startswith("get-api-key-"):
            # Step indicator: the current step is marked, and matches the page.
            current = s.js("return document.querySelector('[aria-current=step][data-testid=guide-step-dot]').getAttribute('href')")
            assert current == f"#/guide/{page}"
            if page != "get-api-key-paste":
                s.wait('[data-testid="illustration"] [role="img"][aria-label]')
                assert s.find_all('[data-testid="illustration"] .on[data-spot="1"]'), f"{page}: no numbered spot"
        s.screenshot(artifacts / f"{prefix}-{n:02d}-{page}.png")
        if s.find_all('[data-testid="guide-end"]'):
            break
        s.click('[data-testid="guide-next"]')
        deadline = time.time() + 10
        while page_of(s) == page and time.time() < deadline:
            time.sleep(0.05)
    return seen


# -- tests -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("label,width,height", SIZES)
def test_walk_every_section_and_step(guide, artifacts, label, width, height):
    s = guide()
    resize(s, width, height)
    contents = s.text(s.wait('[data-testid="guide-contents"]'))
    for title in ["Get an API key", "Which credential is which", "Account and site IDs", "Keep keys safe", "Troubleshooting"]:
        assert title in contents
    assert walk(s, artifacts, f"guide-{label}") == PAGES
    # The last page: no Next, Back still there.
    assert not s.find_all('[data-testid="guide-next"]')
    s.click('[data-testid="guide-back"]')
    wait_page(s, "keep-keys-safe")
    # The pager stays in reach at the bottom of the window even on long pages.
    assert in_view(s, '[data-testid="guide-pager"]')


def test_keyboard_moves_between_steps_and_keeps_focus(guide):
    s = guide()
    go(s, "#/guide/get-api-key-generate")
    wait_page(s, "get-api-key-generate")
    nxt = s.wait('[data-testid="guide-next"]')
    s._request("POST", s._s(f"/element/{nxt}/value"), {"text": ARROW_RIGHT})
    wait_page(s, "get-api-key-permissions")
    nxt = s.wait('[data-testid="guide-next"]')
    s.js("arguments[0].focus()", {W3C_ELEMENT: nxt})
    s._request("POST", s._s(f"/element/{nxt}/value"), {"text": ENTER})
    wait_page(s, "get-api-key-sites")
    # Pressing Next with the keyboard keeps focus on Next, so a keyboard user can keep going.
    settle(s)
    assert s.js("return document.activeElement.dataset.testid") == "guide-next"
    # ← from the focused (new) Next button goes back, and focus lands on Back.
    nxt = s.wait('[data-testid="guide-next"]')
    s._request("POST", s._s(f"/element/{nxt}/value"), {"text": ARROW_LEFT})
    wait_page(s, "get-api-key-permissions")
    settle(s)
    assert s.js("return document.activeElement.dataset.testid") == "guide-back"
    # The step indicator's links are real links to the step anchors.
    s.click('[data-testid="guide-step-dot"][href="#/guide/get-api-key-copy"]')
    wait_page(s, "get-api-key-copy")
    assert s.js("return location.hash") == "#/guide/get-api-key-copy"
    # From the first step, Back returns to the contents.
    go(s, "#/guide/get-api-key")
    wait_page(s, "get-api-key-open")
    s.click('[data-testid="guide-back"]')
    s.wait('[data-testid="guide-contents"]')


@pytest.mark.parametrize("label,width,height", SIZES)
def test_deep_links_open_highlight_and_focus_the_item(guide, artifacts, label, width, height):
    s = guide()
    resize(s, width, height)
    for anchor in ["trouble-403-permission", "trouble-ist-prefix", "trouble-5xx", "safe-rotate", "cred-oauth", "find-site-id"]:
        go(s, f"#/guide/{anchor}")
        s.wait(f'#{anchor}[data-targeted="true"]')
        settle(s)
        assert s.js("return document.activeElement.id") == anchor
        assert in_view(s, f"#{anchor}"), f"{anchor} is not scrolled into view"
        assert len(s.find_all('[data-targeted="true"]')) == 1
        s.screenshot(artifacts / f"guide-{label}-link-{anchor}.png")
    # A section link focuses the section's heading.
    go(s, "#/guide/find-ids")
    wait_page(s, "find-ids")
    settle(s)
    assert s.js("return document.activeElement.id") == "guide-page-title"
    # Unknown anchors fall back to the contents, saying so.
    go(s, "#/guide/no-such-thing")
    assert "no-such-thing" in s.text(s.wait('[data-testid="guide-unknown"]'))


def test_403_permission_link_shows_the_fix(guide):
    s = guide()
    go(s, "#/guide/trouble-403-permission")
    item = s.wait('#trouble-403-permission[data-targeted="true"]')
    text = s.text(item)
    assert all(p in text for p in ("Manage Media Manager", "Read Media Manager", "Read Site Data"))
    assert page_of(s) == "troubleshooting"
    # The overview entry links to each 403 cause.
    go(s, "#/guide/trouble-403")
    s.wait('#trouble-403[data-targeted="true"]')
    s.click('#trouble-403 a[href="#/guide/trouble-403-other-account"]')
    s.wait('#trouble-403-other-account[data-targeted="true"]')
    assert s.js("return document.activeElement.id") == "trouble-403-other-account"


def test_paste_box_badge_links_into_guide_and_hands_key_to_keys_screen(guide, artifacts):
    s = guide()
    resize(s, 1280, 800)
    go(s, "#/guide/get-api-key-paste")
    wait_page(s, "get-api-key-paste")
    # An expired OAuth token: the badge says what it is and links to the right section.
    s.type("#guide-paste-key", synth_expired_oauth_token(str(uuid.uuid4())))
    s.wait('[data-testid="key-badge"][data-kind="oauth_access_token"]')
    settle(s)
    s.screenshot(artifacts / "guide-wide-paste-oauth.png")
    link = s.wait('[data-testid="key-badge"] a.guide-link')
    s.js("arguments[0].scrollIntoView({block: 'center'})", {W3C_ELEMENT: link})  # as a user scrolls to it
    s.click_el(link)
    wait_page(s, "which-credential")
    settle(s)
    assert s.js("return document.activeElement.id") == "guide-page-title"
    assert "IST." in s.text(s.wait("#cred-api-key"))
    # A real-shaped API key: right kind; "Save and verify" goes to the Keys screen's add form.
    go(s, "#/guide/get-api-key-paste")
    wait_page(s, "get-api-key-paste")
    account = str(uuid.uuid4())
    s.type("#guide-paste-key", synth_api_key(account))
    s.wait('[data-testid="key-badge"][data-kind="wix_api_key"][data-usable="true"]')
    assert account in s.text(s.wait('[data-testid="key-badge-account"]'))
    settle(s)
    s.screenshot(artifacts / "guide-wide-paste-api-key.png")
    key = s.js("return document.querySelector('#guide-paste-key').value")
    save = s.wait('[data-testid="guide-save-key"]')
    s.js("arguments[0].scrollIntoView({block: 'center'})", {W3C_ELEMENT: save})
    s.click_el(save)
    # "Save and verify this key" opens the Keys screen's add form (the key rides in pendingKey).
    s.wait_text("main h1", "Keys")
    assert s.js("return location.hash") in ("#/keys/add", "#/keys")
    assert not s.find_all('[data-testid="guide"]')
    deadline = time.time() + 10
    while time.time() < deadline:
        if s.js("return [...document.querySelectorAll('main textarea')].some(t => t.value === arguments[0])", key):
            break
        time.sleep(0.1)
    else:
        s.screenshot(artifacts / "guide-wide-handover-keys.png")
        raise AssertionError("the Keys screen's add form did not receive the key pasted in the guide")
    s.screenshot(artifacts / "guide-wide-handover-keys.png")


def test_open_api_keys_page_button_is_offered(guide):
    s = guide()
    go(s, "#/guide/get-api-key-open")
    wait_page(s, "get-api-key-open")
    assert "Open the API Keys page" in s.text(s.wait('[data-testid="open-api-keys"]'))


def test_dark_theme_screenshots(guide, artifacts):
    s = guide(GTK_THEME="Adwaita:dark")
    resize(s, 1280, 800)
    dark = s.js("return matchMedia('(prefers-color-scheme: dark)').matches")
    shots = ["get-api-key-permissions", "get-api-key-copy", "which-credential", "trouble-403-permission"]
    for anchor in shots:
        go(s, f"#/guide/{anchor}")
        s.wait('[data-testid="guide-section"]')
        settle(s)
        s.screenshot(artifacts / f"guide-dark-{anchor}.png")
    if not dark:
        pytest.skip("this WebKitGTK does not report the dark GTK theme to prefers-color-scheme")
