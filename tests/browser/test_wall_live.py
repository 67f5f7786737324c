"""The wall on the demo court with the real refresher: figure equality and the stale banner.

Every KPI text on the wall must equal the indicator engine's display for the same snapshot
(and the CLI's JSON for the same period); the stale banner must appear when the refresher
stops and disappear when it resumes.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By

from dashboard import scheduler
from db.snapshot import current_snapshot
from layouts.wall.tiles import MONEY_KEY, in_wan
from tests.browser.harness import ROOT, LiveServer, wait_for_dash, wait_until

_TEXTS = """
const out = {};
for (const el of document.querySelectorAll(arguments[0])) {
  const tile = el.closest('[data-key]');
  out[tile.dataset.key] = el.textContent;
}
return out;
"""


_FILLS_SCREEN = """
const r = document.getElementById('wall-root').getBoundingClientRect();
return r.width === window.innerWidth && r.height === window.innerHeight;
"""


def _tile_texts(driver: Any) -> dict[str, str]:
    return driver.execute_script(_TEXTS, ".w-kpi .w-kpi-value")


def _copy_demo(demo_db_url: str, tmp_path: Path) -> str:
    """A private copy of the seeded demo database (the refresher writes history rows)."""
    source = Path(demo_db_url.removeprefix("sqlite:///"))
    target = tmp_path / "wall-demo.db"
    shutil.copy(source, target)
    return f"sqlite:///{target}"


def _cli_court(db_url: str, start: str, end: str) -> dict[str, Any]:
    """The court's indicators from `python -m dashboard indicators --format json`."""
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "indicators", "--period", f"{start}:{end}", "--format", "json"],
        cwd=ROOT, env={**os.environ, "DASHBOARD_DATABASE_URL": db_url},
        capture_output=True, text=True, timeout=300, check=True,
    )
    return json.loads(done.stdout)[0]["indicators"]


def _shown_version(driver: Any) -> str | None:
    return driver.execute_script("return document.getElementById('wall-root').getAttribute('data-shown')")


def test_wall_figures_equal_the_engine_and_stale_banner_follows_the_refresher(
        demo_db_url: str, app_server_factory: Callable[..., LiveServer], driver: Any,
        tmp_path: Path) -> None:
    db_url = _copy_demo(demo_db_url, tmp_path)
    server = app_server_factory(db_url, {"REFRESH_INTERVAL_S": 1, "POLL_INTERVAL_S": 1})
    cache = server.app.server.extensions["dashboard"].extras["cache"]
    service = scheduler.start(server.app.server, force=True)
    try:
        snap = wait_until(lambda: current_snapshot(cache), 180, "first snapshot")
        driver.get(server.page("/wall?kiosk=1&screen=overview"))
        wait_for_dash(driver)
        wait_until(lambda: _shown_version(driver) == str(snap["version"]), 120, "snapshot on the wall")
        wait_until(lambda: not driver.find_element(By.ID, "wall-stale").is_displayed(), 30, "fresh")

        court = snap["views"]["ytd"]["court"]["indicators"]
        values = _tile_texts(driver)
        deltas = driver.execute_script(_TEXTS, ".w-kpi .w-delta-text")
        # 待发放案款 is shown in 万元: compare its amount and change separately
        money = court[MONEY_KEY]
        assert values[MONEY_KEY] == f"{float(money['value']) / 10000:,.2f}万元"
        assert deltas[MONEY_KEY] == in_wan(money)["delta_display"]
        compared = [key for key in values if key in court and key != MONEY_KEY]
        assert len(compared) == 9
        for key in compared:
            assert values[key] == court[key]["display"], key
            assert deltas[key] == court[key]["delta_display"], key
        ytd = snap["periods"]["ytd"]
        cli = _cli_court(db_url, ytd["start"], ytd["end"])
        assert {k: values[k] for k in compared} == {k: cli[k]["display"] for k in compared}
        assert {k: deltas[k] for k in compared} == {k: cli[k]["delta_display"] for k in compared}
        assert driver.find_element(By.ID, "wall-court").text == snap["court"]["name"]

        # the refresher stops: the banner appears within a few intervals and figures grey out
        service.stop()
        banner = wait_until(lambda: driver.find_element(By.ID, "wall-stale").is_displayed()
                            and driver.find_element(By.ID, "wall-stale").text, 60, "stale banner")
        assert "数据已过期" in banner
        grey = driver.execute_script("return getComputedStyle(document.querySelector('.wall-body')).filter")
        assert "grayscale" in grey
        # the last good figures stay on screen, at full size
        assert driver.execute_script(_FILLS_SCREEN)
        assert _tile_texts(driver) == values
        # ... and resumes: the banner goes away by itself
        service = scheduler.start(server.app.server, force=True)
        wait_until(lambda: not driver.find_element(By.ID, "wall-stale").is_displayed(), 120, "banner gone")
    finally:
        service.stop()
