#!/usr/bin/env python3
"""The Library with a folder of 5,000 files: time to the first page, memory with all 5,000 rows
loaded, and the thumbnail cache's size. Figures beside targets and beside curl fetching the same
page from the same server, not pass/fail; not part of CI.

    bash tests/bench/library_bench.sh      (or: python3 tests/bench/library_bench.py)

It starts itself again inside a private X display (Xvfb 1280x800), D-Bus session and throwaway
gnome-keyring (as history_bench.py does), and measures the debug binaries the e2e tests use;
build them first:

    npm --prefix ui run build
    cargo build --workspace --bins --features tauri/custom-protocol,wixdrop-desktop/e2e

Knobs: LIBRARY_BENCH_FILES (5000), LIBRARY_BENCH_RUNS (5), WIXDROP_APP_BIN / WIXDROP_CLI_BIN /
WIX_EMULATOR_BIN.

The folder is made on the emulator's control API (real 1×1 PNG bytes on disk, READY at once),
with the emulator's own static host on so thumbnails are real fetches. Measured in the window
through WebDriver (performance.now() inside the page; "painted" = the files in the DOM and two
animation frames later):
  - first page: click on the folder → its first files painted (median of RUNS), split into the
    emulator's own answer time for that List Files call (measured inside the emulator, from its
    request log) and what Wixdrop adds (the rest: IPC, Rust, serialization, the window's render
    and paint; the issue's target is ≤ 300 ms). Beside it the library_page command alone (IPC +
    Rust + the emulator's answer), and curl fetching the same page from another process;
  - memory: PSS of the WebKit web process and the app before the Library and after scrolling the
    grid through all files (every cursor page loaded);
  - the time to load every page by scrolling to the end, and the most tiles in the DOM at once
    (virtualized: does not grow with the folder);
  - thumbnail cache: files and bytes under WIXDROP_HOME/data/thumbnails after the scroll (the
    budget is 64 MiB; each tile's thumbnail was fetched by Rust, at most 4 at a time).
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests/e2e"))
sys.path.insert(0, str(REPO / "tests/bench"))

FILES = int(os.environ.get("LIBRARY_BENCH_FILES", "5000"))
RUNS = int(os.environ.get("LIBRARY_BENCH_RUNS", "5"))
TARGET_FIRST_PAGE_MS = 300


def binary(env: str, name: str) -> str:
    p = Path(os.environ.get(env, REPO / "target/debug" / name))
    if not p.exists():
        sys.exit(f"library_bench: {p} not found. Build it first (see the top of {__file__}).")
    return str(p)


def inside_private_session() -> None:
    inner = (
        'kr=$(mktemp -d); eval "$(echo -n bench | HOME=$kr gnome-keyring-daemon --replace --unlock '
        '--components=secrets 2>/dev/null 3>&-)" || true; export GNOME_KEYRING_CONTROL; '
        'LIBRARY_BENCH_INNER=1 python3 "$0" >&3 2>&3; rc=$?; rm -rf "$kr"; exit $rc'
    )
    log = REPO / "target/bench/library_bench-session.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    os.dup2(sys.stdout.fileno(), 3)
    with open(log, "wb") as lf:
        rc = subprocess.call(
            ["dbus-run-session", "--", "xvfb-run", "-a", "-s", "-screen 0 1280x800x24 -nolisten tcp", "bash", "-c", inner, __file__],
            stdout=lf, stderr=lf, pass_fds=(3,),
        )
    if rc:
        print(f"(exit {rc}; D-Bus/Xvfb output: {log})", file=sys.stderr)
    sys.exit(rc)


def control(base: str, method: str, path: str, body: dict | None = None):
    req = urllib.request.Request(f"{base}/__emulator/{path}", method=method, data=json.dumps(body or {}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"null")


def list_answers(base: str, folder: str) -> list[float]:
    """The emulator's own answer times (ms) of the first-page List Files calls for `folder` in
    its request log, oldest first."""
    log = control(base, "GET", "log")["requests"]
    return [r["answer_ms"] for r in log
            if r["method"] == "GET" and r["path"] == "/site-media/v1/files" and r.get("answer_ms") is not None
            and f"parentFolderId={folder}" in (r["query"] or "") and "paging.cursor" not in (r["query"] or "")]


def open_folder(s, folder: str) -> list[float]:
    """From Site Files, click the folder; ms until its first files are painted, and ms until the
    window had the page (library_page answered)."""
    s.js("document.querySelector('[data-testid=crumb-root]')?.click()")
    s.wait('[data-testid="lib-folder"][data-name="Big"]', timeout=30)
    s.wait('[data-testid="lib-empty"]', timeout=30)  # the top level's own page is in (it has no files)
    return s.js_async(
        """const done = arguments[arguments.length - 1];
        const t0 = performance.now();
        performance.clearMarks('library:first-page');
        document.querySelector('[data-testid=lib-folder][data-name=Big]').click();
        const folder = arguments[0];
        const check = () => {
          const n = document.querySelectorAll('[data-testid=lib-file]').length;
          const box = document.querySelector('[data-testid=lib-files]');
          if (n > 0 && box && box.dataset.folder === folder) {
            const dom = performance.now() - t0;
            requestAnimationFrame(() => requestAnimationFrame(() => {
              const m = performance.getEntriesByName('library:first-page')[0];
              done([performance.now() - t0, m ? m.startTime - t0 : null, dom]);
            }));
          }
          else setTimeout(check, 2);
        };
        check();""",
        folder,
    )


def idle_frames(s) -> list[float]:
    """Two animation frames with nothing to draw (what a paint costs on this machine now)."""
    return s.js_async(
        """const done = arguments[arguments.length - 1];
        (async () => { const out = [];
          for (let i = 0; i < 5; i++) { const t0 = performance.now();
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            out.push(performance.now() - t0); }
          done(out); })();""",
    )


def ipc_page(s, profile: str, site: str, folder: str) -> list[float]:
    return s.js_async(
        """const [profile, site, folder] = arguments; const done = arguments[arguments.length - 1];
        (async () => { const out = [];
          for (let i = 0; i < 5; i++) { const t0 = performance.now();
            await window.__TAURI_INTERNALS__.invoke('library_page', {query: {profile, site_id: site, folder_id: folder, trash: false, text: null,
              filter: {media_types: [], private: null, sort: 'date', ascending: null}, cursor: null, limit: 100}});
            out.push(performance.now() - t0); }
          done(out); })();""",
        profile, site, folder,
    )


def curl_page(base: str, key: str, site: str, folder: str) -> list[float]:
    out = []
    url = f"{base}/site-media/v1/files?parentFolderId={folder}&sort.fieldName=updatedDate&sort.order=DESC&paging.limit=100"
    for _ in range(5):
        r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", "-H", f"Authorization: {key}", "-H", f"wix-site-id: {site}", url],
                           capture_output=True, text=True, timeout=60)
        out.append(float(r.stdout or 0) * 1000)
    return out


def scroll_all(s) -> tuple[int, float]:
    """Scroll the grid to its end again and again until every page is loaded, then back through
    it a screen at a time; returns the most tiles in the DOM at once and the seconds it took."""
    t0 = time.time()
    most = 0
    deadline = t0 + 600
    while time.time() < deadline:
        n, more, dom = s.js(
            "const box = document.querySelector('[data-testid=lib-files]'); const sc = box.querySelector('div');"
            "sc.scrollTop = sc.scrollHeight;"
            "return [Number(box.dataset.count), box.dataset.more === 'true', document.querySelectorAll('[data-testid=lib-file]').length]"
        )
        most = max(most, dom)
        if n >= FILES and not more:
            break
        time.sleep(0.05)
    took = time.time() - t0
    # Back up through everything, a screen at a time (thumbnails of every tile are fetched).
    while True:
        top, dom = s.js(
            "const sc = document.querySelector('[data-testid=lib-files] > div'); sc.scrollTop -= sc.clientHeight;"
            "return [sc.scrollTop, document.querySelectorAll('[data-testid=lib-file]').length]"
        )
        most = max(most, dom)
        if top <= 0:
            break
        time.sleep(0.02)
    return most, took


def dir_size(p: Path) -> tuple[int, int]:
    files = [f for f in p.glob("*") if f.is_file() and not f.suffix]
    return len(files), sum(f.stat().st_size for f in p.glob("*") if f.is_file())


def main() -> None:
    if not os.environ.get("LIBRARY_BENCH_INNER"):
        inside_private_session()
    from webdriver import Session
    from history_bench import memory

    app, cli, emu = binary("WIXDROP_APP_BIN", "wixdrop-desktop"), binary("WIXDROP_CLI_BIN", "wixdrop"), binary("WIX_EMULATOR_BIN", "wix-emulator")
    work = Path(tempfile.mkdtemp(prefix="library-bench-"))
    emulator = subprocess.Popen([emu, "--port", "0", "--storage-dir", str(work / "emulator")], stdout=subprocess.PIPE, text=True)
    s = None
    try:
        info = json.loads(emulator.stdout.readline())
        base, site = info["base_url"], info["sites"][0]["id"]
        control(base, "PUT", "config", {"serve_static": True})
        t0 = time.time()
        folder = control(base, "POST", f"sites/{site}/files", {"count": FILES, "path": "/Big", "prefix": "Frame"})["folder_id"]
        print(f"Library benchmark: a folder of {FILES:,} files (made on the emulator in {time.time() - t0:.1f} s), app {app}")
        home = work / "home"
        (home / "config").mkdir(parents=True)
        (home / "config/settings.json").write_text('{"welcome_seen": true}')
        app_env = {"WIXDROP_HOME": str(home), "WIXDROP_API_BASE": base, "WIXDROP_KEYCHAIN_SERVICE": f"Wixdrop bench {uuid.uuid4()}"}
        r = subprocess.run([cli, "--json", "key", "add", "Bench", "--site", site], input=info["api_key"], env={**os.environ, **app_env}, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            sys.exit(f"library_bench: wixdrop key add failed: {r.stderr[-800:]}")
        s = Session(app, app_env, REPO / "target/bench/library_bench-driver.log")
        s.wait('[data-testid="nav-library"]', timeout=60)
        time.sleep(3)
        before = memory(s.driver.pid)
        s.js("location.hash = '#/library'")
        s.wait('[data-testid="lib-folder"]', timeout=60)
        opens, answered, in_dom, served = [], [], [], []
        for _ in range(RUNS):
            control(base, "DELETE", "log")
            painted, got, dom = open_folder(s, folder)
            opens.append(painted)
            answered.append(got)
            in_dom.append(dom)
            served.append(list_answers(base, folder)[-1])
        idle = idle_frames(s)
        control(base, "DELETE", "log")
        ipc_ms = ipc_page(s, "Bench", site, folder)
        ipc_served = list_answers(base, folder)
        curl_ms = curl_page(base, info["api_key"], site, folder)
        most, load_s = scroll_all(s)
        time.sleep(3)  # the last thumbnails
        after = memory(s.driver.pid)
        s.screenshot(REPO / "target/bench/library-5000.png")
        n_thumbs, thumb_bytes = dir_size(home / "data" / "thumbnails")
        med = statistics.median(opens)
        added = [o - e for o, e in zip(opens, served)]
        ipc_added = [i - e for i, e in zip(ipc_ms, ipc_served)]
        print(f"  first page of the folder (click → files painted): median {med:.0f} ms of {RUNS} "
              f"({', '.join(f'{x:.0f}' for x in opens)})")
        print(f"    the emulator's own answer (List Files, 100 files, timed inside it): median {statistics.median(served):.1f} ms "
              f"({', '.join(f'{x:.1f}' for x in served)})")
        print(f"    Wixdrop adds (painted minus the emulator's answer): median {statistics.median(added):.0f} ms "
              f"({', '.join(f'{x:.0f}' for x in added)}); target ≤ {TARGET_FIRST_PAGE_MS} ms")
        print(f"      click → the page in the window (IPC, Rust, the HTTP call; the emulator's answer taken out): median "
              f"{statistics.median([a - e for a, e in zip(answered, served)]):.0f} ms; the page → its tiles in the DOM (Svelte): median "
              f"{statistics.median([d - a for d, a in zip(in_dom, answered)]):.0f} ms; → painted (layout, paint, 2 frames): median "
              f"{statistics.median([o - d for o, d in zip(opens, in_dom)]):.0f} ms")
        print(f"      two frames with nothing new to draw take median {statistics.median(idle):.0f} ms here now "
              f"({', '.join(f'{x:.0f}' for x in idle)})")
        print(f"      library_page called alone over IPC, the emulator's answer taken out: median {statistics.median(ipc_added):.0f} ms of {len(ipc_added)}")
        print(f"    reference: curl fetching the same List Files page from another process: median {statistics.median(curl_ms):.0f} ms")
        if os.environ.get("WEBKIT_DISABLE_COMPOSITING_MODE"):
            print("    (WebKit's compositing off: WEBKIT_DISABLE_COMPOSITING_MODE is set)")
        else:
            print("    (WebKit's GL compositing on: under Xvfb it runs on Mesa's software GL, so painting the new tiles costs\n"
                  "     CPU time a GPU would take; compare with WEBKIT_DISABLE_COMPOSITING_MODE=1)")
        print(f"  webview (WebKitWebProcess) PSS: {before['webview']:.0f} MiB before the Library, {after['webview']:.0f} MiB "
              f"with all {FILES:,} files loaded and scrolled ({after['webview'] - before['webview']:+.0f} MiB); "
              f"app process {before['app']:.0f} → {after['app']:.0f} MiB")
        print(f"  all {FILES:,} files loaded by scrolling to the end in {load_s:.1f} s ({(FILES + 99) // 100} cursor pages)")
        print(f"  most file tiles in the DOM while scrolling: {most} (virtualized)")
        print(f"  thumbnail cache: {n_thumbs:,} thumbnails, {thumb_bytes / 1024:.0f} KiB on disk (budget 64 MiB, trimmed oldest-use first)")
        print(f"  machine load during the run: {os.getloadavg()[0]:.1f} (1-min average, {os.cpu_count()} CPUs)")
    finally:
        if s:
            s.close()
        emulator.terminate()
        emulator.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
