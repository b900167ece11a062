#!/usr/bin/env python3
"""Wixdrop app benchmarks, measured from outside the app: figures beside targets, not pass/fail.

Run through app_bench.sh: it builds the release .deb and starts this inside a private X display
(Xvfb, no window manager), D-Bus session and throwaway keyring. Python 3 standard library + libX11
(through ctypes) only.

The binary measured is the one inside the .deb (unpacked with dpkg-deb -x, not installed). Each run
starts it with a fresh WIXDROP_HOME and XDG dirs (so every run is a first launch: welcome screen)
and measures:
  - launch → window: from just before the process is started until an X11 top-level window titled
    "Wixdrop" whose _NET_WM_PID is the app is viewable (mapped);
  - launch → first paint: until a capture of that window (XGetImage, polled every ~10 ms) is no
    longer one flat colour: ≥ 8 distinct colours among sampled pixels (a blank webview has 1);
  - launch → screen complete: the first capture after which the window's pixels stay identical
    for 1 s (the UI finished rendering the first screen, e.g. data loaded over IPC);
  - idle memory: 5 s after the screen completed, the sum of PSS (/proc/PID/smaps_rollup) of the app
    and every process descended from it (WebKitWebProcess, WebKitNetworkProcess, bwrap,
    xdg-dbus-proxy…); PSS splits shared pages between the processes that map them, so the sum
    does not count shared libraries twice.
BENCH_RUNS (5) runs; each figure's median is printed beside the target.

The GL shader cache. Without a GPU, WebKit composites through Mesa's software renderer (llvmpipe),
which compiles every shader the page needs with LLVM the first time and keeps it in its on-disk
shader cache (MESA_SHADER_CACHE_DIR, by default under ~/.cache/mesa_shader_cache). The first launch
on a machine pays for those compiles (seconds, here); every later launch reads them from the cache,
as a GPU driver's cache does. So each app (Wixdrop and the bare window) gets its own shader cache for
the session: one launch with it empty, printed apart as the first launch, then BENCH_RUNS launches
with it filled, whose medians are the figures compared with the targets. Everything else (home,
XDG dirs, WebKit's own caches) is fresh in every run.
"""

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

DEB = os.environ["BENCH_DEB"]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
IDLE_S = float(os.environ.get("BENCH_IDLE_S", "5"))
TIMEOUT_S = 60.0
SETTLE_S = 1.0
# Extra environment for the app, e.g. BENCH_APP_ENV="WEBKIT_DISABLE_COMPOSITING_MODE=1".
APP_ENV = dict(kv.split("=", 1) for kv in os.environ.get("BENCH_APP_ENV", "").split())
TITLE = b"Wixdrop"
# Painted = at least this many distinct colours in the sampled rows. Before the UI is drawn the
# window is one flat colour (GTK's grey, then the webview's white) or, for a frame, both; the
# UI's anti-aliased text and icons give dozens.
PAINTED = 8
MB = 1_000_000
MIB = 1024 * 1024

# --- X11 through ctypes ------------------------------------------------------------------------
X = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
Window = ctypes.c_ulong
Atom = ctypes.c_ulong


class XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int), ("height", ctypes.c_int),
        ("border_width", ctypes.c_int), ("depth", ctypes.c_int), ("visual", ctypes.c_void_p),
        ("root", Window), ("class_", ctypes.c_int), ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int), ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong), ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int), ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p),
    ]


class XImage(ctypes.Structure):
    pass


XImage._fields_ = [
    ("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int),
    ("format", ctypes.c_int), ("data", ctypes.c_void_p), ("byte_order", ctypes.c_int),
    ("bitmap_unit", ctypes.c_int), ("bitmap_bit_order", ctypes.c_int), ("bitmap_pad", ctypes.c_int),
    ("depth", ctypes.c_int), ("bytes_per_line", ctypes.c_int), ("bits_per_pixel", ctypes.c_int),
    ("red_mask", ctypes.c_ulong), ("green_mask", ctypes.c_ulong), ("blue_mask", ctypes.c_ulong),
    ("obdata", ctypes.c_void_p),
    ("create_image", ctypes.c_void_p),
    ("destroy_image", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(XImage))),
    ("get_pixel", ctypes.c_void_p), ("put_pixel", ctypes.c_void_p), ("sub_image", ctypes.c_void_p),
    ("add_pixel", ctypes.c_void_p),
]

X.XOpenDisplay.restype = ctypes.c_void_p
X.XOpenDisplay.argtypes = [ctypes.c_char_p]
X.XDefaultRootWindow.restype = Window
X.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
X.XQueryTree.argtypes = [ctypes.c_void_p, Window, ctypes.POINTER(Window), ctypes.POINTER(Window),
                         ctypes.POINTER(ctypes.POINTER(Window)), ctypes.POINTER(ctypes.c_uint)]
X.XFree.argtypes = [ctypes.c_void_p]
X.XInternAtom.restype = Atom
X.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
X.XGetWindowProperty.argtypes = [
    ctypes.c_void_p, Window, Atom, ctypes.c_long, ctypes.c_long, ctypes.c_int, Atom,
    ctypes.POINTER(Atom), ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
    ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p)]
X.XGetWindowAttributes.argtypes = [ctypes.c_void_p, Window, ctypes.POINTER(XWindowAttributes)]
X.XGetImage.restype = ctypes.POINTER(XImage)
X.XGetImage.argtypes = [ctypes.c_void_p, Window, ctypes.c_int, ctypes.c_int, ctypes.c_uint,
                        ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
X.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_ignore_errors = ERROR_HANDLER(lambda d, e: 0)  # a window may vanish between query and capture
X.XSetErrorHandler(_ignore_errors)

dpy = X.XOpenDisplay(None)
if not dpy:
    sys.exit("app_bench: cannot open the X display (run through tests/bench/app_bench.sh)")
ROOT = X.XDefaultRootWindow(dpy)
A_PID = X.XInternAtom(dpy, b"_NET_WM_PID", 0)
A_NAME = X.XInternAtom(dpy, b"_NET_WM_NAME", 0)
A_WM_NAME = X.XInternAtom(dpy, b"WM_NAME", 0)
ANY_PROPERTY_TYPE, IS_VIEWABLE, ZPIXMAP, ALL_PLANES = 0, 2, 2, 0xFFFFFFFF


def prop(win, atom):
    kind, fmt, n, rest = Atom(), ctypes.c_int(), ctypes.c_ulong(), ctypes.c_ulong()
    data = ctypes.c_void_p()
    if X.XGetWindowProperty(dpy, win, atom, 0, 1024, 0, ANY_PROPERTY_TYPE, ctypes.byref(kind),
                            ctypes.byref(fmt), ctypes.byref(n), ctypes.byref(rest), ctypes.byref(data)) != 0 or not data:
        return None
    try:
        if fmt.value == 32:
            return list((ctypes.c_ulong * n.value).from_address(data.value))
        return ctypes.string_at(data, n.value * fmt.value // 8)
    finally:
        X.XFree(data)


def app_window(pid, title=TITLE):
    """The viewable top-level window titled `title` (Wixdrop) that belongs to pid, or None."""
    root, parent, children, n = Window(), Window(), ctypes.POINTER(Window)(), ctypes.c_uint()
    if not X.XQueryTree(dpy, ROOT, ctypes.byref(root), ctypes.byref(parent), ctypes.byref(children), ctypes.byref(n)):
        return None
    wins = [children[i] for i in range(n.value)]
    if children:
        X.XFree(children)
    for w in wins:
        if prop(w, A_PID) != [pid]:
            continue
        if (prop(w, A_NAME) or prop(w, A_WM_NAME)) != title:
            continue
        attrs = XWindowAttributes()
        if X.XGetWindowAttributes(dpy, w, ctypes.byref(attrs)) and attrs.map_state == IS_VIEWABLE:
            return w, attrs.width, attrs.height
    return None


def grab(win, x, y, width, height):
    """The raw 32-bit pixels of a rectangle of the window, or None."""
    img = X.XGetImage(dpy, win, x, y, width, height, ALL_PLANES, ZPIXMAP)
    if not img:
        return None
    try:
        return ctypes.string_at(img.contents.data, img.contents.bytes_per_line * img.contents.height)
    finally:
        img.contents.destroy_image(img)


def colours(raw, step=1):
    return len(set(memoryview(raw).cast("I")[::step]))


def strips(win, width, height):
    """Distinct colours in 19 one-pixel rows across the window: cheap enough to poll every few ms
    without slowing the app down (a full capture costs 40+ ms on a loaded 2-core machine)."""
    seen = set()
    for i in range(1, 20):
        raw = grab(win, 0, height * i // 20, width, 1)
        if raw is None:
            return None
        seen.update(memoryview(raw).cast("I"))
    return len(seen)


def save_png(raw, width, height, path):
    """Write a captured window (32-bit BGRX, as Xvfb's 24-bit TrueColor gives it) as PNG."""
    rgb = bytearray(width * height * 3)
    rgb[0::3], rgb[1::3], rgb[2::3] = raw[2::4], raw[1::4], raw[0::4]
    subprocess.run(["convert", "ppm:-", path], input=b"P6 %d %d 255\n" % (width, height) + bytes(rgb), check=False)


# --- processes ---------------------------------------------------------------------------------
def descendants(pid):
    children = {}
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


def pss_kib(pid):
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def name(pid):
    try:
        return open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        return "?"


def cpu_seconds(pids):
    """User + system CPU seconds consumed so far by these (live) processes, by process name."""
    by_name = {}
    for p in pids:
        try:
            stat = open(f"/proc/{p}/stat").read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        by_name[name(p)] = by_name.get(name(p), 0) + ticks / os.sysconf("SC_CLK_TCK")
    return by_name


KINDS = ("Mesa's libLLVM", "WebKit + JSC libraries", "app binary", "other libraries/files", "heap/anonymous")


def pss_by_kind(pids):
    """Where the idle PSS is, per process name and kind of mapping (KiB): Mesa's LLVM (software GL),
    WebKit and JavaScriptCore libraries, the app's own executable, other libraries and files, and
    anonymous memory (heaps, JS heap, buffers)."""
    out = {}
    for p in pids:
        kinds = out.setdefault(name(p), dict.fromkeys(KINDS, 0))
        try:
            exe = os.readlink(f"/proc/{p}/exe")
            kind = "heap/anonymous"
            for line in open(f"/proc/{p}/smaps"):
                head = line.split(maxsplit=6)
                if "-" in head[0] and len(head) >= 5:  # a mapping's header line
                    path = head[5].strip() if len(head) > 5 else ""
                    kind = ("Mesa's libLLVM" if "libLLVM" in path
                            else "WebKit + JSC libraries" if "libwebkit2gtk" in path or "libjavascriptcoregtk" in path
                            else "app binary" if path == exe
                            else "heap/anonymous" if not path.startswith("/")
                            else "other libraries/files")
                elif head[0] == "Pss:":
                    kinds[kind] += int(head[1])
        except OSError:
            pass
    return out


def software_gl(pids):
    """True if a WebKit process has Mesa's LLVM-based software rasteriser (llvmpipe) loaded."""
    for p in pids:
        try:
            if name(p).startswith("WebKitWebProc") and "libLLVM" in open(f"/proc/{p}/maps").read():
                return True
        except OSError:
            pass
    return False


def alive(pid):
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        stat = open(f"/proc/{pid}/stat").read()
        return stat[stat.rindex(")") + 2] != "Z"
    except OSError:
        return False


def stop(pids):
    """SIGTERM the app and its helpers, SIGKILL whatever is still running after 5 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p in pids:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(p) for p in pids):
            time.sleep(0.05)
        if not any(alive(p) for p in pids):
            return


# --- one run -----------------------------------------------------------------------------------
def webkit_env(pids):
    """The WEBKIT_* variables a WebKit web process of the app runs with (it inherits the app's
    environment, and whatever the app set for WebKit before it started)."""
    for p in pids:
        try:
            if name(p).startswith("WebKitWebProc"):
                env = open(f"/proc/{p}/environ", "rb").read().decode(errors="replace").split("\0")
                return dict(kv.split("=", 1) for kv in env if kv.startswith("WEBKIT_") and "=" in kv)
        except OSError:
            pass
    return {}


def run_once(binary, workdir, log, shot_path, title=TITLE, shader_cache=None, extra_env=None):
    home = tempfile.mkdtemp(dir=workdir)
    env = dict(os.environ, WIXDROP_HOME=f"{home}/wixdrop", XDG_CONFIG_HOME=f"{home}/config",
               XDG_DATA_HOME=f"{home}/data", XDG_CACHE_HOME=f"{home}/cache", **APP_ENV, **(extra_env or {}))
    if shader_cache:
        env["MESA_SHADER_CACHE_DIR"] = shader_cache
    r = {}
    t0 = time.monotonic()
    proc = subprocess.Popen([binary], env=env, stdout=log, stderr=log)
    try:
        win = None
        while time.monotonic() - t0 < TIMEOUT_S and proc.poll() is None:
            win = app_window(proc.pid, title)
            if win:
                r["window"] = time.monotonic() - t0
                break
            time.sleep(0.005)
        if not win:
            raise RuntimeError("no window appeared" if proc.poll() is None else f"the app exited ({proc.returncode})")
        while time.monotonic() - t0 < TIMEOUT_S and proc.poll() is None:
            n = strips(*win)
            if n is not None and n >= PAINTED:
                r["paint"] = time.monotonic() - t0
                r["paint_cpu_by"] = cpu_seconds(descendants(proc.pid))
                r["paint_cpu"] = sum(r["paint_cpu_by"].values())
                break
            time.sleep(0.01)
        if "paint" not in r:
            raise RuntimeError("the window stayed one flat colour" if proc.poll() is None else f"the app exited ({proc.returncode})")
        first = grab(win[0], 0, 0, win[1], win[2])
        if first:
            r["paint_colours"] = colours(first, 7)
            save_png(first, win[1], win[2], shot_path)
        # Done = the pixels have not changed for SETTLE_S and the app's processes were idle (under
        # 0.1 CPU s) over that time: a frame can stay put while WebKit is still busy rendering the next.
        last_digest, last_change, cpu_log = None, r["paint"], []
        while time.monotonic() - t0 < TIMEOUT_S and proc.poll() is None:
            raw = grab(win[0], 0, 0, win[1], win[2])
            now = time.monotonic() - t0
            cpu_log.append((now, sum(cpu_seconds(descendants(proc.pid)).values())))
            if raw:
                digest = hashlib.blake2b(raw, digest_size=16).digest()
                if colours(raw, 7) < PAINTED:  # not the UI (a reload?): not "done" yet
                    last_digest = None
                elif digest != last_digest:
                    last_digest, last_change, last_raw = digest, now, raw
                elif now - last_change >= SETTLE_S:
                    cpu_then = next(c for t, c in reversed(cpu_log) if t <= now - SETTLE_S)
                    if cpu_log[-1][1] - cpu_then < 0.1:
                        r["complete"] = last_change
                        save_png(last_raw, win[1], win[2], shot_path.replace("first-paint", "screen-done"))
                        break
            time.sleep(0.1)
        time.sleep(max(0.0, IDLE_S - (time.monotonic() - t0 - r.get("complete", r["paint"]))))
        idle = grab(win[0], 0, 0, win[1], win[2])
        if idle:
            save_png(idle, win[1], win[2], shot_path.replace("first-paint", "idle"))
        r["software_gl"] = software_gl(descendants(proc.pid))
        r["webkit_env"] = webkit_env(descendants(proc.pid))
        procs = [(p, name(p), pss_kib(p)) for p in descendants(proc.pid)]
        r["procs"] = [(p, n, k) for p, n, k in procs if k is not None]
        r["pss_kib"] = sum(k for _, _, k in r["procs"])
        r["pss_kinds"] = pss_by_kind([p for p, _, _ in r["procs"]])
        return r
    finally:
        stop(descendants(proc.pid))
        proc.wait()
        shutil.rmtree(home, ignore_errors=True)


def first_launch(binary, work, log, shot_path, cache, title=TITLE, extra_env=None):
    """One launch with an empty shader cache (filling `cache`): the machine's first launch.
    The run's figures, or the failure's message (a str)."""
    shutil.rmtree(cache, ignore_errors=True)
    os.makedirs(cache)
    try:
        return run_once(binary, work, log, shot_path, title=title, shader_cache=cache, extra_env=extra_env)
    except RuntimeError as e:
        return str(e)


def print_first(r):
    if isinstance(r, str):
        print(f"  first launch (empty shader cache): FAILED: {r}", flush=True)
    elif r:
        print(f"  first launch (empty shader cache, not in the medians): window {r['window']:.2f} s, "
              f"first paint {r['paint']:.2f} s, CPU to first paint {r['paint_cpu']:.2f} s, "
              f"idle PSS {r['pss_kib'] * 1024 / MB:.0f} MB", flush=True)


def measure_interleaved(apps, work, log_path):
    """Launch every app of `apps` ({key: (binary, title, extra_env, shot prefix)}) once with an
    empty shader cache, then RUNS rounds of one launch each, in turn (A B C, A B C, …), so that
    any drift in the machine's load over the session falls on all of them alike.
    Returns {key: (first launch or None, [runs], [failure messages])}."""
    out = {k: [None, [], []] for k in apps}
    with open(log_path, "ab") as log:
        for k, (binary, title, env, prefix) in apps.items():
            if k == "wixdrop":
                continue  # measured first by the caller: its web process's environment is needed
            out[k][0] = first_launch(binary, work, log, f"{prefix}first-paint-first-launch.png",
                                     f"{work}/shader-cache-{k}", title=title, extra_env=env)
        for i in range(RUNS):
            for k, (binary, title, env, prefix) in apps.items():
                try:
                    out[k][1].append(run_once(binary, work, log, f"{prefix}first-paint-run{i + 1}.png", title=title,
                                              shader_cache=f"{work}/shader-cache-{k}", extra_env=env))
                except RuntimeError as e:
                    out[k][2].append(f"run {i + 1}: FAILED: {e} (app output: {log_path})")
    return out


def print_runs(label, runs, failures):
    for n, r in enumerate(runs, 1):
        cpu_by = ", ".join(f"{name} {v:.2f}" for name, v in sorted(r["paint_cpu_by"].items(), key=lambda t: -t[1]))
        print(f"  {label}{n}: window {r['window']:.2f} s, first paint {r['paint']:.2f} s "
              f"({r.get('paint_colours', '?')} colours), screen done {fmt_s(r.get('complete')).strip()} s, "
              f"idle PSS {r['pss_kib'] * 1024 / MB:.0f} MB in {len(r['procs'])} processes; "
              f"CPU s to first paint: {cpu_by}", flush=True)
    for f in failures:
        print(f"  {f}")


def compare_with_bare(runs, results, same, first=None):
    """The same measurements of a bare Tauri 2 window (BENCH_BARE: one static page, same tauri and
    WebKitGTK, same release profile), taken in turn with Wixdrop's in this session, and Wixdrop's
    figures as ratios to it: what Wixdrop adds on top of the platform. "Same settings" includes
    the WEBKIT_* variables Wixdrop's web process ran with (Wixdrop sets
    WEBKIT_SKIA_ENABLE_CPU_RENDERING=1 on a machine without a GPU, see
    src-tauri/crates/core/src/desktop/painting.rs): the bare window gets them too, and is also
    measured with WebKit's defaults, for what that choice saves. True if it could be measured
    (or was not asked for)."""
    bare = os.environ.get("BENCH_BARE")
    if not bare:
        return True
    print()
    print(f"Bare Tauri 2 window (one static page, same tauri, same WebKitGTK, same release profile): {bare}")
    print("  its WebKit environment: " + (" ".join(f"{k}={v}" for k, v in same.items()) + " (as Wixdrop's web process)"
                                          if same else "WebKit's defaults (as Wixdrop's web process)"))
    bare_first, bare_runs, failures = results["bare-same"]
    print_first(bare_first)
    bare_first = bare_first if isinstance(bare_first, dict) else None
    print_runs("bare run ", bare_runs, failures)
    if not bare_runs:
        print("  No bare run produced figures.")
        return False
    print_breakdown(bare_runs[-1], "bare, last run")
    default_first, default_runs = None, []
    if "bare-defaults" in results:
        default_first, default_runs, failures = results["bare-defaults"]
        print()
        print("The bare window again with WebKit's defaults (" + ", ".join(f"no {k}" for k in same) + "), for comparison:")
        print_first(default_first)
        default_first = default_first if isinstance(default_first, dict) else None
        print_runs("bare run ", default_runs, failures)
        if default_runs:
            print_breakdown(default_runs[-1], "bare with WebKit's defaults, last run")

    def med(rs, key):
        vals = [r[key] for r in rs if r.get(key) is not None]
        return statistics.median(vals) if vals else None

    w = 26
    print()
    print(f"{'figure (median)':<{w}}{'Wixdrop':>10}{'bare':>10}   Wixdrop vs bare        target")
    pw, pb = med(runs, "paint"), med(bare_runs, "paint")
    print(f"{'launch → first paint (s)':<{w}}{pw:>10.2f}{pb:>10.2f}   {pw / pb:>5.2f}×                 ≤ 1.2×")
    cw, cb = med(runs, "paint_cpu"), med(bare_runs, "paint_cpu")
    print(f"{'CPU to first paint (s)':<{w}}{cw:>10.2f}{cb:>10.2f}   {cw / cb:>5.2f}×")
    # Launches were taken in turn, so round i of each is a pair measured under the same load:
    # the median of the pairs' ratios is the figure least moved by load that comes and goes.
    pairs = [w["paint"] / b["paint"] for w, b in zip(runs, bare_runs)]
    if len(pairs) == len(runs) == len(bare_runs):
        print(f"{'  per round (paired)':<{w}}{'':>20}   {statistics.median(pairs):>5.2f}×   "
              f"(rounds: {' '.join(f'{x:.2f}' for x in pairs)})")
    mw, mb = med(runs, "pss_kib") * 1024 / MB, med(bare_runs, "pss_kib") * 1024 / MB
    print(f"{'idle memory, PSS (MB)':<{w}}{mw:>10.1f}{mb:>10.1f}   {mw - mb:>+6.1f} MB             ≤ +60 MB")
    if first and bare_first:
        fw, fb = first["paint"], bare_first["paint"]
        print(f"{'first launch, empty cache':<{w}}{fw:>10.2f}{fb:>10.2f}   {fw / fb:>5.2f}×   (first paint, s; once per machine)")
        fcw, fcb = first["paint_cpu"], bare_first["paint_cpu"]
        print(f"{'  its CPU to first paint':<{w}}{fcw:>10.2f}{fcb:>10.2f}   {fcw / fcb:>5.2f}×")
    print("Both measured the same way, launched in turn in this session (Wixdrop, bare, …: drift in the machine's")
    print("load falls on both; Wixdrop with its tray, single-instance, window-state, log, autostart and clipboard")
    print("plugins in); medians of the launches with a filled GL shader cache, the first launch (empty cache:")
    print("llvmpipe compiles every shader) on its own line.")
    if default_runs:
        dp, dm = med(default_runs, "paint"), med(default_runs, "pss_kib") * 1024 / MB
        print(f"The bare window with WebKit's defaults: first paint {dp:.2f} s, idle memory {dm:.1f} MB "
              f"(Wixdrop: {pw / dp:.2f}×, {mw - dm:+.1f} MB)"
              + (f"; its first launch (empty cache) {default_first['paint']:.2f} s." if default_first else "."))
    return len(bare_runs) == RUNS


def print_breakdown(run, label):
    """Where one run's idle memory is: by process and by kind of mapping (PSS MB)."""
    print(f"Idle memory by process, {label} (PSS MB): "
          + ", ".join(f"{n} {k * 1024 / MB:.1f}" for _, n, k in sorted(run["procs"], key=lambda t: -t[2])))
    for proc, kinds in sorted(run["pss_kinds"].items(), key=lambda t: -sum(t[1].values())):
        print(f"  {proc}: " + ", ".join(f"{n} {k * 1024 / MB:.1f}" for n, k in kinds.items() if k))


def fmt_s(v):
    return "   n/a" if v is None else f"{v:6.2f}"


def main():
    work = tempfile.mkdtemp(prefix="wixdrop-app-bench-")
    out_dir = os.environ.get("BENCH_OUT", work)
    try:
        subprocess.run(["dpkg-deb", "-x", DEB, f"{work}/root"], check=True)
        # BENCH_BIN: measure this binary instead of the package's (an experiment, e.g. a debug
        # build with a changed UI: the WebKit processes' figures do not depend on the Rust profile).
        binary = os.environ.get("BENCH_BIN") or f"{work}/root/usr/bin/wixdrop-desktop"
        bin_size = os.path.getsize(binary)
        stripped = "not stripped" not in subprocess.run(["file", "-b", binary], capture_output=True, text=True).stdout
        deb_size = os.path.getsize(DEB)
        field = lambda f: subprocess.run(["dpkg-deb", "-f", DEB, f], capture_output=True, text=True, check=True).stdout.strip()
        installed_kib, version = int(field("Installed-Size")), field("Version")
        load_start = " ".join(open("/proc/loadavg").read().split()[:3])
        log_path = os.environ.get("BENCH_APP_LOG", f"{work}/app.log")
        print(f"Wixdrop app benchmarks: Wixdrop {version}, release .deb, measured from outside the app (not pass/fail)")
        print(f"  package: {DEB}")
        print(f"  machine: {os.cpu_count()} CPUs, load average {load_start} at start; Xvfb 1920x1080x24, no window manager, throwaway keyring")
        print("  tray host: " + ("a StatusNotifierWatcher runs (tests/e2e/sni_host.py): Wixdrop's tray icon is shown and counted"
                                 if os.environ.get("BENCH_TRAY_HOST") else
                                 "NONE (no target/pyenv with jeepney: scripts/setup.sh --test): Wixdrop runs without its tray"))
        print(f"  1 launch with an empty GL shader cache, then {RUNS} runs with it filled, each otherwise a first launch"
              " (fresh WIXDROP_HOME and XDG dirs) of the binary unpacked from the .deb"
              + (f"; app environment: {os.environ['BENCH_APP_ENV']}" if APP_ENV else ""))
        print()
        with open(log_path, "ab") as log:
            first = first_launch(binary, work, log, f"{out_dir}/first-paint-first-launch.png", f"{work}/shader-cache-wixdrop")
        print_first(first)
        first = first if isinstance(first, dict) else None
        same = first.get("webkit_env", {}) if first else {}
        apps = {"wixdrop": (binary, TITLE, {}, f"{out_dir}/")}
        bare = os.environ.get("BENCH_BARE")
        if bare:
            apps["bare-same"] = (bare, b"Bare window", same, f"{out_dir}/bare-")
            if same:
                apps["bare-defaults"] = (bare, b"Bare window", {}, f"{out_dir}/bare-defaults-")
        results = measure_interleaved(apps, work, log_path)
        _, runs, failures = results["wixdrop"]
        print_runs("run ", runs, failures)
        load_end = " ".join(open("/proc/loadavg").read().split()[:3])
        if not runs:
            print("\nNo run produced figures.")
            return 1

        def med(key):
            vals = [r[key] for r in runs if r.get(key) is not None]
            return (statistics.median(vals), vals) if vals else (None, [])

        print()
        print("What is measured (t = 0 just before the process is started; the app is not changed or told):")
        print("  launch → window       its top-level X11 window titled \"Wixdrop\" (_NET_WM_PID = the app) is mapped")
        print("  launch → first paint  that window shows the UI: 19 one-pixel rows across it, read with XGetImage")
        print(f"                        every ~10 ms, hold {PAINTED}+ distinct colours (text, icons; a blank window has 1)")
        print("  CPU to first paint    user+system CPU seconds the app's processes had used at that moment (less")
        print("                        sensitive to other load on the machine than the wall-clock figures)")
        print("  launch → screen done  the first full-window capture (every 100 ms) after which the pixels stay")
        print("                        identical for 1 s while the app's processes use < 0.1 CPU s: the first")
        print("                        screen finished rendering")
        print(f"  idle memory           {IDLE_S:g} s after the screen was done: sum of PSS (/proc/PID/smaps_rollup) of the app and")
        print("                        ALL its descendant processes (WebKitWebProcess, WebKitNetworkProcess, …)")
        print()
        w, rw = 26, 34
        print(f"{'figure':<{w}}{'runs':<{rw}}{'median':>8}   target")
        for label, key, target in (("launch → window (s)", "window", ""), ("launch → first paint (s)", "paint", "≤ 1 s"),
                                   ("CPU to first paint (s)", "paint_cpu", ""), ("launch → screen done (s)", "complete", "")):
            m, vals = med(key)
            print(f"{label:<{w}}{' '.join(f'{v:.2f}' for v in vals):<{rw}}{fmt_s(m):>8}   {target}")
        m, vals = med("pss_kib")
        print(f"{'idle memory, PSS (MB)':<{w}}{' '.join(f'{v * 1024 / MB:.0f}' for v in vals):<{rw}}{m * 1024 / MB:>8.1f}   ≤ 150 MB")
        print(f"{'release binary (MB)':<{w}}{'':<{rw}}{bin_size / MB:>8.1f}   ≤ 20 MB   "
              f"({bin_size} bytes, {'stripped' if stripped else 'NOT stripped'})")
        print(f"{'.deb package (MB)':<{w}}{'':<{rw}}{deb_size / MB:>8.1f}   (none)    "
              f"({deb_size} bytes; {installed_kib / 1000:.1f} MB installed)")
        print(f"MB = 10^6 bytes. Load average at the end: {load_end}.")
        wk = runs[-1].get("webkit_env", {})
        print("Wixdrop's web process ran with: " + (" ".join(f"{k}={v}" for k, v in wk.items()) or "WebKit's defaults")
              + (" (page content painted by Skia on the CPU: this machine has no GPU)"
                 if wk.get("WEBKIT_SKIA_ENABLE_CPU_RENDERING") == "1" else ""))
        if any(r.get("software_gl") for r in runs):
            print("Mesa's software GL (llvmpipe, which loads LLVM) was in use: Xvfb has no GPU, so WebKit's GL")
            print("compositing ran on the CPU.")
        print()
        print_breakdown(runs[-1], "last run")
        if out_dir != work:
            print(f"Window captures per run: {out_dir}/first-paint-runN.png, screen-done-runN.png, idle-runN.png")
        bare_ok = compare_with_bare(runs, results, same, first)
        return 0 if len(runs) == RUNS and bare_ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
