"""Fixtures for driving the real Wixdrop window: app binary, a private WIXDROP_HOME per test,
and a WebDriver session through tauri-driver. Needs DISPLAY (scripts/test.sh runs Xvfb)."""
from __future__ import annotations

import json
import os
import subprocess
import urllib.request
import uuid
from pathlib import Path

import pytest

from webdriver import Session

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    d = Path(os.environ.get("WIXDROP_TEST_ARTIFACTS", REPO / "target/test-artifacts")) / "e2e"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="session")
def app_bin() -> str:
    p = Path(os.environ.get("WIXDROP_APP_BIN", REPO / "target/debug/wixdrop-desktop"))
    if not p.exists():
        pytest.fail(f"app binary {p} not found: build it with `cargo build --features tauri/custom-protocol`")
    if not os.environ.get("DISPLAY"):
        pytest.fail("no DISPLAY: run the end-to-end tests through scripts/test.sh (it starts Xvfb)")
    return str(p)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "wixdrop-home"
    h.mkdir()
    return h


def skip_welcome(home: Path) -> None:
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.json").write_text('{"welcome_seen": true}')


class Emulator:
    """The wix-emulator binary on a free loopback port, with its control API."""

    def __init__(self, proc: subprocess.Popen, info: dict):
        self.proc, self.info = proc, info
        self.base_url: str = info["base_url"]
        self.account_id: str = info["account_id"]
        self.api_key: str = info["api_key"]
        self.sites: list[dict] = info["sites"]

    def control(self, method: str, path: str, body: dict | None = None):
        req = urllib.request.Request(
            f"{self.base_url}/__emulator/{path}", method=method, data=json.dumps(body or {}).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return json.loads(raw) if raw else None

    def mint_key(self, permissions=("manage_media", "read_media", "read_sites"), site_access="all", account_id=None) -> dict:
        return self.control("POST", "keys", {"account_id": account_id or self.account_id, "permissions": list(permissions), "site_access": site_access})


@pytest.fixture
def emulator(tmp_path: Path):
    binary = os.environ.get("WIX_EMULATOR_BIN", str(REPO / "target/debug/wix-emulator"))
    if not Path(binary).exists():
        pytest.fail(f"wix-emulator binary {binary} not found: cargo build -p wix-emulator")
    proc = subprocess.Popen(
        [binary, "--port", "0", "--processing-delay-ms", "300", "--storage-dir", str(tmp_path / "emulator")], stdout=subprocess.PIPE, text=True
    )
    info = json.loads(proc.stdout.readline())
    yield Emulator(proc, info)
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def app_env(emulator, home) -> dict:
    """Environment for an app that talks to the emulator and keeps keys in its own keychain service."""
    skip_welcome(home)
    return {"WIXDROP_API_BASE": emulator.base_url, "WIXDROP_KEYCHAIN_SERVICE": f"Wixdrop e2e {uuid.uuid4()}"}


@pytest.fixture
def launch(app_bin: str, home: Path, artifacts: Path, request):
    """launch(**env) → a Session on a freshly started app window; closed after the test."""
    sessions: list[Session] = []

    def _launch(**env: str) -> Session:
        full = {"WIXDROP_HOME": str(home), **env}
        s = Session(app_bin, full, artifacts / f"{request.node.name}.driver.log")
        sessions.append(s)
        return s

    yield _launch
    for s in sessions:
        s.close()


def x11_window_titles() -> list[str]:
    """Titles of the top-level X11 windows that are mapped (what a user would see)."""
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "."], capture_output=True, text=True)
    titles = []
    for wid in out.stdout.split():
        name = subprocess.run(["xdotool", "getwindowname", wid], capture_output=True, text=True).stdout.strip()
        if name:
            titles.append(name)
    return titles


def screen_capture(path: Path) -> Path:
    """The whole X screen as a user would see it (ImageMagick import)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["import", "-window", "root", str(path)], check=True, capture_output=True)
    return path
