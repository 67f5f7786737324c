"""Page-load time of the desk pages in headless Chromium: p50/p95 per page, and where it goes.

    .venv/bin/python bench/desk_pages.py [--runs 20] [--cases N] [--db URL] [--pages team,officer]

Default: the demo court seeded into a temporary SQLite file. `--cases N`: N generated cases
(`db.demo.seed_bulk`) in instance/bench_indicators_N.db, kept between runs and shared with
`bench/indicators.py --keep` (seeding 1,000,000 takes 5–10 minutes once). `--db URL` measures an
already seeded database (it must hold the demo court: the demo sign-ins are made for it).

The app runs as `python -m dashboard run` does (gunicorn, one worker with the refresher; no
simulator) on a free port. After the first snapshot, headless Chromium signs in as the demo
指挥中心 user (`center`), loads each page once to warm up (browser cache, server memo) and then
`--runs` times, each a full navigation. A load's time is from navigation start until the page's
data is rendered: assets/desk-live.js sets <html data-desk-ready="ms"> two frames after the
page's 「数据截至」 arrived, which comes in the same callback response as its figures and rows.
Per page it prints p50/p95 of that, the document's DOMContentLoaded (the app's JavaScript
loaded and parsed), the slowest Dash callback's server time (request sent → first byte) and the
callbacks' transferred bytes. Numbers, not assertions: docs/operations.md (基准) quotes runs,
with the machine's load (`uptime`) at the time. Targets: p95 < 1 s at the demo's size and
< 2 s at 1,000,000 cases.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from db.models import Case, Court  # noqa: E402
from db.session import make_engine, make_session_factory, session_scope  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BINARY", "/usr/bin/chromedriver")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-dev-shm-usage", "--window-size=1920,1080", "--lang=zh-CN")
CENTER = ("center", "Demo#2026-zh")  # db/demo/users.py: the demo 指挥中心 sign-in

# what the page measured itself (ms since navigation start) and what its callbacks cost
_MEASURE = """
const ready = document.documentElement.getAttribute('data-desk-ready');
if (!ready) { return null; }
const nav = performance.getEntriesByType('navigation')[0];
const calls = performance.getEntriesByType('resource').filter(e => e.name.includes('_dash-update-component'));
return {ready: Number(ready), dcl: nav ? nav.domContentLoadedEventEnd : null, calls: calls.length,
        server: Math.max(0, ...calls.map(e => e.responseStart - e.requestStart)),
        bytes: calls.reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)};
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database(args: argparse.Namespace, tmp: str) -> str:
    if args.db:
        return args.db
    if args.cases:
        from bench.indicators import kept_database, seed

        url, seeded = kept_database("sqlite", args.cases)
        if not seeded:
            print(f"seed_bulk({args.cases:,}) into {url} …", flush=True)
            print(f"  took {seed(url, args.cases):.0f} s", flush=True)
        return url
    from bench.scratch import demo_database

    return demo_database(tmp)


def _targets(url: str) -> dict[str, str]:
    """The pages to load: the busiest team and officer of the court, this year's case list."""
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        court = session.scalar(select(Court.id).order_by(Court.id))
        team = session.scalar(select(Case.team_id).where(Case.team_id.is_not(None))
                              .group_by(Case.team_id).order_by(func.count().desc()))
        officer = session.scalar(select(Case.officer_id).where(Case.officer_id.is_not(None))
                                 .group_by(Case.officer_id).order_by(func.count().desc()))
    engine.dispose()
    year = dt.date.today().year
    return {
        "home": "/",
        "analysis": "/analysis",
        "analysis-team": f"/analysis?team={team}",
        "team": f"/team/{team}",
        "officer": f"/officer/{officer}",
        "cases": f"/cases?indicator=closed&part=numerator&scope=team&id={team}"
                 f"&start={year}-01-01&end={dt.date.today().isoformat()}",
        "supervision": "/supervision",
        "_court": str(court),
    }


@contextmanager
def _app(url: str, port: int, logs: Path) -> Iterator[str]:
    """`python -m dashboard run` on `port`; stopped (its process group) afterwards."""
    env = {**os.environ, "DASHBOARD_DATABASE_URL": url, "DASHBOARD_PORT": str(port),
           "DASHBOARD_HOST": "127.0.0.1", "DASHBOARD_SIMULATE": "0", "DASHBOARD_CACHE_URL": "simple://",
           "DASHBOARD_SECRET_KEY": os.environ.get("DASHBOARD_SECRET_KEY") or uuid.uuid4().hex * 2,
           "PYTHONPATH": str(ROOT)}
    log = open(logs / "app.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "run"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _wait_for_snapshot(base: str, timeout: float, logs: Path) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/ping", timeout=5) as response:  # noqa: S310 - loopback
                body = json.loads(response.read())["snapshot"]
            if body.get("snapshot_version"):
                return body
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"no snapshot after {timeout:.0f} s; see {logs / 'app.log'}")


def _driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    return driver


def _sign_in(driver: Any, base: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base + "/login")
    driver.find_element(By.ID, "username").send_keys(CENTER[0])
    driver.find_element(By.ID, "password").send_keys(CENTER[1])
    driver.find_element(By.ID, "login-submit").click()
    _until(lambda: "/login" not in driver.current_url, 60, "signed in as center")


class NotShown(Exception):
    """The page did not show its data in time (or showed an error instead)."""


def _until(predicate: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise NotShown(f"{timeout:.0f} 秒内未完成：{what}")


def load(driver: Any, url: str, timeout: float) -> dict[str, Any]:
    """One full navigation to `url`; the page's own measurements once its data is on screen."""
    driver.get(url)
    found = _until(lambda: driver.execute_script(_MEASURE), timeout, f"data on screen: {url}")
    error = driver.execute_script("const e = document.querySelector('.desk-error'); return e && e.textContent;")
    if error:
        raise NotShown(f"页面显示错误：{error}")
    return found


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(base: str, pages: dict[str, str], runs: int, timeout: float) -> dict[str, dict[str, Any]]:
    driver = _driver()
    results: dict[str, dict[str, Any]] = {}
    try:
        _sign_in(driver, base)
        for name, path in pages.items():
            try:
                first = load(driver, base + path, timeout)  # warm-up: browser cache and server memo
                loads = [load(driver, base + path, timeout) for _ in range(runs)]
            except NotShown as exc:
                print(f"{name:<15}失败：{exc}", flush=True)
                continue
            ready = [m["ready"] for m in loads]
            results[name] = {
                "path": path, "first": first["ready"], "p50": statistics.median(ready), "p95": _pct(ready, 0.95),
                "dcl": statistics.median(m["dcl"] or 0 for m in loads),
                "server": statistics.median(m["server"] for m in loads),
                "calls": statistics.median(m["calls"] for m in loads),
                "kb": statistics.median(m["bytes"] for m in loads) / 1024,
            }
            print(_row(name, results[name]), flush=True)
    finally:
        driver.quit()
    return results


HEAD = (f"{'page':<15}{'first ms':>9}{'p50 ms':>8}{'p95 ms':>8}{'DCL ms':>8}{'callback srv ms':>16}"
        f"{'callbacks':>10}{'KB':>8}")


def _row(name: str, r: dict[str, Any]) -> str:
    return (f"{name:<15}{r['first']:>9.0f}{r['p50']:>8.0f}{r['p95']:>8.0f}{r['dcl']:>8.0f}{r['server']:>16.0f}"
            f"{r['calls']:>10.0f}{r['kb']:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="measured loads per page (default 20)")
    parser.add_argument("--cases", type=int, default=0, help="generated cases instead of the demo court")
    parser.add_argument("--db", help="an already seeded database URL (with the demo court)")
    parser.add_argument("--pages", default="", help="only these pages (comma-separated names)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds one load may take (default 120)")
    args = parser.parse_args()
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        print(f"跳过：未找到 {', '.join(missing)}（make browser 安装 Chromium 与 ChromeDriver）")
        return
    with tempfile.TemporaryDirectory(prefix="desk-pages-") as tmp:
        url = _database(args, tmp)
        pages = _targets(url)
        pages.pop("_court")
        if args.pages:
            pages = {k: v for k, v in pages.items() if k in args.pages.split(",")}
        logs = Path(tmp)
        with _app(url, _free_port(), logs) as base:
            began = time.monotonic()
            snap = _wait_for_snapshot(base, 1800, logs)
            print(f"first snapshot v{snap['snapshot_version']} after {time.monotonic() - began:.0f} s "
                  f"(computed in {snap.get('last_duration_ms')} ms)", flush=True)
            print(f"load before: {os.getloadavg()[0]:.1f}; {args.runs} loads per page after one warm-up", flush=True)
            print(HEAD, flush=True)
            measure(base, pages, args.runs, args.timeout)
            print(f"load after: {os.getloadavg()[0]:.1f} (1-min average, {os.cpu_count()} CPUs)", flush=True)


if __name__ == "__main__":
    main()
