#!/usr/bin/env python3
"""Timing of `wixdrop prepare` (see prepare_bench.sh): web-ready at 2,560 px against
`convert -resize 2560x2560> -quality 85`, and location removal against `exiftool -gps:all=`.
Peak memory is GNU time's maximum resident set size of the whole run."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

N = int(os.environ.get("BENCH_N", "20"))
W, H = 6000, 4000
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
WIXDROP = os.path.join(TARGET, "release", "wixdrop")
CORES = os.cpu_count() or 1


def timed(cmd, env=None):
    """Run `cmd` under GNU time: (seconds, peak RSS in MB)."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True, env=env)
    secs = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd[:3])}…\n{p.stderr[-2000:]}")
    peak_kb = int(p.stderr.strip().splitlines()[-1])
    return secs, peak_kb / 1024


def main():
    work = tempfile.mkdtemp(prefix="wixdrop-prepare-bench-")
    try:
        run(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work):
    src = os.path.join(work, "in")
    os.makedirs(src)
    print(f"[bench] making {N} photos of {W} × {H} (ImageMagick), with GPS (exiftool)…", file=sys.stderr)
    base = os.path.join(work, "base.jpg")
    subprocess.run(["convert", "-size", f"{W // 4}x{H // 4}", "-seed", "7", "plasma:fractal",
                    "-resize", f"{W}x{H}!", "-attenuate", "0.6", "+noise", "Gaussian",
                    "-quality", "92", base], check=True)
    files = []
    for i in range(N):
        f = os.path.join(src, f"photo-{i:02d}.jpg")
        shutil.copy(base, f)
        files.append(f)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-GPSLatitude=48.8584", "-GPSLatitudeRef=N",
                    "-GPSLongitude=2.2945", "-GPSLongitudeRef=E", "-Orientation#=1",
                    f"-Comment=bench", *files], check=True)
    total = sum(os.path.getsize(f) for f in files)
    env = dict(os.environ, WIXDROP_HOME=os.path.join(work, "home"))

    rows = []
    # Web-ready: ImageMagick one file after the other (it uses every core itself, OpenMP)…
    out_im = os.path.join(work, "im")
    os.makedirs(out_im)
    script = os.path.join(work, "im.sh")
    with open(script, "w") as s:
        for f in files:
            s.write(f"convert {f} -resize '2560x2560>' -quality 85 {os.path.join(out_im, os.path.basename(f))}\n")
    im_secs, im_mem = timed(["sh", script])
    # …and one process per core (one thread each), the fastest way to run it on many files.
    out_imp = os.path.join(work, "imp")
    os.makedirs(out_imp)
    xargs = f"ls {src}/*.jpg | xargs -P {CORES} -I{{}} sh -c 'convert {{}} -resize \"2560x2560>\" -quality 85 {out_imp}/$(basename {{}})'"
    imp_secs, imp_mem = timed(["sh", "-c", xargs], env=dict(os.environ, MAGICK_THREAD_LIMIT="1", OMP_NUM_THREADS="1"))
    # Wixdrop: `prepare --optimize` (location removed too), files in parallel, one per core.
    out_wd = os.path.join(work, "wd")
    wd_secs, wd_mem = timed([WIXDROP, "--json", "prepare", "--optimize", "--out", out_wd, src], env=env)
    out_size = sum(os.path.getsize(os.path.join(out_wd, n)) for n in os.listdir(out_wd))
    im_size = sum(os.path.getsize(os.path.join(out_im, n)) for n in os.listdir(out_im))
    best_im = min(im_secs, imp_secs)
    rows.append(("web-ready: ImageMagick convert, sequential (OpenMP)", im_secs, im_mem, f"{N / im_secs:.2f} photos/s, out {im_size / 1e6:.1f} MB"))
    rows.append((f"web-ready: ImageMagick convert, {CORES} processes", imp_secs, imp_mem, f"{N / imp_secs:.2f} photos/s"))
    rows.append(("web-ready: wixdrop prepare --optimize", wd_secs, wd_mem, f"{N / wd_secs:.2f} photos/s, out {out_size / 1e6:.1f} MB, {best_im / wd_secs:.1f}× the faster ImageMagick (target ≥ 2×)"))

    # Location removal alone (lossless; a copy with the GPS IFD blanked, hashed on the way).
    out_loc = os.path.join(work, "loc")
    loc_secs, loc_mem = timed([WIXDROP, "--json", "prepare", "--out", out_loc, src], env=env)
    out_ex = os.path.join(work, "ex")
    os.makedirs(out_ex)
    ex_secs, ex_mem = timed(["exiftool", "-q", "-gps:all=", "-o", out_ex + "/", *files])
    rows.append(("location removal: exiftool -gps:all=", ex_secs, ex_mem, f"{total / 1e6 / ex_secs:.0f} MB/s"))
    rows.append(("location removal: wixdrop prepare", loc_secs, loc_mem, f"{total / 1e6 / loc_secs:.0f} MB/s (target ≥ 200 MB/s; whole process incl. start-up)"))

    left = subprocess.run(["exiftool", "-j", "-gps:all", out_loc], capture_output=True, text=True).stdout
    gps_left = sum(1 for e in json.loads(left or "[]") if any(k.startswith("GPS") for k in e))
    print(f"\n{N} photos, {W} × {H}, {total / 1e6:.0f} MB in all; {CORES} cores; GPS left after wixdrop: {gps_left} files\n")
    print(f"{'what':58} {'seconds':>8} {'peak MB':>8}  notes")
    for name, secs, mem, note in rows:
        print(f"{name:58} {secs:8.2f} {mem:8.0f}  {note}")


if __name__ == "__main__":
    main()
