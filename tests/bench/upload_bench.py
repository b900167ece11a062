#!/usr/bin/env python3
"""Wixdrop upload benchmarks against a local wix-emulator: figures side by side, not pass/fail.

Run through upload_bench.sh (it builds the release binaries first). Python 3 standard library
only. Everything lives in one temp dir that is removed at the end; the emulator stores bytes in
it too, and stored bytes are deleted after each case to keep the disk use to one copy.

Cases (sizes configurable by environment variables):
  1. one big file (BENCH_BIG_MIB, default 1024): `wixdrop upload` (resumable, 8 MiB chunks,
     hashed while it streams) vs `curl -T` of the same file to a plain upload URL; Wixdrop's peak RSS;
     the CPU seconds each client and the emulator used, and how long SHA-256 of the file takes
     alone, since on a 2-core machine the client, its hashing and the emulator share two cores;
  2. a 100 MiB file (BENCH_MID_MIB): peak RSS again, to show memory stays flat with size;
  3. BENCH_SMALL_N (500) files of 256 KiB: `wixdrop upload --concurrency 8` vs
     `xargs -P8` running generate-upload-url + `curl -T` per file;
  4. a resumable upload (BENCH_TUS_MIB, 64) killed with SIGKILL at about 50 %, then
     `wixdrop resume`: bytes the server received twice, from the emulator's request log.
BENCH_REPEAT (1) runs the timed cases that many times and keeps the best of each side.
"""

import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
WIXDROP = os.path.join(TARGET, "release", "wixdrop")
EMULATOR = os.path.join(TARGET, "release", "wix-emulator")

MIB = 1024 * 1024
BIG_MIB = int(os.environ.get("BENCH_BIG_MIB", "1024"))
MID_MIB = int(os.environ.get("BENCH_MID_MIB", "100"))
SMALL_N = int(os.environ.get("BENCH_SMALL_N", "500"))
SMALL_KIB = 256
TUS_MIB = int(os.environ.get("BENCH_TUS_MIB", "64"))
REPEAT = max(1, int(os.environ.get("BENCH_REPEAT", "1")))
CHUNK = 8 * MIB  # Wixdrop's default resumable chunk size


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


class Emulator:
    def __init__(self, work):
        self.store = os.path.join(work, "store")
        os.makedirs(self.store)
        self.proc = subprocess.Popen(
            [EMULATOR, "--port", "0", "--storage-dir", self.store, "--processing-delay-ms", "0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        seed = json.loads(self.proc.stdout.readline())
        self.base = seed["base_url"].rstrip("/")
        self.key = seed["api_key"]
        self.site = seed["sites"][0]["id"]

    def request(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        with urllib.request.urlopen(req, timeout=60) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    def control(self, method, path, body=None):
        return self.request(method, "/__emulator/" + path, body)

    def upload_url(self, name, size):
        v = self.request(
            "POST",
            "/site-media/v1/files/generate-upload-url",
            {"mimeType": "application/octet-stream", "fileName": name, "sizeInBytes": str(size)},
            {"Authorization": self.key, "wix-site-id": self.site},
        )
        return v["uploadUrl"]

    def patch_bytes(self):
        """Request-body bytes the tus server has read in PATCH requests since the log was cleared."""
        reqs = self.control("GET", "log")["requests"]
        return sum(r["body_bytes"] for r in reqs if r["method"] == "PATCH")

    def stored(self):
        return self.control("GET", f"sites/{self.site}/files")["files"]

    def cpu(self):
        """CPU seconds the emulator has used so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def drop_stored_bytes(self):
        """Free the disk between cases (the emulator's metadata stays)."""
        d = os.path.join(self.store, self.site)
        if os.path.isdir(d):
            shutil.rmtree(d)
            os.makedirs(d)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def make_file(path, size, tag):
    """`size` bytes, distinct per tag, written fast (a random block, varied per 1 MiB)."""
    block = bytearray(os.urandom(MIB))
    with open(path, "wb") as f:
        left, i = size, 0
        while left > 0:
            head = f"{tag}:{i}:".encode()
            block[: len(head)] = head
            n = min(left, MIB)
            f.write(block[:n])
            left -= n
            i += 1


class Wixdrop:
    def __init__(self, emu, work):
        self.emu, self.work, self.n = emu, work, 0

    def env(self, home):
        e = dict(os.environ)
        e.update(
            WIXDROP_HOME=home,
            WIXDROP_API_BASE=self.emu.base,
            WIX_API_KEY=self.emu.key,
            WIX_SITE_ID=self.emu.site,
            NO_COLOR="1",
        )
        return e

    def fresh_home(self):
        self.n += 1
        home = os.path.join(self.work, f"home{self.n}")
        os.makedirs(home)
        return home

    def run(self, args, home=None):
        """(seconds, peak RSS in KiB) of one `wixdrop` run that must succeed."""
        home = home or self.fresh_home()
        cmd = ["/usr/bin/time", "-v", WIXDROP] + args
        t0 = time.perf_counter()
        p = subprocess.run(cmd, env=self.env(home), capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            raise SystemExit(f"wixdrop {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
        rss, self.last_cpu = 0, 0.0
        for line in p.stderr.splitlines():
            if "Maximum resident set size" in line:
                rss = int(line.rsplit(":", 1)[1])
            if "User time (seconds)" in line or "System time (seconds)" in line:
                self.last_cpu += float(line.rsplit(":", 1)[1])
        return dt, rss

    def spawn(self, args, home):
        return subprocess.Popen(
            [WIXDROP] + args, env=self.env(home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def curl_put(emu, path):
    """(seconds, CPU seconds) of one `curl -T`."""
    url = emu.upload_url(os.path.basename(path), os.path.getsize(path))
    c0, t0 = children_cpu(), time.perf_counter()
    subprocess.run(
        ["curl", "-sS", "-f", "-o", "/dev/null", "-T", path, "-H", "Content-Type: application/octet-stream", url],
        check=True,
    )
    return time.perf_counter() - t0, children_cpu() - c0


def sha256_secs(path):
    """Seconds to SHA-256 a file in this process (OpenSSL, SHA extensions where the CPU has them)."""
    t0 = time.perf_counter()
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MIB), b""):
            h.update(block)
    return time.perf_counter() - t0


CURL_ONE = r"""
f=$1; n=$(basename "$f"); s=$(stat -c %s "$f")
url=$(curl -sS -f -X POST "$BASE/site-media/v1/files/generate-upload-url" \
  -H "Authorization: $KEY" -H "wix-site-id: $SITE" -H 'Content-Type: application/json' \
  -d "{\"mimeType\":\"application/octet-stream\",\"fileName\":\"$n\",\"sizeInBytes\":\"$s\"}" \
  | sed -n 's/.*"uploadUrl" *: *"\([^"]*\)".*/\1/p')
curl -sS -f -o /dev/null -T "$f" -H 'Content-Type: application/octet-stream' "$url"
"""


def curl_many(emu, folder):
    env = dict(os.environ, BASE=emu.base, KEY=emu.key, SITE=emu.site)
    files = "\n".join(os.path.join(folder, n) for n in sorted(os.listdir(folder))) + "\n"
    t0 = time.perf_counter()
    subprocess.run(
        ["xargs", "-P8", "-n1", "sh", "-c", CURL_ONE, "_"], input=files, text=True, env=env, check=True
    )
    return time.perf_counter() - t0


def mbps(size, secs):
    return size / secs / 1e6


def main():
    for b in (WIXDROP, EMULATOR, "/usr/bin/time"):
        if not os.path.exists(b):
            raise SystemExit(f"missing {b} (run upload_bench.sh, which builds the release binaries)")
    if not shutil.which("curl"):
        raise SystemExit("curl is needed for the comparison")
    work = tempfile.mkdtemp(prefix="wixdrop-bench-")
    emu = None
    rows = []
    try:
        emu = Emulator(work)
        wd = Wixdrop(emu, work)
        data = os.path.join(work, "data")
        os.makedirs(data)

        # 1. One big file: throughput vs curl -T, and peak RSS.
        big = os.path.join(data, "big.bin")
        big_size = BIG_MIB * MIB
        log(f"writing a {BIG_MIB} MiB file")
        make_file(big, big_size, "big")
        wd_rss, hash_t = [], []
        # (seconds, client CPU s, emulator CPU s) per run; the best run is the fastest.
        curl_runs, wd_runs = [], []
        for i in range(REPEAT):
            log(f"{BIG_MIB} MiB: curl -T (run {i + 1}/{REPEAT})")
            e0 = emu.cpu()
            t, cpu = curl_put(emu, big)
            curl_runs.append((t, cpu, emu.cpu() - e0))
            emu.drop_stored_bytes()
            log(f"{BIG_MIB} MiB: wixdrop upload (run {i + 1}/{REPEAT})")
            home = wd.fresh_home()
            e0 = emu.cpu()
            t, rss = wd.run(["upload", big, "--json"], home)
            wd_runs.append((t, wd.last_cpu, emu.cpu() - e0))
            wd_rss.append(rss)
            emu.drop_stored_bytes()
            # The same again: its size matches the history, so it is hashed from disk and skipped
            # as a duplicate. (A new file is hashed while it streams, inside the timed run.)
            t, _ = wd.run(["upload", big, "--json"], home)
            hash_t.append(t)
        best_c, best_w = min(curl_runs), min(wd_runs)
        ct, wt, ht = best_c[0], best_w[0], min(hash_t)
        rows.append((f"{BIG_MIB} MiB file: throughput", f"{mbps(big_size, wt):.0f} MB/s ({wt:.1f} s)",
                     f"{mbps(big_size, ct):.0f} MB/s ({ct:.1f} s)", f"{ct / wt:.2f}", ">= 0.95"))
        rows.append(("  CPU s: client / emulator", f"{best_w[1]:.2f} / {best_w[2]:.2f}",
                     f"{best_c[1]:.2f} / {best_c[2]:.2f}", "-", "-"))
        rows.append(("  SHA-256 of the file alone", f"{sha256_secs(big):.2f} s", "-", "-", "-"))
        rows.append(("  same file again: hashed, skipped", f"{ht:.1f} s", "-", "-", "-"))
        rows.append((f"{BIG_MIB} MiB file: peak RSS", f"{max(wd_rss) / 1024:.1f} MiB", "-", "-", "<= 64 MiB"))
        os.remove(big)

        # 2. A 100 MiB file: memory does not grow with size.
        mid = os.path.join(data, "mid.bin")
        make_file(mid, MID_MIB * MIB, "mid")
        log(f"{MID_MIB} MiB: wixdrop upload")
        t, rss = wd.run(["upload", mid, "--json"])
        rows.append((f"{MID_MIB} MiB file: peak RSS", f"{rss / 1024:.1f} MiB", "-", "-", "flat (<= 64 MiB)"))
        emu.drop_stored_bytes()
        os.remove(mid)

        # 3. Many small files.
        small = os.path.join(data, "small")
        os.makedirs(small)
        log(f"writing {SMALL_N} files of {SMALL_KIB} KiB")
        for i in range(SMALL_N):
            make_file(os.path.join(small, f"s{i:04}.bin"), SMALL_KIB * 1024, f"small{i}")
        total = SMALL_N * SMALL_KIB * 1024
        curl_t, wd_t = [], []
        for i in range(REPEAT):
            log(f"{SMALL_N} files: xargs -P8 curl (run {i + 1}/{REPEAT})")
            curl_t.append(curl_many(emu, small))
            emu.drop_stored_bytes()
            log(f"{SMALL_N} files: wixdrop upload --concurrency 8 (run {i + 1}/{REPEAT})")
            t, _ = wd.run(["upload", small, "--concurrency", "8", "--json"])
            wd_t.append(t)
            emu.drop_stored_bytes()
        ct, wt = min(curl_t), min(wd_t)
        rows.append((f"{SMALL_N} x {SMALL_KIB} KiB: files/s", f"{SMALL_N / wt:.0f} /s ({wt:.1f} s)",
                     f"{SMALL_N / ct:.0f} /s ({ct:.1f} s)", f"{ct / wt:.2f}", ">= 1.0"))
        shutil.rmtree(small)

        # 4. A resumable upload killed at ~50 %, then resumed.
        tus = os.path.join(data, "resume.bin")
        tus_size = TUS_MIB * MIB
        make_file(tus, tus_size, "tus")
        home = wd.fresh_home()
        # Slow enough (about 4 s for the whole file) to stop it half-way.
        emu.control("POST", "faults", {"method": "PATCH", "path_prefix": "/tus/",
                                       "fault": {"type": "bandwidth", "bytes_per_sec": tus_size // 4},
                                       "times": None})
        emu.control("DELETE", "log")
        log(f"{TUS_MIB} MiB resumable upload, SIGKILL at ~50 %")
        p = wd.spawn(["upload", tus, "--json"], home)
        deadline = time.time() + 300
        while emu.patch_bytes() < tus_size // 2 and time.time() < deadline and p.poll() is None:
            time.sleep(0.02)
        p.send_signal(signal.SIGKILL)
        p.wait()
        killed_at = emu.patch_bytes()
        # What the client had written before it died is still in socket buffers and reaches
        # the (throttled) server afterwards: wait until the count stops moving.
        first, still = emu.patch_bytes(), 0
        while still < 10 and time.time() < deadline:
            time.sleep(0.1)
            now = emu.patch_bytes()
            still = still + 1 if now == first else 0
            first = now
        emu.control("DELETE", "faults")
        emu.control("DELETE", "log")
        log("resuming")
        wd.run(["resume", "--json"], home)
        second = emu.patch_bytes()
        resent = first + second - tus_size
        sha = hashlib.sha256()
        with open(tus, "rb") as f:
            for block in iter(lambda: f.read(MIB), b""):
                sha.update(block)
        sha_ok = sum(1 for f in emu.stored() if f["sha256"] == sha.hexdigest()) == 1
        rows.append((f"tus {TUS_MIB} MiB killed at {100 * killed_at / tus_size:.0f} %: re-sent",
                     f"{resent} B" + ("" if sha_ok else " (NOT stored exactly once!)"), "-",
                     f"{resent / CHUNK:.2f} chunk", "<= 1 chunk (8 MiB)"))
    finally:
        if emu:
            emu.stop()
        shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg()[0]
    sys.stderr.flush()
    print(f"\nWixdrop upload benchmark ({os.cpu_count()} CPUs, load {load:.1f}; emulator on loopback)\n")
    header = ("case", "wixdrop", "curl", "ratio", "target")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(5)]
    for r in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    print(flush=True)


if __name__ == "__main__":
    main()
