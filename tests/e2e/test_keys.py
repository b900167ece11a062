"""Keys in the real window: paste → badge → save → verify → sites; diagnoses link to the guide."""
import json
import subprocess
import time

import pytest

from wixkeys import api_key, oauth_access_token


def all_text(home) -> str:
    return "\n".join(p.read_text(errors="replace") for p in home.rglob("*") if p.is_file())


def test_paste_badge_save_verify_and_sites(launch, home, emulator, app_env, artifacts):
    s = launch(**app_env)
    s.js("location.hash = '#/keys'")
    s.wait('[data-testid="add-key"]')

    # An OAuth token is recognised and refused: not an API key.
    s.type('[data-testid="paste-key"]', oauth_access_token(emulator.sites[0]["id"]))
    badge = s.wait('[data-testid="key-badge"][data-kind="oauth_access_token"]')
    assert "not an API key" in s.text(badge) or "temporary" in s.text(badge).lower()
    assert s.js("return document.querySelector('[data-testid=save-key]').disabled") is True
    s.screenshot(artifacts / "keys-01-oauth-token-badge.png")

    # The real key, pasted with a "Bearer " prefix: cleaned, recognised, account read from it.
    s.type('[data-testid="paste-key"]', "Bearer " + emulator.api_key)
    s.wait('[data-testid="key-badge"][data-kind="wix_api_key"][data-usable="true"]')
    s.wait_text('[data-testid="key-badge-account"]', emulator.account_id)
    assert s.js("return document.querySelector('[data-testid=account-id]').value") == emulator.account_id
    s.screenshot(artifacts / "keys-02-api-key-badge.png")

    s.type('[data-testid="profile-name"]', "Studio")
    s.click('[data-testid="save-key"]')
    s.wait('[data-testid="verification"][data-status="works"]', timeout=30)
    rows = [s.text(r) for r in s.find_all('[data-testid="add-key"] [data-testid="site-row"]')]
    assert len(rows) == len(emulator.sites)
    for site in emulator.sites:
        assert any(site["displayName"] in r for r in rows), (site, rows)
    # One site is the default (the first, the one the key was checked against and uploads go to).
    checked = s.js("return [...document.querySelectorAll('[data-testid=add-key] [data-testid=site-row]')].map(r => r.dataset.default === 'true')")
    assert checked == [True] + [False] * (len(rows) - 1), checked
    s.screenshot(artifacts / "keys-03-verified-sites.png")

    s.click('[data-testid="add-done"]')
    card = s.text(s.wait('[data-profile="Studio"]'))
    assert "Works" in card and emulator.api_key not in card
    assert emulator.api_key.split(".")[2] not in s.js("return document.body.innerHTML")
    s.screenshot(artifacts / "keys-04-profile.png")

    # The key is in the keychain and nowhere in WIXDROP_HOME.
    assert emulator.api_key not in all_text(home)
    found = subprocess.run(["secret-tool", "search", "--all", "service", app_env["WIXDROP_KEYCHAIN_SERVICE"]], capture_output=True, text=True)
    assert emulator.api_key in found.stdout + found.stderr


def test_revoked_key_shows_its_diagnosis_and_guide_link(launch, emulator, app_env, artifacts):
    minted = emulator.mint_key()
    emulator.control("POST", f"keys/{minted['key_id']}/revoke")
    s = launch(**app_env)
    s.js("location.hash = '#/keys'")
    s.type('[data-testid="paste-key"]', minted["api_key"])
    s.wait('[data-testid="key-badge"][data-usable="true"]')
    s.click('[data-testid="save-key"]')
    s.wait('[data-testid="verification"][data-status="key_rejected"]', timeout=30)
    s.screenshot(artifacts / "keys-05-revoked.png")
    s.click('[data-testid="verification-guide-link"]')
    s.wait_text("main h1", "Guide")
    assert s.js("return location.hash") == "#/guide/trouble-401"


def test_missing_media_permission_is_explained(launch, emulator, app_env, artifacts):
    minted = emulator.mint_key(permissions=("read_sites",))
    s = launch(**app_env)
    s.js("location.hash = '#/keys'")
    s.type('[data-testid="paste-key"]', minted["api_key"])
    s.wait('[data-testid="key-badge"][data-usable="true"]')
    s.click('[data-testid="save-key"]')
    text = s.wait_text('[data-testid="verification"][data-status="no_media_permission"]', "Manage Media Manager", timeout=30)
    assert "API Keys Manager" in text
    s.screenshot(artifacts / "keys-06-no-media-permission.png")


def stored_secrets(service: str) -> list[str]:
    """The secrets the real Secret Service holds for the app's keychain service."""
    out = subprocess.run(["secret-tool", "search", "--all", "--unlock", "service", service], capture_output=True, text=True)
    return [line.split("secret = ", 1)[1] for line in (out.stdout + out.stderr).splitlines() if line.strip().startswith("secret = ")]


def paste(s, css: str, text: str) -> None:
    """Put multi-line text into a field as a paste does (one `input` event with line breaks
    kept); WebDriver's typing does not keep line breaks in a textarea."""
    s.wait(css)
    s.js("const el = document.querySelector(arguments[0]); el.value = arguments[1]; el.dispatchEvent(new Event('input', {bubbles: true}))", css, text)
    assert s.js("return document.querySelector(arguments[0]).value", css) == text


def test_keys_pasted_in_an_env_file_or_a_curl_command(launch, emulator, app_env, artifacts):
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    s.js("location.hash = '#/keys'")
    s.wait('[data-testid="add-key"]')
    key, token = emulator.api_key, oauth_access_token(emulator.sites[0]["id"])

    # A curl command copied from the docs: the key is taken from its Authorization header.
    curl = (
        "curl -X POST 'https://www.wixapis.com/site-list/v2/sites/query' \\\n"
        f"  -H 'Authorization: {key}' \\\n"
        f"  -H 'wix-account-id: {emulator.account_id}'"
    )
    s.type('[data-testid="paste-key"]', curl)
    s.wait('[data-testid="key-badge"][data-kind="wix_api_key"][data-usable="true"]')
    found = s.wait_text('[data-testid="key-badge-found"][data-found-in="curl"]', "Taken from a curl command")
    assert "(Authorization)" in found
    s.wait_text('[data-testid="key-badge-account"]', emulator.account_id)
    s.screenshot(artifacts / "keys-07-from-curl.png")

    # Two different keys: the badge says so and nothing can be saved.
    other = api_key(emulator.account_id)
    paste(s, '[data-testid="paste-key"]', f"WIX_API_KEY={key}\nWIX_API_KEY_OLD={other}\n")
    s.wait('[data-testid="key-badge"][data-usable="false"] [data-problem="several_keys"]')
    listed = [s.text(li) for li in s.find_all('[data-testid="key-badge-others"] li')]
    assert listed == ["a Wix API key (in an env line, WIX_API_KEY)", "a Wix API key (in an env line, WIX_API_KEY_OLD)"], listed
    assert s.js("return document.querySelector('[data-testid=save-key]').disabled") is True
    s.screenshot(artifacts / "keys-08-several-keys.png")

    # A whole .env file with a token beside the key: the key is taken, the token only listed.
    env = (
        "# Wix\n"
        f"WIX_ACCOUNT_ID={emulator.account_id}\n"
        f'export WIX_API_KEY="{key}"  # production\n'
        f"WIX_TOKEN={token}\n"
    )
    paste(s, '[data-testid="paste-key"]', env)
    s.wait('[data-testid="key-badge"][data-usable="true"] [data-testid="key-badge-found"][data-found-in="env_line"]')
    s.wait_text('[data-testid="key-badge-found"]', "Taken from an env line (WIX_API_KEY).")
    others = s.wait_text('[data-testid="key-badge-others"]', "Also found, not used")
    assert "an OAuth access token (in an env line, WIX_TOKEN)" in others
    html = s.js("return document.body.innerHTML")
    for secret in (key, token):
        assert secret.split(".")[2] not in html and secret.split(".")[-1] not in html
    s.screenshot(artifacts / "keys-09-from-env-file.png")
    s.set_window_rect(800, 600, 0, 0)
    s.screenshot(artifacts / "keys-10-from-env-file-800x600.png")
    s.set_window_rect(1280, 800, 0, 0)

    # Saving stores exactly the bare key, which the emulator (standing in for Wix) accepts.
    s.type('[data-testid="profile-name"]', "From env")
    s.click('[data-testid="save-key"]')
    s.wait('[data-testid="verification"][data-status="works"]', timeout=30)
    assert stored_secrets(app_env["WIXDROP_KEYCHAIN_SERVICE"]) == [key]


def test_found_badge_in_the_dark_theme(launch, emulator, app_env, artifacts):
    s = launch(GTK_THEME="Adwaita:dark", **app_env)
    s.set_window_rect(800, 600, 0, 0)
    s.js("location.hash = '#/keys'")
    s.wait('[data-testid="add-key"]')
    tokens = {"accessToken": {"value": oauth_access_token(emulator.sites[0]["id"])}}
    s.type('[data-testid="paste-key"]', f'{{"apiKey": "{emulator.api_key}", "sdk": {json.dumps(tokens)}}}')
    s.wait('[data-testid="key-badge"][data-usable="true"] [data-testid="key-badge-found"][data-found-in="json"]')
    s.wait_text('[data-testid="key-badge-others"]', "an OAuth access token (in the Wix SDK tokens, accessToken.value)")
    s.screenshot(artifacts / "keys-11-found-dark-800x600.png")
    if not s.js("return matchMedia('(prefers-color-scheme: dark)').matches"):
        pytest.skip("this WebKitGTK does not report the dark GTK theme to prefers-color-scheme (light screenshot taken)")


def test_on_a_small_window_a_recognised_key_brings_its_save_button_into_view(launch, emulator, app_env, artifacts):
    s = launch(GTK_THEME="Adwaita:dark", **app_env)
    s.set_window_rect(800, 600, 0, 0)
    s.js("location.hash = '#/keys'")
    s.wait('[data-testid="add-key"]')
    s.type('[data-testid="paste-key"]', emulator.api_key)
    s.wait('[data-testid="key-badge"][data-kind="wix_api_key"][data-usable="true"]')
    # The badge pushes "Save and verify" down; it is brought back into the window.
    where = "const r = document.querySelector('[data-testid=save-key]').getBoundingClientRect(); return [r.top, r.bottom, innerHeight]"
    deadline = time.time() + 5
    while s.js(where)[1] > s.js(where)[2] and time.time() < deadline:
        time.sleep(0.1)
    top, bottom, inner = s.js(where)
    assert 0 <= top and bottom <= inner, (top, bottom, inner)
    s.screenshot(artifacts / "keys-800x600-dark-recognised.png")
