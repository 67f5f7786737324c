"""The 中心 wall screen on the demo court (issue #18 §3): in the rotation after 团队, filled from
the refresher's snapshot (the center's people by name and duty, today's figures equal to the
snapshot's), and it fits 1920×1080 and 3840×2160 without scrollbars or cut-off panels."""
from __future__ import annotations

import time
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from db.snapshot import current_snapshot
from tests.browser.harness import LiveServer, set_viewport, wait_for_dash, wait_until
from tests.browser.test_wall import _FIT_JS, BOXES, active_screen

CENTER_BOXES = BOXES + ", .w-c-row, .w-c-slot"


def _snapshot(server: LiveServer) -> dict[str, Any]:
    cache = server.app.server.extensions["dashboard"].extras["cache"]
    return wait_until(lambda: (current_snapshot(cache) or {}).get("center") and current_snapshot(cache),
                      240, "a snapshot with the center's part")


def test_center_screen_is_in_the_rotation(demo_server: LiveServer, driver: Any) -> None:
    _snapshot(demo_server)
    driver.get(demo_server.page("/wall?kiosk=1&rotate=5&screen="))
    wait_for_dash(driver)
    tabs = [t.get_attribute("data-screen") for t in driver.find_elements(By.CSS_SELECTOR, ".w-tab")]
    assert tabs[tabs.index("teams") + 1] == "center"
    # the rotation reaches 中心 (5 s per screen, five screens)
    wait_until(lambda: active_screen(driver) == "center", 60, "the rotation shows 中心")
    assert driver.find_elements(By.CSS_SELECTOR, ".w-screen--center .w-c-row")


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)], ids=["1080p", "4k"])
def test_center_screen_shows_the_snapshot_and_fits(demo_server: LiveServer, driver: Any,
                                                   size: tuple[int, int]) -> None:
    snap = _snapshot(demo_server)
    set_viewport(driver, *size)
    driver.get(demo_server.page("/wall?kiosk=1&screen=center"))
    wait_for_dash(driver)
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".w-c-row"), 60, "center people")
    time.sleep(1.0)  # cross-fade
    assert active_screen(driver) == "center"
    shown = driver.execute_script(
        "const o = {}; for (const t of document.querySelectorAll('.w-screen--center .w-kpi'))"
        " o[t.dataset.key] = t.querySelector('.w-kpi-value').textContent; return o;")
    today = snap["center"]["periods"]["today"]["court"]["indicators"]
    assert shown["query_count"] == today["query_count"]["display"]
    assert shown["served_count"] == today["served_count"]["display"]
    names = {p["name"] for p in snap["center"]["periods"]["mtd"]["people"]}
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, ".w-c-row .w-c-name")]
    assert rows and set(rows) <= names
    assert "网络查控员" in driver.find_element(By.CSS_SELECTOR, ".w-c-people").text
    assert driver.execute_script(_FIT_JS, CENTER_BOXES) == [], f"center at {size}"
