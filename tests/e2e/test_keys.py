"""Keys in the real window: paste → badge → save → verify → sites; diagnoses link to the guide."""
import subprocess

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
    checked = s.js("return [...document.querySelectorAll('[data-testid=add-key] [data-testid=site-row]')].map(r => r.querySelector('input').checked)")
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
