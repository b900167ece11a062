#!/usr/bin/env python3
"""History with 20,000 entries: how fast the app opens, searches and jumps, and what the webview
keeps in memory. Figures beside targets, not pass/fail; not part of CI.

    python3 tests/bench/history_bench.py

One command: it starts itself again inside a private X display (Xvfb 1280x800), D-Bus session and
throwaway gnome-keyring, like tests/bench/app_bench.sh, so no window opens on your screen and your
keychain is never touched. It measures the debug binaries the e2e tests use; build them first:

    npm --prefix ui run build
    cargo build --workspace --bins --features tauri/custom-protocol,wixdrop-desktop/e2e

Knobs: WIXDROP_APP_BIN / WIXDROP_CLI_BIN / WIX_EMULATOR_BIN (default target/debug/…),
HISTORY_BENCH_ENTRIES (20000), HISTORY_BENCH_RUNS (3). tests/bench/batch_bench.sh calls this
script at its end. Needs what `scripts/setup.sh --test` installs (tauri-driver, WebKitWebDriver,
xvfb, gnome-keyring, dbus) and python3's standard library.

How the journal is filled: for real. The wix-emulator is started, a profile is added with
`wixdrop key add`, and `wixdrop upload` sends ENTRIES tiny PNG files (one first on its own, so the
oldest entry is known; every tenth named "Été summer NNNNN.png", so a search has 1 in 10 hits) —
the same journal rows, search column and URLs a user's uploads give. It takes about a second per
1,000 files and is printed.

What is measured, in the window through WebDriver (times from performance.now() inside the page,
so WebDriver's own round trips are not counted; "painted" = after the DOM shows it and two
animation frames have passed):
  - open: click on History in the sidebar → the first rows and the count painted (from Upload;
    the median of RUNS openings, the first one cold);
  - search: the last keystroke of "summer", typed at 80 ms a key → the count line shows the
    result for "summer" (a query still running for "summe" is waited for); also "ETE"
    (accent-insensitive);
  - jump to oldest: "Jump to → Oldest" chosen → the oldest upload's row painted;
  - webview memory: PSS of the WebKitWebProcess (and of the app process) before History is first
    opened and after all of the above plus scrolling through the whole list page by page;
  - the upload_history command alone, called from the page 5 times (what Rust and IPC cost);
  - rows in the DOM at the end (the list is virtualized: this does not grow with ENTRIES).
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
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests/e2e"))

ENTRIES = int(os.environ.get("HISTORY_BENCH_ENTRIES", "20000"))
RUNS = int(os.environ.get("HISTORY_BENCH_RUNS", "3"))
TARGET_OPEN_MS = 500
TARGET_SEARCH_MS = 200
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
OLDEST = "the-oldest-upload.png"


def binary(env: str, name: str) -> str:
    p = Path(os.environ.get(env, REPO / "target/debug" / name))
    if not p.exists():
        sys.exit(f"history_bench: {p} not found. Build it first (see the top of {__file__}).")
    return str(p)


def inside_private_session() -> None:
    """Run this script again inside Xvfb + a private D-Bus + a throwaway keyring."""
    inner = (
        'kr=$(mktemp -d); eval "$(echo -n bench | HOME=$kr gnome-keyring-daemon --replace --unlock '
        '--components=secrets 2>/dev/null 3>&-)" || true; export GNOME_KEYRING_CONTROL; '
        'HISTORY_BENCH_INNER=1 python3 "$0" >&3 2>&3; rc=$?; rm -rf "$kr"; exit $rc'
    )
    log = REPO / "target/bench/history_bench-session.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    os.dup2(sys.stdout.fileno(), 3)  # the figures go to fd 3; the session's chatter to the log
    with open(log, "wb") as lf:
        rc = subprocess.call(
            ["dbus-run-session", "--", "xvfb-run", "-a", "-s", "-screen 0 1280x800x24 -nolisten tcp", "bash", "-c", inner, __file__],
            stdout=lf, stderr=lf, pass_fds=(3,),
        )
    if rc:
        print(f"(exit {rc}; D-Bus/Xvfb output: {log})", file=sys.stderr)
    sys.exit(rc)


# --- memory ------------------------------------------------------------------------------------
def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def pss_mb(pid: int) -> float:
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def memory(driver_pid: int) -> dict[str, float]:
    """PSS in MiB by process kind: the WebKit web process and the app."""
    out = {"webview": 0.0, "app": 0.0}
    for p in descendants(driver_pid):
        try:
            comm = open(f"/proc/{p}/comm").read().strip()
        except OSError:
            continue
        if comm.startswith("WebKitWebProces"):
            out["webview"] += pss_mb(p)
        elif comm.startswith("wixdrop-deskto"):
            out["app"] += pss_mb(p)
    return out


# --- the journal ---------------------------------------------------------------------------------
def fill(cli: str, env: dict, site: str, work: Path) -> float:
    first = work / OLDEST
    first.write_bytes(PNG + os.urandom(64))
    d = work / "files"
    for i in range(ENTRIES - 1):
        sub = d / f"batch-{i // 1000:02}"
        if i % 1000 == 0:
            sub.mkdir(parents=True)
        name = f"Été summer {i:05}.png" if i % 10 == 0 else f"IMG_{i:05}.png"
        (sub / name).write_bytes(PNG + i.to_bytes(4, "big") + os.urandom(60))
    t = time.perf_counter()
    for target in (first, d):
        r = subprocess.run([cli, "--json", "upload", str(target), "--profile", "Bench", "--site", site, "--concurrency", "16"],
                           env=env, capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            sys.exit(f"history_bench: wixdrop upload failed: {r.stderr[-1500:]}")
    return time.perf_counter() - t


# --- in the window -------------------------------------------------------------------------------
PAINTED = "await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));"
UNTIL = """
async function until(pred, ms = 20000) {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise(r => requestAnimationFrame(r));
  }
}
"""


def open_history(s) -> float:
    s.js("location.hash = '#/upload'")
    s.wait('[data-testid="destination"]', timeout=30)
    time.sleep(0.5)
    return s.js(UNTIL + """
      const t0 = performance.now();
      document.querySelector('[data-testid=nav-history]').click();
      await until(() => document.querySelector('[data-testid=history-row]') && document.querySelector('[data-testid=history-count]'));
      """ + PAINTED + """
      return performance.now() - t0;""")


def type_search(s, text: str) -> float:
    return s.js(UNTIL + """
      const input = document.querySelector('[data-testid=history-search]');
      const text = arguments[0];
      input.focus();
      let t0 = 0;
      for (let i = 1; i <= text.length; i++) {
        input.value = text.slice(0, i);
        t0 = performance.now();
        input.dispatchEvent(new Event('input', {bubbles: true}));
        if (i < text.length) await new Promise(r => setTimeout(r, 80));
      }
      const count = () => document.querySelector('[data-testid=history-count]');
      await until(() => count() && count().dataset.search === text);
      """ + PAINTED + """
      return [performance.now() - t0, Number(count().dataset.total)];""", text)


def clear_search(s) -> None:
    s.js(UNTIL + """
      const input = document.querySelector('[data-testid=history-search]');
      input.value = '';
      input.dispatchEvent(new Event('input', {bubbles: true}));
      await until(() => document.querySelector('[data-testid=history-count]').dataset.search === '');""")


def jump_oldest(s) -> float:
    return s.js(UNTIL + """
      const t0 = performance.now();
      const j = document.querySelector('[data-testid=history-jump]');
      j.value = 'oldest';
      j.dispatchEvent(new Event('change', {bubbles: true}));
      await until(() => [...document.querySelectorAll('[data-testid=history-row]')].some(e => e.dataset.file === arguments[0]));
      """ + PAINTED + """
      return performance.now() - t0;""", OLDEST)


def ipc_only(s, search: str) -> list[float]:
    """The upload_history command alone (Rust: fold check, counts, one page; IPC both ways), 5 times."""
    return s.js("""
      const out = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await window.__TAURI_INTERNALS__.invoke('upload_history', {query: {site_id: null, search: arguments[0], limit: 100, offset: 0}});
        out.push(performance.now() - t0);
      }
      return out;""", search)


def scroll_through(s) -> int:
    """Scroll the whole list a screen at a time, waiting for each screen's rows; the most rows seen."""
    return s.js(UNTIL + """
      const list = document.querySelector('[data-testid=history-list]');
      let most = 0;
      for (let top = 0; top < list.scrollHeight; top += list.clientHeight * 7) {
        list.scrollTop = top;
        await until(() => !document.querySelector('[data-testid=history-row-loading]') && document.querySelector('[data-testid=history-row]'));
        most = Math.max(most, document.querySelectorAll('[data-testid=history-row]').length);
      }
      return most;""")


def main() -> None:
    if not os.environ.get("HISTORY_BENCH_INNER"):
        inside_private_session()
    from webdriver import Session

    app, cli, emu = binary("WIXDROP_APP_BIN", "wixdrop-desktop"), binary("WIXDROP_CLI_BIN", "wixdrop"), binary("WIX_EMULATOR_BIN", "wix-emulator")
    work = Path(tempfile.mkdtemp(prefix="history-bench-"))
    emulator = subprocess.Popen([emu, "--port", "0", "--storage-dir", str(work / "emulator")], stdout=subprocess.PIPE, text=True)
    s = None
    try:
        info = json.loads(emulator.stdout.readline())
        home = work / "home"
        (home / "config").mkdir(parents=True)
        (home / "config/settings.json").write_text('{"welcome_seen": true}')
        app_env = {"WIXDROP_HOME": str(home), "WIXDROP_API_BASE": info["base_url"], "WIXDROP_KEYCHAIN_SERVICE": f"Wixdrop bench {uuid.uuid4()}"}
        env = {**os.environ, **app_env}
        r = subprocess.run([cli, "--json", "key", "add", "Bench"], input=info["api_key"], env=env, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            sys.exit(f"history_bench: wixdrop key add failed: {r.stderr[-800:]}")
        print(f"History benchmark: {ENTRIES:,} entries, app {app}")
        took = fill(cli, env, info["sites"][0]["id"], work)
        print(f"  journal filled by real `wixdrop upload` to the emulator: {ENTRIES:,} files in {took:.1f} s")

        log = REPO / "target/bench/history_bench-driver.log"
        s = Session(app, app_env, log)
        s.wait('[data-testid="nav-history"]', timeout=60)
        time.sleep(3)  # let the first screen settle before measuring memory
        before = memory(s.driver.pid)
        opens = [open_history(s) for _ in range(RUNS)]
        search_ms, hits = type_search(s, "summer")
        accent_ms, accent_hits = type_search(s, "ETE")
        clear_search(s)
        jump_ms = jump_oldest(s)
        ipc_ms = ipc_only(s, "summer")
        s.screenshot(REPO / "target/bench/history-oldest.png")
        most_rows = scroll_through(s)
        time.sleep(2)
        after = memory(s.driver.pid)

        def mark(v: float, target: float) -> str:
            return "ok" if v <= target else "MISSED"

        med = statistics.median(opens)
        print(f"  open History (click → rows painted): median {med:.0f} ms of {RUNS} "
              f"({', '.join(f'{x:.0f}' for x in opens)}); target ≤ {TARGET_OPEN_MS} ms: {mark(med, TARGET_OPEN_MS)}")
        print(f"  search 'summer' (last key → count painted): {search_ms:.0f} ms, {hits:,} match; "
              f"target ≤ {TARGET_SEARCH_MS} ms: {mark(search_ms, TARGET_SEARCH_MS)}")
        print(f"  search 'ETE' (accent-insensitive): {accent_ms:.0f} ms, {accent_hits:,} match; "
              f"target ≤ {TARGET_SEARCH_MS} ms: {mark(accent_ms, TARGET_SEARCH_MS)}")
        print(f"  jump to oldest (chosen → oldest row painted): {jump_ms:.0f} ms")
        print(f"  of which the Rust side: upload_history for 'summer' alone (IPC round trip, page of 100 + counts): "
              f"median {statistics.median(ipc_ms):.0f} ms ({', '.join(f'{x:.0f}' for x in ipc_ms)})")
        print(f"  machine load during the run: {os.getloadavg()[0]:.1f} (1-min average, {os.cpu_count()} CPUs)")
        print(f"  webview (WebKitWebProcess) PSS: {before['webview']:.0f} MiB before History, "
              f"{after['webview']:.0f} MiB after opening, searching, jumping and scrolling all {ENTRIES:,} "
              f"({after['webview'] - before['webview']:+.0f} MiB); app process {before['app']:.0f} → {after['app']:.0f} MiB")
        print(f"  most rows in the DOM while scrolling the whole list: {most_rows} (virtualized)")
    finally:
        if s:
            s.close()
        emulator.terminate()
        emulator.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
