"""A 4K wall's browser memory over a compressed day of refresh cycles and screen rotations.

    .venv/bin/python bench/wall_heap.py [--cycles N] [--every 1.0] [--width 3840 --height 2160]
                                        [--sample-every K] [--rotate 2] [--shot /tmp/wall_heap_4k.png]

A real wall gets a new snapshot every refresh interval (REFRESH_INTERVAL_S, 30 s by default:
2,880 versions a day while the data changes) and rotates its screens all day (WALL_ROTATE_S,
45 s). This script compresses that: the app runs on a free port with a sample snapshot, as
tests/browser/test_wall.py does (`start_server`, version polling every second), with the
server's rotation set to `--rotate` seconds (all screens rotating, no `screen=` pin) and the
periodic safe reload off (WALL_RELOAD_H=0: the page is measured, not reloaded). Headless
Chromium (`make_driver`) opens /wall?kiosk=1 at `--width`×`--height`. Each cycle publishes a
new version with changed figures (tiles, trend chart: the wall re-renders and highlights them),
waits until the wall shows it, then until `--every` seconds since the publish have passed.

One cycle stands for one refresh interval of simulated time (cycle × REFRESH_INTERVAL_S). After
a warm-up (the first renders of every screen fill caches) and then every `--sample-every` cycles
it samples, in the page: the JS heap after a forced GC (CDP `HeapProfiler.collectGarbage`, then
`Performance.getMetrics` JSHeapUsedSize; the minimum of 3, like test_wall.py's `heap()`), the
DOM node count (`Nodes`) and the JS event listeners (`JSEventListeners`); then a heap snapshot
(`heap_snapshot`, V8's and Blink's objects together): its total self size ("snapshot MB": Blink's
C++ objects are not in JSHeapUsedSize) and how many `blink::MediaQuerySet` it holds (the leak of
assets/base.css's `:has()` rule, fixed on 6 December, showed there only). It prints a table,
the ratios last/first, the least-squares slope (MB per simulated hour) over all samples and
over the second half, and the verdict against "flat":

    heap growth last − first < 2 MB, the second half's slope extrapolated to 24 h < 2 MB,
    and DOM nodes and event listeners growing < 5 %.

The default `--cycles` is what fits in about 15 minutes here (the wall picks up a version at
most once a second: POLL_INTERVAL_S ≥ 1), not a whole day (2,880 cycles ≥ 48 minutes); the
printed compression factor says how much simulated time each real second stood for. Numbers,
not assertions: docs/operations.md (基准) quotes a run with the machine's load.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.config import DEFAULTS  # noqa: E402
from db.snapshot.store import RefreshState, publish, write_state  # noqa: E402
from tests.browser.harness import (  # noqa: E402
    LiveServer,
    browser_missing,
    console_errors,
    heap_snapshot,
    make_driver,
    screenshot,
    start_server,
    wait_for_dash,
    wait_until,
)
from tests.layouts.wall_sample import sample_snapshot  # noqa: E402

REFRESH_S = int(DEFAULTS["REFRESH_INTERVAL_S"])  # documented refresh interval: one cycle of simulated time
DAY_CYCLES = 86400 // REFRESH_S
DEFAULT_CYCLES = 240  # ≈ 15 minutes at 4K here (3–4 s a cycle under load); a full day is DAY_CYCLES
WARMUP = 10
FLAT_MB = 2.0  # growth allowed, and the second half's slope × 24 h allowed
FLAT_COUNT = 0.05  # relative growth allowed for DOM nodes and event listeners

# counts the screen changes (the rotation) on the page; installed before the first sample
_COUNT_ROTATIONS = """
if (!window.__wallRotations) {
  window.__wallRotations = 0;
  new MutationObserver(() => { window.__wallRotations += 1; })
    .observe(document.getElementById('wall-root'), {attributes: true, attributeFilter: ['data-screen']});
}
"""
_SHOWN = """
const root = document.getElementById('wall-root');
const tile = document.querySelector(".w-kpi[data-key='closed'] .w-kpi-value");
return [root && root.getAttribute('data-shown'), tile && tile.textContent];
"""


def publish_sample(server: LiveServer, version: int, bump: int) -> None:
    """Publish a sample snapshot as the refresher would, confirmed current now."""
    cache = server.app.server.extensions["dashboard"].extras["cache"]
    snap = sample_snapshot(version, bump)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    publish(cache, snap, RefreshState())
    write_state(cache, RefreshState(version=version, computed_at=snap["computed_at"],
                                    as_of=snap["as_of"], checked_at=now))


def bump_of(version: int) -> int:
    return version % 7  # consecutive versions always differ (closed tile, trend's last point)


def cycle(server: LiveServer, driver: Any, version: int, every: float) -> None:
    started = time.monotonic()
    publish_sample(server, version, bump_of(version))
    want = [str(version), f"{1065 + bump_of(version)}件"]
    wait_until(lambda: driver.execute_script(_SHOWN) == want, 120, f"version {version} on the wall")
    rest = every - (time.monotonic() - started)
    if rest > 0:
        time.sleep(rest)


def metrics(driver: Any) -> dict[str, float]:
    found = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    return {m["name"]: m["value"] for m in found}


def sample(driver: Any) -> dict[str, float]:
    """Heap after GC (min of 3), DOM nodes and JS event listeners of that reading."""
    wait_for_dash(driver, 60)  # in-flight callbacks' responses would count as growth
    time.sleep(1)
    readings = []
    for _ in range(3):
        driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
        readings.append(metrics(driver))
    best = min(readings, key=lambda m: m["JSHeapUsedSize"])
    counts, sizes = heap_snapshot(driver)
    return {"heap": best["JSHeapUsedSize"] / 1e6, "nodes": best["Nodes"],
            "snapshot": sum(sizes.values()) / 1e6, "mq": float(counts["blink::MediaQuerySet"]),
            "listeners": best["JSEventListeners"],
            "rotations": float(driver.execute_script("return window.__wallRotations || 0"))}


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs (0 with fewer than two points)."""
    if len(xs) < 2:
        return 0.0
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def clock(cycles: int) -> str:
    """Simulated time after `cycles` refresh intervals, as day+HH:MM from midnight."""
    seconds = cycles * REFRESH_S
    day, rest = divmod(seconds, 86400)
    return f"{'+' + str(day) + 'd ' if day else ''}{rest // 3600:02d}:{rest % 3600 // 60:02d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=DEFAULT_CYCLES,
                        help=f"refresh cycles (new versions) after the warm-up; a day is {DAY_CYCLES}")
    parser.add_argument("--every", type=float, default=1.0, help="seconds between versions (at least)")
    parser.add_argument("--width", type=int, default=3840)
    parser.add_argument("--height", type=int, default=2160)
    parser.add_argument("--sample-every", type=int, default=0,
                        help="cycles between samples (default: cycles / 12)")
    parser.add_argument("--rotate", type=int, default=2, help="seconds per screen (WALL_ROTATE_S)")
    parser.add_argument("--shot", default=str(Path(tempfile.gettempdir()) / "wall_heap_4k.png"),
                        help="screenshot of the wall at the end (PNG)")
    args = parser.parse_args()
    if args.cycles < 2 or args.every < 0 or args.rotate < 1:
        parser.error("--cycles ≥ 2, --every ≥ 0, --rotate ≥ 1")
    missing = browser_missing()
    if missing:
        print(f"skipped: {missing}")
        return 0
    every_k = args.sample_every or max(1, args.cycles // 12)

    with tempfile.TemporaryDirectory(prefix="wall-heap-") as tmp:
        server = start_server(f"sqlite:///{tmp}/wall.db", {
            "POLL_INTERVAL_S": 1, "REFRESH_INTERVAL_S": 600, "WALL_ROTATE_S": args.rotate,
            "WALL_RELOAD_H": 0})
        driver = None
        try:
            publish_sample(server, 1, 0)
            driver = make_driver(width=args.width, height=args.height)
            driver.get(server.page("/wall?kiosk=1"))
            wait_for_dash(driver, 60)
            wait_until(lambda: driver.execute_script(_SHOWN)[0] == "1", 60, "first snapshot shown")
            driver.execute_cdp_cmd("Performance.enable", {})
            driver.execute_script(_COUNT_ROTATIONS)
            rotation = driver.execute_script("return document.getElementById('wall-root').getAttribute('data-rotation')")
            print(f"wall {args.width}×{args.height}, kiosk, rotation {rotation} every {args.rotate} s; "
                  f"a version at most every {args.every} s; {args.cycles} cycles "
                  f"(one cycle = one {REFRESH_S} s refresh interval, a day = {DAY_CYCLES}), "
                  f"sample every {every_k}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            version = 2
            for _ in range(WARMUP):
                cycle(server, driver, version, args.every)
                version += 1
            rows: list[tuple[int, dict[str, float]]] = [(0, sample(driver))]
            print(f"{'cycle':>6} {'sim. time':>9} {'heap MB':>8} {'snapshot MB':>11} {'MQ sets':>7} "
                  f"{'nodes':>6} {'listeners':>9} {'rotations':>9} {'real s':>7}")

            def show(n: int, s: dict[str, float], real: float) -> None:
                print(f"{n:>6} {clock(n):>9} {s['heap']:>8.2f} {s['snapshot']:>11.2f} {s['mq']:>7.0f} "
                      f"{s['nodes']:>6.0f} {s['listeners']:>9.0f} "
                      f"{s['rotations']:>9.0f} {real:>7.0f}", flush=True)

            start = time.monotonic()
            show(0, rows[0][1], 0)
            for n in range(1, args.cycles + 1):
                cycle(server, driver, version, args.every)
                version += 1
                if n % every_k == 0 or n == args.cycles:
                    rows.append((n, sample(driver)))
                    show(n, rows[-1][1], time.monotonic() - start)
            real = time.monotonic() - start
            errors = console_errors(driver)
            shot = screenshot(driver, args.shot, args.width, args.height)
        finally:
            if driver is not None:
                driver.quit()
            server.stop()

    hours = [n * REFRESH_S / 3600 for n, _ in rows]
    heap = [s["heap"] for _, s in rows]
    first, last = rows[0][1], rows[-1][1]
    half = len(rows) // 2
    whole = slope(hours, heap)
    second = slope(hours[half:], heap[half:])
    simulated = args.cycles * REFRESH_S
    print(f"simulated {simulated / 3600:.1f} h ({args.cycles} versions, {last['rotations']:.0f} screen changes) "
          f"in {real / 60:.1f} min real: compression {simulated / real:.0f}×; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"last/first: heap {last['heap'] / first['heap']:.3f} ({last['heap'] - first['heap']:+.2f} MB), "
          f"nodes {last['nodes'] / first['nodes']:.3f}, listeners {last['listeners'] / first['listeners']:.3f}; "
          f"snapshot {last['snapshot'] / first['snapshot']:.3f} ({last['snapshot'] - first['snapshot']:+.2f} MB), "
          f"MediaQuerySet {first['mq']:.0f} → {last['mq']:.0f}")
    print(f"slope: {whole:+.3f} MB per simulated hour (all samples), {second:+.3f} (second half) "
          f"→ {second * 24:+.2f} MB per simulated day")
    flat = (last["heap"] - first["heap"] < FLAT_MB and second * 24 < FLAT_MB
            and last["nodes"] < first["nodes"] * (1 + FLAT_COUNT)
            and last["listeners"] < first["listeners"] * (1 + FLAT_COUNT))
    print(f"verdict: {'FLAT' if flat else 'GROWING'} (flat: heap growth < {FLAT_MB:g} MB, second-half slope "
          f"× 24 h < {FLAT_MB:g} MB, nodes and listeners growth < {FLAT_COUNT:.0%})")
    print(f"console errors: {len(errors)}{': ' + errors[0] if errors else ''}; screenshot {shot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
