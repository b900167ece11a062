"""Fixtures for driving the real Wixdrop window: app binary, a private WIXDROP_HOME per test,
and a WebDriver session through tauri-driver. Needs DISPLAY (scripts/test.sh runs Xvfb)."""
from __future__ import annotations

import os
import subprocess
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
