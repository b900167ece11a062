"""A big batch in the real window: a 5,000-file folder dropped on the Upload screen shows
"Preparing…" and then its grouped queue at once, the window stays usable (History and back)
while it uploads, everything finishes, and a failure injected by the emulator is one click away
(the Failed filter). Only the rows on screen exist in the DOM."""
from __future__ import annotations

import time
from pathlib import Path

from test_upload import PNG_MAGIC, drop, open_upload, shot, with_profile  # noqa: F401 (fixture)

N = 5000


def tiny_tree(root: Path, n: int) -> Path:
    """`n` tiny PNG-looking files in three subfolders, written fast (no randomness needed: the
    duplicate check only looks at files whose size matches an earlier upload, and every file
    here has its own content)."""
    for i in range(n):
        d = root / f"day{i % 3 + 1}"
        if i < 3:
            d.mkdir(parents=True, exist_ok=True)
        (d / f"img{i:05d}.png").write_bytes(PNG_MAGIC + i.to_bytes(4, "big"))
    return root


# Notes, from inside the page, when the queue first showed "Preparing…" and its group header.
WATCH_JS = """
window.__batch = {t0: performance.now(), preparing: null, group: null};
const seen = () => {
  const b = window.__batch;
  if (b.preparing === null && document.querySelector('[data-testid=queue-sending], [data-testid=queue-overview][data-preparing=true], [data-testid=group][data-preparing=true]')) b.preparing = performance.now() - b.t0;
  if (b.group === null && document.querySelector('[data-testid=group]')) b.group = performance.now() - b.t0;
  if (b.preparing !== null && b.group !== null) obs.disconnect();
};
const obs = new MutationObserver(seen);
obs.observe(document.body, {subtree: true, childList: true, attributes: true});
"""


def test_a_5000_file_drop_is_grouped_usable_and_finishes(launch, emulator, app_env, with_profile, artifacts, tmp_path):  # noqa: F811
    root = tiny_tree(tmp_path / "Holiday 2026", N)
    s = launch(**app_env)
    s.set_window_rect(1280, 800, 0, 0)
    open_upload(s)
    # One upload is refused (403 on its upload URL); a little latency on the rest keeps the batch
    # running long enough to look at it mid-way.
    emulator.control("POST", "faults", {"path_prefix": "/site-media/v1/files/generate-upload-url", "fault": {"type": "status", "status": 403}, "times": 1})
    emulator.control("POST", "faults", {"path_prefix": "/site-media/v1/files/generate-upload-url", "fault": {"type": "latency", "ms": 8}, "times": None})

    s.js(WATCH_JS)
    drop(s, [root])
    s.wait('[data-testid="group"][data-label="Holiday 2026"]', timeout=20)
    seen = s.js("return window.__batch")
    print(f"\nPreparing… shown after {seen['preparing']:.0f} ms, group header after {seen['group']:.0f} ms (in-page clock, from the drop call)")
    assert seen["preparing"] is not None, "no Preparing… state was shown before the queue"
    assert seen["preparing"] <= seen["group"]

    # Mid-batch: the group says how far it is; only the rows on screen are in the DOM.
    s.wait('[data-testid="job"]', timeout=20)
    s.wait('[data-testid="queue-overview"][data-busy="true"]', timeout=5)
    line = s.text(s.wait('[data-testid="group-line"]'))
    assert "files" in line, line
    rows_in_dom = len(s.find_all('[data-testid="job"]'))
    assert 0 < rows_in_dom < 100, f"{rows_in_dom} rows in the DOM: the list is not virtualized"
    shot(s, artifacts / "batch-01-mid-batch.png")

    # Pause holds the whole batch, and every unfinished row on screen says so; Resume goes on.
    s.click('[data-testid="pause-all"]')
    s.wait('[data-testid="queue-overview"][data-paused="true"]', timeout=5)
    deadline = time.time() + 5
    while time.time() < deadline and s.js("return [...document.querySelectorAll('[data-testid=job]')].some(e => !['done','failed','cancelled','skipped_duplicate','processing'].includes(e.dataset.stage) && e.dataset.paused !== 'true')"):
        time.sleep(0.1)
    assert "Paused" in s.text(s.wait('[data-testid="queue-headline"]'))
    assert s.js("return [...document.querySelectorAll('[data-testid=job][data-paused=true]')].length") > 0, "no row shows the pause"
    s.click('[data-testid="resume-all"]')
    s.wait('[data-testid="queue-overview"][data-paused="false"]', timeout=5)

    # The window stays usable: History and back while the batch runs.
    t = time.time()
    s.js("location.hash = '#/history'")
    s.wait_text("main h1", "History")
    to_history = time.time() - t
    t = time.time()
    s.js("location.hash = '#/upload'")
    s.wait('[data-testid="group"][data-label="Holiday 2026"]', timeout=10)
    back = time.time() - t
    print(f"Upload → History {to_history * 1000:.0f} ms, History → Upload {back * 1000:.0f} ms (WebDriver round trips included)")
    busy_after_switch = s.js("return document.querySelector('[data-testid=queue-overview]').dataset.busy")
    assert to_history < 3 and back < 3, (to_history, back)

    # All finish; the header says so, with the one failure.
    s.wait('[data-testid="queue-overview"][data-busy="false"]', timeout=240)
    head = s.text(s.wait('[data-testid="queue-headline"]'))
    assert "4,999 uploaded, 1 failed" in head, head
    assert busy_after_switch == "true", "the batch was over before the screen switch: nothing was measured mid-batch"
    shot(s, artifacts / "batch-02-grouped-done.png")

    # The failure is one click away, explained.
    assert s.js("return document.querySelector('[data-testid=filter-failed]').dataset.count") == "1"
    s.click('[data-testid="filter-failed"]')
    s.wait('[data-testid="job"][data-stage="failed"]', timeout=10)
    assert len(s.find_all('[data-testid="job"]')) == 1
    err = s.text(s.wait('[data-testid="job-error"]'))
    assert "refused" in err.lower() or "permission" in err.lower(), err
    shot(s, artifacts / "batch-03-failure-expanded.png")
    s.set_window_rect(800, 600, 0, 0)
    time.sleep(0.5)
    shot(s, artifacts / "batch-04-failure-800x600.png")

    # Folding the group away and back.
    s.click('[data-testid="filter-all"]')
    s.click('[data-testid="group-toggle"]')
    s.wait_gone('[data-testid="job"]', timeout=5)
    s.click('[data-testid="group-toggle"]')
    # Polled in the page: rows are replaced as their page arrives, so a WebDriver element
    # reference can go stale between finding it and asking whether it is shown.
    deadline = time.time() + 10
    while not s.js("return document.querySelectorAll('[data-testid=job]').length") and time.time() < deadline:
        time.sleep(0.1)
    assert s.js("return document.querySelectorAll('[data-testid=job]').length") > 0, "the unfolded group shows no rows"
