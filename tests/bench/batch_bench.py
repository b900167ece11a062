"""Big batches in the real window (run through batch_bench.sh, which provides Xvfb, D-Bus and a
throwaway keyring). For each size N: N tiny files in three subfolders are dropped on the Upload
screen (the e2e drop command, the same `tauri://drag-drop` event an OS drop gives) against a
local wix-emulator, then the same files are uploaded by `wixdrop upload`. Printed per size:

  - queue visible: from the drop call to the first paint of the queue's group header, measured
    INSIDE the page (performance.now() just before the drop is invoked; a MutationObserver sees
    the header, then the next requestAnimationFrame — the frame that paints it);
  - all done: from the drop to the overview saying not busy (WebDriver polling every 100 ms),
    beside `wixdrop upload DIR` on the same files (wall clock of the process);
  - memory: PSS (/proc/PID/smaps_rollup) of the app process and of its WebKitWebProcess,
    sampled every 250 ms during the batch (peak) and 3 s after it (final), beside the idle
    figure before the drop;
  - screen switch mid-batch: Upload → History → Upload, each leg timed in the page from the
    hash change to the frame after the new screen's heading (or the group header) is there.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests/e2e"))
from webdriver import Session  # noqa: E402

SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "100,1000,5000,20000").split(",") if x.strip()]
APP = os.environ.get("WIXDROP_APP_BIN", str(REPO / "target/debug/wixdrop-desktop"))
CLI = os.environ.get("WIXDROP_CLI_BIN", str(REPO / "target/debug/wixdrop"))
EMU = os.environ.get("WIX_EMULATOR_BIN", str(REPO / "target/debug/wix-emulator"))
OUT = REPO / "target/bench"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
MB = 1024 * 1024


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def tree(root: Path, n: int) -> Path:
    for i in range(n):
        d = root / f"day{i % 3 + 1}"
        if i < 3:
            d.mkdir(parents=True, exist_ok=True)
        (d / f"img{i:06d}.png").write_bytes(PNG + i.to_bytes(4, "big") + b"\0" * 200)
    return root


def children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(p.name))
            except (OSError, IndexError, ValueError):
                pass
    return out


def descendants(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        for c in children(p):
            seen.append(c)
            todo.append(c)
    return seen


def name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def pss_kib(pid: int) -> int:
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Procs:
    """The app process (under tauri-driver / WebKitWebDriver) and its WebKit web process."""

    def __init__(self, driver_pid: int):
        deadline = time.time() + 20
        self.app = self.web = None
        while time.time() < deadline and not (self.app and self.web):
            for p in descendants(driver_pid):
                n = name(p)
                if n.startswith("wixdrop-deskto"):
                    self.app = p
                elif n.startswith("WebKitWebProces") and self.app and p in descendants(self.app):
                    self.web = p
            time.sleep(0.2)
        if not self.app:
            raise RuntimeError("the app process was not found under tauri-driver")

    def sample(self) -> tuple[int, int]:
        return pss_kib(self.app), pss_kib(self.web) if self.web else 0


class Peak(threading.Thread):
    def __init__(self, procs: Procs):
        super().__init__(daemon=True)
        self.procs, self.stop, self.app, self.web = procs, threading.Event(), 0, 0

    def run(self):
        while not self.stop.is_set():
            a, w = self.procs.sample()
            self.app, self.web = max(self.app, a), max(self.web, w)
            self.stop.wait(0.25)


WATCH = """
const t0 = performance.now();
window.__bench = {paint: null};
const obs = new MutationObserver(() => {
  if (window.__bench.paint === null && document.querySelector('[data-testid=group]')) {
    obs.disconnect();
    requestAnimationFrame(() => { window.__bench.paint = performance.now() - t0; });
    window.__bench.paint = -1;
  }
});
obs.observe(document.body, {subtree: true, childList: true});
return window.__TAURI_INTERNALS__.invoke('e2e_drop', {paths: [arguments[0]]}).then(() => null, (e) => JSON.stringify(e));
"""

SWITCH = """
const [hash, css, needle] = arguments;
const t = performance.now();
location.hash = hash;
return new Promise((resolve) => {
  const look = () => {
    const e = document.querySelector(css);
    if (e && (!needle || e.textContent.includes(needle))) requestAnimationFrame(() => resolve(performance.now() - t));
    else requestAnimationFrame(look);
  };
  look();
});
"""


def start_emulator(storage: Path) -> tuple[subprocess.Popen, dict]:
    p = subprocess.Popen([EMU, "--port", "0", "--processing-delay-ms", "0", "--storage-dir", str(storage)], stdout=subprocess.PIPE, text=True)
    return p, json.loads(p.stdout.readline())


def add_profile(home: Path, env: dict, key: str) -> None:
    full = {**os.environ, **env, "WIXDROP_HOME": str(home)}
    out = subprocess.run([CLI, "--json", "key", "add", "Bench"], input=key, capture_output=True, text=True, env=full, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"wixdrop key add failed: {out.stderr.strip()}")


def one(n: int, work: Path) -> dict:
    r: dict = {"n": n}
    files = tree(work / f"Batch {n}", n)
    # The CLI first, in its own home (its own journal) and against its own emulator, so that
    # neither run starts with the other's files on the server.
    cli_emu, cli_info = start_emulator(work / "emulator-cli")
    try:
        cli_env = {"WIXDROP_API_BASE": cli_info["base_url"], "WIXDROP_KEYCHAIN_SERVICE": f"Wixdrop bench {uuid.uuid4()}"}
        cli_home = work / "cli-home"
        cli_home.mkdir()
        add_profile(cli_home, cli_env, cli_info["api_key"])
        log(f"{n}: wixdrop upload")
        t = time.time()
        out = subprocess.run([CLI, "--json", "upload", str(files)], capture_output=True, text=True,
                             env={**os.environ, **cli_env, "WIXDROP_HOME": str(cli_home)}, timeout=3600)
        r["cli_s"] = time.time() - t
        r["cli_ok"] = out.returncode == 0
    finally:
        cli_emu.terminate()
        cli_emu.wait(10)
    emu, info = start_emulator(work / "emulator")
    try:
        env = {"WIXDROP_API_BASE": info["base_url"], "WIXDROP_KEYCHAIN_SERVICE": f"Wixdrop bench {uuid.uuid4()}"}

        home = work / "app-home"
        (home / "config").mkdir(parents=True)
        (home / "config" / "settings.json").write_text('{"welcome_seen": true}')
        add_profile(home, env, info["api_key"])
        log(f"{n}: the app")
        s = Session(APP, {**env, "WIXDROP_HOME": str(home)}, OUT / "batch_bench-driver.log")
        try:
            s.set_window_rect(1280, 800, 0, 0)
            s.js("location.hash = '#/upload'")
            s.wait('[data-testid="dest-site"]', timeout=30)
            procs = Procs(s.driver.pid)
            time.sleep(3)
            r["idle_app"], r["idle_web"] = procs.sample()
            peak = Peak(procs)
            peak.start()
            t_drop = time.time()
            err = s.js(WATCH, str(files))
            if err:
                raise RuntimeError(f"e2e_drop failed: {err}")
            deadline = time.time() + 60
            while time.time() < deadline:
                p = s.js("return window.__bench.paint")
                if p is not None and p >= 0:
                    r["paint_ms"] = p
                    break
                time.sleep(0.05)
            # Mid-batch screen switch (only if the batch is still running).
            if s.js("return document.querySelector('[data-testid=queue-overview]')?.dataset.busy") == "true":
                a = s.js(SWITCH, "#/history", "main h1", "History")
                b = s.js(SWITCH, "#/upload", "[data-testid=group]", "")
                r["switch_ms"] = (a, b)
                r["switch_busy"] = s.js("return document.querySelector('[data-testid=queue-overview]')?.dataset.busy") == "true"
            while time.time() < t_drop + 3600:
                if s.js("return document.querySelector('[data-testid=queue-overview]')?.dataset.busy") == "false":
                    break
                time.sleep(0.1)
            r["app_s"] = time.time() - t_drop
            r["headline"] = s.js("return document.querySelector('[data-testid=queue-headline]')?.textContent")
            r["dom_rows"] = s.js("return document.querySelectorAll('[data-testid=job]').length")
            time.sleep(3)
            peak.stop.set()
            peak.join()
            r["peak_app"], r["peak_web"] = peak.app, peak.web
            r["final_app"], r["final_web"] = procs.sample()
            s.screenshot(OUT / f"batch-{n}-done.png")
        finally:
            s.close()
    finally:
        emu.terminate()
        emu.wait(10)
    return r


def mb(kib: int) -> str:
    return f"{kib * 1024 / MB:.0f}"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in SIZES:
        with tempfile.TemporaryDirectory(prefix=f"wixdrop-batch-{n}-") as d:
            try:
                rows.append(one(n, Path(d)))
            except Exception as e:  # noqa: BLE001 — report and go on with the other sizes
                log(f"{n}: could not be measured: {e}")
                rows.append({"n": n, "error": str(e)})
    profile = os.environ.get("BENCH_PROFILE", "debug")
    print(f"\nBig batches in the app ({profile} build with the e2e feature; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; Xvfb 1280x800)")
    print("  queue visible: drop call → first frame painted with the group header (in-page clock, MutationObserver + rAF)")
    print("  all done: drop → overview not busy (WebDriver polling, 100 ms); CLI: `wixdrop upload DIR` wall clock, same files")
    print("  memory: PSS MB of the app process / of its WebKitWebProcess — idle before the drop, peak (250 ms samples), 3 s after")
    print("  switch: Upload → History + History → Upload mid-batch, in-page clock to the next frame after the screen is there\n")
    hdr = f"{'files':>7}  {'queue visible':>13}  {'all done':>9}  {'CLI':>7}  {'ratio':>5}  {'app MB idle/peak/final':>22}  {'WebKit MB idle/peak/final':>25}  {'switch ms':>12}"
    print(hdr)
    misses = []
    for r in rows:
        n = r["n"]
        if "error" in r:
            print(f"{n:>7}  not measured: {r['error']}")
            misses.append(f"{n}: not measured")
            continue
        ratio = r["app_s"] / r["cli_s"] if r.get("cli_s") else float("nan")
        sw = r.get("switch_ms")
        sw_s = f"{sw[0]:.0f}+{sw[1]:.0f}" if sw else "(done first)"
        paint = r.get("paint_ms")
        print(f"{n:>7}  {(f'{paint:.0f} ms' if paint is not None else 'never'):>13}  {r['app_s']:>7.1f} s  {r['cli_s']:>5.1f} s  {ratio:>5.2f}  "
              f"{mb(r['idle_app']) + '/' + mb(r['peak_app']) + '/' + mb(r['final_app']):>22}  "
              f"{mb(r['idle_web']) + '/' + mb(r['peak_web']) + '/' + mb(r['final_web']):>25}  {sw_s:>12}")
        print(f"{'':>7}  headline at the end: {r['headline']!r}; job rows in the DOM: {r['dom_rows']}; CLI exit ok: {r['cli_ok']}")
        if paint is None or paint > 300:
            misses.append(f"{n}: queue visible {paint if paint is None else round(paint)} ms > 300 ms")
        if ratio > 1.5:
            misses.append(f"{n}: all done {ratio:.2f}× the CLI's > 1.5×")
        if sw and max(sw) > 200:
            misses.append(f"{n}: a screen switch leg took {max(sw):.0f} ms > 200 ms")
        if n >= 20000 and (r["peak_web"] - r["idle_web"]) * 1024 > 100 * MB:
            misses.append(f"{n}: WebKit peak {mb(r['peak_web'])} MB > idle {mb(r['idle_web'])} + 100 MB")
    print("\nTargets: queue visible ≤ 300 ms at every size; all done ≤ 1.5× the CLI's; WebKit memory at 20,000 ≤ idle + 100 MB;")
    print("         screen switch ≤ 200 ms while uploading.")
    print("Missed: " + ("; ".join(misses) if misses else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
