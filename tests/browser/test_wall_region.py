"""A 中院's wall in headless Chromium: the 辖区 screen (courts ranked) and the 法院 screen (one
court's panel per rotation slot) fit 1920×1080 and 3840×2160 with figures readable from across
the room; screenshots docs/screenshots/wall-region-*.png (DASHBOARD_SHOTS_DIR=docs/screenshots)."""
from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from db.session import make_engine, make_session_factory, session_scope
from db.snapshot.builder import build_snapshot, default_port
from db.snapshot.store import RefreshState, publish, write_state
from tests.browser.harness import (
    SHOTS_DIR,
    LiveServer,
    console_errors,
    screenshot,
    set_viewport,
    start_server,
    wait_for_dash,
    wait_until,
)
from tests.browser.test_wall import _FIT_JS, active_screen
from tests.db.region_data import TODAY, TOP_CODE, seed_region

BOXES = ".w-panel, .w-kpi, .wall-header, .wall-footer, .w-tab:not(.is-hidden)"
CELLS_JS = """
const out = [];
for (const cell of document.querySelectorAll(
    '.w-screen.is-active .w-region-table td, .w-screen.is-active .w-region-table th,'
    + ' .w-screen.is-active .w-court-panel.is-active .w-region-teams td')) {
  if (cell.scrollWidth > cell.clientWidth + 1) out.push('text cut: ' + cell.textContent);
}
return out;
"""


@pytest.fixture(scope="module")
def region_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a 中院 with eight basic courts, its snapshot published as version 7."""
    db = tmp_path_factory.mktemp("wallrg") / "wall.db"
    started = start_server(f"sqlite:///{db}", {"POLL_INTERVAL_S": 1, "REFRESH_INTERVAL_S": 600,
                                               "COURT_CODE": TOP_CODE})
    engine = make_engine(started.db_url)
    with session_scope(make_session_factory(engine)) as session:
        seed_region(session, extra=5)
    with session_scope(make_session_factory(engine)) as session:
        snap = build_snapshot(session, default_port(None), today=TODAY, court_code=TOP_CODE)
    engine.dispose()
    snap = json.loads(json.dumps(snap))
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    snap.update(version=7, computed_at=now, status="ok")
    cache = started.app.server.extensions["dashboard"].extras["cache"]
    publish(cache, snap, RefreshState())
    write_state(cache, RefreshState(version=7, computed_at=now, as_of=snap["as_of"], checked_at=now))
    yield started
    started.stop()


def _open(driver: Any, server: LiveServer, query: str, ready: str) -> None:
    driver.get(server.page(f"/wall?{query}"))
    wait_for_dash(driver, 90)
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ready), 90, ready)
    time.sleep(1.0)  # cross-fade


def _rotation(driver: Any) -> str:
    return driver.find_element(By.ID, "wall-root").get_attribute("data-rotation") or ""


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)], ids=["1080p", "4k"])
def test_region_screens_fit_and_read_from_afar(region_server: LiveServer, driver: Any,
                                               size: tuple[int, int]) -> None:
    width, height = size
    set_viewport(driver, width, height)
    _open(driver, region_server, "kiosk=1&screen=辖区", ".w-region-table .w-rg-row")
    screenshot(driver, SHOTS_DIR / f"wall-region-{width}x{height}.png", width, height)
    assert active_screen(driver) == "region"
    rows = driver.find_elements(By.CSS_SELECTOR, ".w-region-table .w-rg-row")
    assert len(rows) == 9  # the 中院 and its eight courts
    ranks = [r.find_element(By.CSS_SELECTOR, ".w-rg-no").text for r in rows]
    assert ranks[0] == "1" and "包头中院" in driver.find_element(By.CSS_SELECTOR, ".w-region").text
    assert driver.execute_script(_FIT_JS, BOXES) == [], f"辖区 at {size}"
    assert driver.execute_script(CELLS_JS) == []
    figure = driver.find_element(By.CSS_SELECTOR, ".w-rg-figure .w-num-n")
    assert float(figure.value_of_css_property("font-size").rstrip("px")) >= 40 * width / 1920
    name = driver.find_element(By.CSS_SELECTOR, ".w-rg-name-text")
    assert float(name.value_of_css_property("font-size").rstrip("px")) >= 30 * width / 1920

    _open(driver, region_server, "kiosk=1&screen=法院", ".w-court-panel.is-active .w-kpi")
    if width == 1920:
        screenshot(driver, SHOTS_DIR / "wall-court-1920x1080.png", width, height)
    assert active_screen(driver) == "courts"
    assert _rotation(driver) == ",".join(f"courts#{i}" for i in range(9))
    assert driver.execute_script(_FIT_JS, BOXES) == [], f"法院 at {size}"
    assert driver.execute_script(CELLS_JS) == []
    assert console_errors(driver) == []


def test_the_rotation_steps_through_every_court(region_server: LiveServer, driver: Any) -> None:
    _open(driver, region_server, "kiosk=1&rotate=5", ".w-kpi[data-key='closed'] .w-num-n")
    order = _rotation(driver).split(",")
    assert order[:5] == ["overview", "teams", "center", "nodes", "feed"]
    assert order[-10:] == ["region", *[f"courts#{i}" for i in range(9)]]
    # the wall reaches a court panel and then the next one (a loaded machine is late, never out of order)
    wait_until(lambda: active_screen(driver) == "courts", 240, "the rotation reaches the 法院 screen")
    first = driver.find_element(By.CSS_SELECTOR, ".w-court-panel.is-active").get_attribute("data-index")
    wait_until(lambda: driver.find_element(By.CSS_SELECTOR, ".w-court-panel.is-active")
               .get_attribute("data-index") != first, 30, "the next court's panel")
    assert console_errors(driver) == []


def test_a_basic_courts_token_shows_its_own_panel_alone(region_server: LiveServer,
                                                        driver_factory: Any) -> None:
    """A wall signed in with a token of 东河区法院: the header names it, the rotation holds its
    panel alone, only the 法院 tab is shown, and no other court's name is on the page."""
    from db.auth.wall_tokens import issue_wall_token
    from db.models import Court, WallToken

    engine = make_engine(region_server.db_url)
    with session_scope(make_session_factory(engine)) as session:
        token_id, plaintext = issue_wall_token(session, "东河区法院大厅", None)
        court = session.query(Court).filter(Court.code == "内0202").one()
        session.get(WallToken, token_id).court_id = court.id
        court_id = court.id
    engine.dispose()
    wall = driver_factory()
    wall.get(region_server.page(f"/wall/token/{plaintext}"))
    wait_for_dash(wall, 90)
    wait_until(lambda: _rotation(wall) == "courts#0", 90, "the rotation holds its panel alone")
    wait_until(lambda: active_screen(wall) == "courts", 30, "its panel is on screen")
    panels = wall.find_elements(By.CSS_SELECTOR, ".w-court-panel")
    assert [p.get_attribute("data-court") for p in panels] == [str(court_id)]
    assert wall.find_element(By.ID, "wall-court").text == "包头市东河区人民法院"
    tabs = [t.get_attribute("data-screen") for t in wall.find_elements(By.CSS_SELECTOR, ".w-tab")
            if t.is_displayed()]
    assert tabs == ["courts"]
    page = wall.find_element(By.TAG_NAME, "body").get_attribute("textContent")
    for other in ("包头市中级人民法院", "包头中院", "土右旗", "昆区", "青山区", "中院执行一团队"):
        assert other not in page
    assert console_errors(wall) == []


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)], ids=["1080p", "4k"])
def test_the_intermediate_courts_teams_screen_counts_its_own_cases(
        region_server: LiveServer, driver: Any, size: tuple[int, int]) -> None:
    """The 团队 screen of the 中院's wall: its own teams, and a 未分配/其他 line (the court's
    split by team, `court_parts`) that holds the 中院's own cases of no team only — never its
    basic courts' cases (before the fix of 6 December it held every other court's)."""
    from db.snapshot.store import current_snapshot

    width, height = size
    set_viewport(driver, width, height)
    _open(driver, region_server, "kiosk=1&screen=teams&rotate=0", ".w-rk-row")
    screenshot(driver, SHOTS_DIR / f"wall-region-teams-{width}x{height}.png", width, height)
    assert active_screen(driver) == "teams"
    snap = current_snapshot(region_server.app.server.extensions["dashboard"].extras["cache"])
    ytd = snap["views"]["ytd"]
    own = ytd["court"]["indicators"]["accepted"]["numerator"]
    parts = ytd["court_parts"]  # in the court's case scope (the team columns have their own)
    other = parts["other"]["indicators"]["accepted"]["numerator"]
    teams = sum(t["indicators"]["accepted"]["numerator"] for t in parts["teams"])
    assert other + teams == own  # the 中院's own cases only, split by its teams
    notes = " ".join(n.text for n in driver.find_elements(
        By.CSS_SELECTOR, ".w-screen.is-active .w-tt-note"))
    assert (f"未分配/其他（无团队或团队已停用）受理 {other} 件" in notes) if other \
        else "未分配/其他" not in notes
    assert "中院执行一团队" in driver.find_element(By.CSS_SELECTOR, ".w-screen.is-active").text
    # the ranking's columns hold a name of up to four characters (real names: 2-4) and a team
    # name of seven; this data's officers are named like 包头中院1号法官 to tell courts apart
    cut = [c for c in driver.execute_script(_FIT_JS, BOXES) if not c.endswith("号法官")]
    assert cut == [], f"团队 at {size}"
    assert console_errors(driver) == []
