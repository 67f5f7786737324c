"""Write PNG screenshots of the app's pages into docs/screenshots/ (`make screenshots`).

Seeds the demo court into a temporary SQLite file (or uses --db), starts the app with its
background work (scheduler) on a free port, opens every page in SHOTS in headless Chromium
and saves `<name>-<width>x<height>.png`. Add a page by appending a Shot to SHOTS.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import (  # noqa: E402 - needs the repo on sys.path
    LiveServer,
    console_errors,
    make_driver,
    migrate_database,
    screenshot,
    seed_demo,
    start_server,
    wait_for_dash,
    wait_for_fresh_data,
    wait_until,
)

WALL_SIZES = ((1920, 1080), (3840, 2160))
DESK_SIZES = ((1920, 1080),)


@dataclass(frozen=True)
class Shot:
    """One page to photograph: file stem, URL path, viewport sizes, what to wait for."""

    name: str
    path: str
    sizes: tuple[tuple[int, int], ...] = DESK_SIZES
    ready_css: str = ""  # an element that exists only once the page shows real data
    fresh: bool = True  # wait until the shell's stale/not-ready banner is gone
    settle_s: float = 1.0


LAPTOP_SIZES = ((1920, 1080), (1366, 768))
ARTICLE = "preset=custom&start=2021-10-01&end=2022-09-30"  # the source article's period

SHOTS: tuple[Shot, ...] = (
    Shot("home", "/", WALL_SIZES, ready_css=".court-card"),
    Shot("analysis", f"/analysis?{ARTICLE}", LAPTOP_SIZES, ready_css=".kpi-card .kpi-value"),
    Shot("analysis-team", f"/analysis?{ARTICLE}&team=2", LAPTOP_SIZES, ready_css=".kpi-card .kpi-value"),
    Shot("team", "/team/2", LAPTOP_SIZES, ready_css=".queue-card"),
    Shot("officer", "/officer/12", LAPTOP_SIZES, ready_css=".indicator-table"),
    Shot("cases", "/cases?indicator=closed&part=numerator&scope=team&id=2&start=2021-10-01&end=2022-09-30",
         LAPTOP_SIZES, ready_css=".desk-link"),
    Shot("case", "/case/1661", LAPTOP_SIZES, ready_css=".tl-item"),
    Shot("wall-overview", "/wall?kiosk=1&screen=overview", WALL_SIZES, ready_css="#wall-trend .main-svg",
         settle_s=2.0),
    Shot("wall-teams", "/wall?kiosk=1&screen=teams", WALL_SIZES, ready_css=".w-rk-row", settle_s=2.0),
    Shot("wall-nodes", "/wall?kiosk=1&screen=nodes", WALL_SIZES, ready_css=".w-nh, .w-plan-card",
         settle_s=2.0),
    Shot("wall-feed", "/wall?kiosk=1&screen=feed", WALL_SIZES, ready_css=".w-fd-row", settle_s=2.0),
)


def _ready(driver, shot: Shot) -> None:
    from selenium.webdriver.common.by import By

    wait_for_dash(driver, timeout=60)
    if shot.fresh:
        wait_for_fresh_data(driver)
    if shot.ready_css:
        wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, shot.ready_css), 120,
                   f"{shot.ready_css} on {shot.path}")
    time.sleep(shot.settle_s)


def take(server: LiveServer, shots: list[Shot], out: Path) -> list[Path]:
    """Photograph each shot at each of its sizes; return the files written."""
    written: list[Path] = []
    driver = make_driver()
    try:
        for shot in shots:
            for width, height in shot.sizes:
                driver.get(server.page(shot.path))
                _ready(driver, shot)
                path = screenshot(driver, out / f"{shot.name}-{width}x{height}.png", width, height)
                errors = console_errors(driver)
                print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
                      + (f"  (console errors: {errors})" if errors else ""))
                written.append(path)
    finally:
        driver.quit()
    return written


def _database(db: str | None) -> str:
    if db:
        return db
    url = f"sqlite:///{tempfile.mkdtemp(prefix='screens-')}/demo.db"
    print("载入演示法院（seed-demo）…", flush=True)
    migrate_database(url)
    seed_demo(url)
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="use this database URL instead of seeding a temporary one")
    parser.add_argument("--only", nargs="*", help="shot names to take (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    shots = [s for s in SHOTS if not args.only or s.name in args.only]
    if not shots:
        parser.error(f"no shot named {args.only}; known: {[s.name for s in SHOTS]}")

    server = start_server(_database(args.db), {"REFRESH_INTERVAL_S": 5}, background=True)
    try:
        take(server, shots, args.out)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
