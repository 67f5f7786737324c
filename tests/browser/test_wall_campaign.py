"""The 专项行动 screen in headless Chromium: it joins the rotation when a snapshot has a running
campaign and leaves when a later one has none (no reload), and it fits 1920×1080 and 3840×2160."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.browser.harness import (
    LiveServer,
    console_errors,
    set_viewport,
    start_server,
    wait_for_dash,
    wait_until,
)
from tests.browser.test_wall import _FIT_JS, active_screen, publish_sample
from tests.layouts.wall_sample import campaign_sample

BOXES = ".w-panel, .w-cps-big, .w-cps-s, .w-cps-head, .wall-header, .wall-footer, .w-tab:not(.is-hidden)"


def _publish(server: LiveServer, version: int, running: bool) -> None:
    cache = server.app.server.extensions["dashboard"].extras["cache"]
    snap = publish_sample(server, version)
    if running:  # publish the same version again, with a running campaign
        from db.snapshot.store import RefreshState, publish

        publish(cache, {**snap, "campaigns_live": [campaign_sample(bump=version)]}, RefreshState())


def open_wall(driver: Any, server: LiveServer, query: str) -> None:
    """Open the wall with generous waits (a loaded machine is slow, never wrong)."""
    driver.get(server.page(f"/wall?{query}"))
    wait_for_dash(driver, 90)
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".w-kpi[data-key='closed'] .w-num-n"),
               90, "KPI tiles filled")


def _rotation(driver: Any) -> str:
    return driver.find_element(By.ID, "wall-root").get_attribute("data-rotation") or ""


def _tab_shown(driver: Any) -> bool:
    return driver.find_element(By.CSS_SELECTOR, ".w-tab[data-screen=campaign]").is_displayed()


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("wallcp") / "wall.db"
    started = start_server(f"sqlite:///{db}", {"POLL_INTERVAL_S": 1, "REFRESH_INTERVAL_S": 600})
    yield started
    started.stop()


def test_campaign_screen_joins_and_leaves_the_rotation(server: LiveServer, driver: Any) -> None:
    _publish(server, 7, running=False)
    open_wall(driver, server, "kiosk=1&rotate=5")
    wait_until(lambda: _rotation(driver) == "overview,teams,center,nodes,feed", 60, "rotation without campaign")
    assert not _tab_shown(driver)
    _publish(server, 8, running=True)
    wait_until(lambda: _rotation(driver) == "overview,teams,center,nodes,feed,campaign", 60, "campaign joins")
    assert _tab_shown(driver)
    wait_until(lambda: active_screen(driver) == "campaign", 60, "the rotation reaches the campaign screen")
    wait_until(lambda: "雷霆攻坚" in driver.find_element(By.CSS_SELECTOR, ".w-screen--campaign").text, 10,
               "the campaign screen shows the campaign")
    _publish(server, 9, running=False)
    wait_until(lambda: _rotation(driver) == "overview,teams,center,nodes,feed", 60, "campaign leaves")
    assert not _tab_shown(driver)
    wait_until(lambda: active_screen(driver) != "campaign", 10, "the wall moves off the campaign screen")
    assert console_errors(driver) == []


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)], ids=["1080p", "4k"])
def test_campaign_screen_fits(server: LiveServer, driver: Any, size: tuple[int, int]) -> None:
    _publish(server, 7, running=True)
    set_viewport(driver, *size)
    open_wall(driver, server, "kiosk=1&screen=专项行动")
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".w-cps-big"), 60, "campaign screen filled")
    time.sleep(1.0)  # cross-fade
    assert active_screen(driver) == "campaign"
    assert driver.execute_script(_FIT_JS, BOXES) == [], f"campaign at {size}"
    big = driver.find_element(By.CSS_SELECTOR, ".w-cps-big .w-num-n")
    assert float(big.value_of_css_property("font-size").rstrip("px")) >= 50 * size[0] / 1920  # across the room
