"""A minimal W3C WebDriver client for driving the real Wixdrop window through tauri-driver.

It keeps ONE HTTP/1.1 connection open for the whole session: tauri-driver drops 30-50 % of
requests that arrive on fresh connections (see shared/platform-notes.md section 4).
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

W3C_ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
# W3C WebDriver key codes.
KEY = {"Tab": "\ue004", "Enter": "\ue007", "Shift": "\ue008", "Escape": "\ue00c", "ArrowDown": "\ue015", "ArrowUp": "\ue013", "Space": "\ue00d"}


def _descendants(pid: int) -> list[int]:
    """Every live process below `pid` (from /proc), children before grandchildren."""
    parents: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    parents[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = [], [pid]
    while frontier:
        kids = [p for p, pp in parents.items() if pp in frontier]
        found += kids
        frontier = kids
    return found


def _end(pids: list[int], grace: float = 5.0) -> None:
    """SIGTERM the processes still alive, then SIGKILL what is left after `grace` seconds."""
    def alive(p: int) -> bool:
        try:
            with open(f"/proc/{p}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    left = [p for p in pids if alive(p)]
    for p in left:
        try:
            os.kill(p, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.monotonic() + grace
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = [p for p in left if alive(p)]
    for p in left:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
CONTROL = "\ue009"


class WebDriverError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on port {port} after {timeout}s")


def find_tauri_driver() -> str:
    found = shutil.which("tauri-driver") or str(Path.home() / ".cargo/bin/tauri-driver")
    if not Path(found).exists():
        raise RuntimeError("tauri-driver is not installed; run scripts/setup.sh --test")
    return found


class Session:
    """One app window under WebDriver. Use as a context manager."""

    def __init__(self, app: str, env: dict[str, str], log_path: Path):
        self.port = free_port()
        native = shutil.which("WebKitWebDriver")
        if not native:
            raise RuntimeError("WebKitWebDriver is not installed (Debian package webkit2gtk-driver)")
        self.log = open(log_path, "ab")
        self.driver = subprocess.Popen(
            [find_tauri_driver(), "--port", str(self.port), "--native-port", str(free_port()), "--native-driver", native],
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_port(self.port)
        caps = {"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}}
        # tauri-driver accepts connections before its WebKitWebDriver is ready; the first session
        # of a run can be dropped. Retry creation (only) on a fresh connection.
        for attempt in range(4):
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
            try:
                value = self._request("POST", "/session", caps)
                break
            except (ConnectionError, http.client.HTTPException) as e:
                self.conn.close()
                if attempt == 3:
                    raise WebDriverError(f"could not start a WebDriver session: {e}") from e
                time.sleep(1.0 + attempt)
        self.id = value["sessionId"]

    # -- plumbing ---------------------------------------------------------------------------
    def _request(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body if body is not None else {}) if method == "POST" else None
        headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            raise WebDriverError(f"{method} {path}: HTTP {resp.status}, not JSON: {raw[:200]!r}")
        value = payload.get("value")
        if resp.status >= 400:
            raise WebDriverError(f"{method} {path}: HTTP {resp.status}: {value}")
        return value

    def _s(self, path: str) -> str:
        return f"/session/{self.id}{path}"

    def close(self) -> None:
        # The app is the driver's child; one that outlives the session (a window kept open by a
        # dialog, a close answered with "keep uploading") would linger as a second window for
        # the next test, so every process the driver started is ended here.
        started = _descendants(self.driver.pid)
        try:
            self._request("DELETE", self._s(""))
        except Exception:
            pass
        self.conn.close()
        self.driver.terminate()
        try:
            self.driver.wait(10)
        except subprocess.TimeoutExpired:
            self.driver.kill()
        _end(started)
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- commands ---------------------------------------------------------------------------
    def js(self, script: str, *args):
        return self._request("POST", self._s("/execute/sync"), {"script": script, "args": list(args)})

    def js_async(self, script: str, *args):
        """Run `script` with a callback as its last argument; returns what it passes to it."""
        return self._request("POST", self._s("/execute/async"), {"script": script, "args": list(args)})

    def press(self, *keys: str) -> None:
        """Press keys on whatever has focus, as a keyboard would (W3C key actions). A key held
        with another: press(KEY["Shift"] + KEY["Tab"]) holds the first while pressing the rest."""
        for combo in keys:
            down = [{"type": "keyDown", "value": k} for k in combo]
            up = [{"type": "keyUp", "value": k} for k in reversed(combo)]
            self._request("POST", self._s("/actions"), {"actions": [{"type": "key", "id": "keyboard", "actions": down + up}]})
        self._request("DELETE", self._s("/actions"))

    def active(self) -> dict:
        """What has focus: its test id, tag, text and whether it is inside an open dialog."""
        return self.js(
            """const e = document.activeElement;
            return {testid: e?.dataset?.testid ?? null, tag: e?.tagName ?? null, text: (e?.textContent ?? '').trim().slice(0, 80),
                    inDialog: !!e?.closest('dialog[open]'), label: e?.getAttribute?.('aria-label') ?? null}"""
        )

    def find_all(self, css: str) -> list[str]:
        found = self._request("POST", self._s("/elements"), {"using": "css selector", "value": css})
        return [e[W3C_ELEMENT] for e in found]

    def wait(self, css: str, timeout: float = 15.0) -> str:
        """Wait until an element matching `css` exists and is displayed; return it."""
        deadline = time.time() + timeout
        while True:
            try:
                found = self.find_all(css)
            except WebDriverError:
                found = []  # the page is reloading (a switch into or out of the demo): look again
            for el in found:
                if self._displayed(el):
                    return el
            if time.time() > deadline:
                raise TimeoutError(f"no visible element matches {css!r} after {timeout}s")
            time.sleep(0.15)

    def _displayed(self, el: str) -> bool:
        """Whether `el` is displayed; False when it left the DOM between find and ask, as rows of
        a virtualized list do when they scroll out or re-render (WebKitWebDriver then answers
        "stale element" or a bare 500)."""
        try:
            return bool(self._request("GET", self._s(f"/element/{el}/displayed")))
        except WebDriverError:
            return False

    def wait_gone(self, css: str, timeout: float = 15.0) -> None:
        deadline = time.time() + timeout
        while self.find_all(css):
            if time.time() > deadline:
                raise TimeoutError(f"{css!r} still present after {timeout}s")
            time.sleep(0.15)

    def wait_text(self, css: str, needle: str, timeout: float = 15.0) -> str:
        deadline = time.time() + timeout
        last = ""
        while time.time() < deadline:
            for el in self.find_all(css):
                try:
                    last = self.text(el)
                except WebDriverError:
                    continue  # re-rendered between find and read (virtualized lists): look again
                if needle in last:
                    return last
            time.sleep(0.15)
        raise TimeoutError(f"{css!r} never contained {needle!r}; last text: {last[:300]!r}")

    def click(self, css: str, timeout: float = 15.0) -> None:
        self.click_el(self.wait(css, timeout))

    def click_el(self, el: str) -> None:
        try:
            self._request("POST", self._s(f"/element/{el}/click"))
        except WebDriverError as e:
            if "intercepted" not in str(e):
                raise
            # Something sticky (a pager, a banner) covers it: scroll it to the middle, as a
            # person would, and click once more.
            self.js("arguments[0].scrollIntoView({block: 'center'})", {W3C_ELEMENT: el})
            time.sleep(0.3)
            self._request("POST", self._s(f"/element/{el}/click"))

    def text(self, el: str) -> str:
        return self._request("GET", self._s(f"/element/{el}/text"))

    def type(self, css: str, text: str, clear: bool = True) -> None:
        el = self.wait(css)
        if clear:
            self._request("POST", self._s(f"/element/{el}/clear"))
        self._request("POST", self._s(f"/element/{el}/value"), {"text": text})

    def set_window_rect(self, width: int, height: int, x: int | None = None, y: int | None = None) -> dict:
        """Resize (and optionally move) the window; returns the rect the window really got."""
        rect: dict = {"width": width, "height": height}
        if x is not None and y is not None:
            rect.update(x=x, y=y)
        return self._request("POST", self._s("/window/rect"), rect)

    def title(self) -> str:
        return self._request("GET", self._s("/title"))

    def screenshot(self, path: Path) -> Path:
        png = base64.b64decode(self._request("GET", self._s("/screenshot")))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        return path

