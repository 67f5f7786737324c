"""Live desk pages in Chromium: a write + a refresher run updates the figures in place, keeping the
user's filters, sort, scroll and open drill-down; every desk page shows 「数据截至 HH:MM」."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from sqlalchemy import func, select, update

from dashboard.scheduler import make_refresher
from db.models import Case, DataState
from db.models.supervision import SupervisionOrder
from db.session import (
    bump_data_version,
    data_version,
    make_engine,
    make_session_factory,
    session_scope,
)
from layouts import ids
from tests.browser.harness import (
    LiveServer,
    console_errors,
    heap_object_counts,
    wait_for_dash,
    wait_until,
)

STAMP = re.compile(r"^数据截至 (\d{2}:\d{2}|\d{4}-\d{2}-\d{2} \d{2}:\d{2})$")

_READY = "return document.documentElement.getAttribute('data-desk-ready')"

# what a user did to a grid, read back through AG Grid's API
_GRID_STATE = """
const api = dash_ag_grid.getApi(arguments[0]);
const body = document.querySelector('#' + arguments[0] + ' .ag-body-viewport');
return {filter: JSON.stringify(api.getFilterModel()),
        sort: JSON.stringify(api.getColumnState().filter(c => c.sort).map(c => [c.colId, c.sort])),
        shown: api.getDisplayedRowCount(), top: body ? body.scrollTop : null};
"""

# changed figures are marked briefly: remember every element that got a flash class
_WATCH_FLASH = """
window.__flashed = [];
new MutationObserver(list => list.forEach(m => {
  const el = m.target;
  if (el.classList && (el.classList.contains('desk-flash') || el.classList.contains('ag-cell-data-changed'))) {
    window.__flashed.push(el.classList.contains('desk-flash') ? 'tile' : 'cell');
  }
})).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['class']});
"""


def _copy_demo(demo_db_url: str, tmp_path: Path) -> str:
    """A private copy of the demo database whose data last changed two hours ago."""
    target = tmp_path / "live-demo.db"
    shutil.copy(Path(demo_db_url.removeprefix("sqlite:///")), target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        session.execute(update(DataState).values(
            changed_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=2)))
    engine.dispose()
    return url


def _stamp(driver: Any, page_id: str) -> tuple[str, str]:
    """(text, tooltip) of the page's 数据截至, read at one moment."""
    return tuple(driver.execute_script(
        "const el = document.getElementById(arguments[0]); const inner = el.querySelector('span');"
        "return [el.textContent, inner ? inner.title : ''];", page_id))


def _open(driver: Any, server: LiveServer, path: str) -> None:
    driver.get(server.page(path))
    wait_for_dash(driver, 120)
    wait_until(lambda: driver.execute_script(_READY), 120, f"{path}: data on screen")


def _write_and_refresh(server: LiveServer, write: Callable[[Any], Any]) -> Any:
    """A writer's transaction (rows + data version), then one refresher run (new snapshot)."""
    state = server.app.server.extensions["dashboard"]
    with session_scope(state.sessions) as session:
        result = write(session)
        bump_data_version(session)
    assert make_refresher(state).run() == "published"
    return result


def _newest_open_case(session: Any, team_id: int) -> Any:
    """An open case of the team with no queue item in the way: the newest one."""
    return session.scalars(select(Case).where(Case.team_id == team_id, Case.closed_on.is_(None))
                           .order_by(Case.filed_on.desc(), Case.id.desc())).first()


def _indicator_row(driver: Any, name: str) -> str:
    for row in driver.find_elements(By.CSS_SELECTOR, f"#{ids.Team.INDICATORS} tbody tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        if cells and cells[0].text == name:
            return " ".join(c.text for c in cells[1:4])
    raise AssertionError(f"no indicator row {name}")


def test_a_new_data_version_updates_the_team_desk_in_place(
        demo_db_url: str, app_server_factory: Callable[..., LiveServer], driver: Any, tmp_path: Path) -> None:
    server = app_server_factory(_copy_demo(demo_db_url, tmp_path), {"POLL_INTERVAL_S": 1})
    state = server.app.server.extensions["dashboard"]
    assert make_refresher(state).run() == "published"
    with session_scope(state.sessions) as session:
        team_id = session.scalar(select(Case.team_id).where(Case.closed_on.is_(None))
                                 .group_by(Case.team_id).order_by(func.count().desc()))
    _open(driver, server, f"/team/{team_id}")
    before_stamp = _stamp(driver, ids.Team.ASOF)
    assert STAMP.match(before_stamp[0]), before_stamp
    before_closed = _indicator_row(driver, "结案数")
    queue = ids.Team.QUEUE

    # the user filters and sorts the queue, scrolls it and the page
    driver.execute_script("""
        const api = dash_ag_grid.getApi(arguments[0]);
        api.setFilterModel({label: {filterType: 'text', type: 'contains', filter: '节点'}});
        api.applyColumnState({state: [{colId: 'days', sort: 'asc'}], defaultState: {sort: null}});
    """, queue)
    wait_until(lambda: driver.execute_script(_GRID_STATE, queue)["shown"] > 8, 30, "filtered queue")
    driver.execute_script("document.querySelector('#' + arguments[0] + ' .ag-body-viewport').scrollTop = 150;"
                          "window.scrollTo(0, 300);", queue)
    wait_until(lambda: driver.execute_script(_GRID_STATE, queue)["top"] == 150, 10, "grid scrolled")
    grid_before = driver.execute_script(_GRID_STATE, queue)
    page_y = driver.execute_script("return window.scrollY")
    driver.execute_script(_WATCH_FLASH)

    def close(session: Any) -> str:
        case = _newest_open_case(session, team_id)
        case.closed_on = dt.datetime.now(ZoneInfo(state.settings["TIMEZONE"])).date()
        case.closing_method = "completed"
        return case.case_number

    _write_and_refresh(server, close)
    after_closed = wait_until(lambda: (text := _indicator_row(driver, "结案数")) != before_closed and text,
                              90, "结案数 updated by the live refresh")
    assert int(after_closed.split()[0].replace(",", "").rstrip("件")) == \
        int(before_closed.split()[0].replace(",", "").rstrip("件")) + 1
    after_stamp = wait_until(lambda: (s := _stamp(driver, ids.Team.ASOF)) != before_stamp and s, 30, "数据截至 moved")
    assert STAMP.match(after_stamp[0]) and after_stamp[0] != before_stamp[0]
    # the user's view is untouched: filter, sort, scroll, the page itself
    grid_after = driver.execute_script(_GRID_STATE, queue)
    assert (grid_after["filter"], grid_after["sort"]) == (grid_before["filter"], grid_before["sort"])
    assert abs(grid_after["top"] - grid_before["top"]) <= 2
    assert driver.execute_script("return window.scrollY") == page_y
    assert driver.current_url.endswith(f"/team/{team_id}")
    # ... and what changed was marked: the indicator row, and the officer's 结案数 cell
    flashed = wait_until(lambda: driver.execute_script("return window.__flashed"), 10, "changes marked")
    assert "tile" in flashed
    wait_until(lambda: "cell" in driver.execute_script("return window.__flashed"), 10, "grid cell flashed")
    assert console_errors(driver) == []


_REFRESHES = 6
_MARK_TABLES = "document.querySelectorAll('.page table').forEach(t => t.setAttribute('data-seen', ''));"
_TABLES_NEW = "return document.querySelectorAll('.page table').length > 0 && !document.querySelector('.page table[data-seen]')"


def test_live_refreshes_keep_no_style_objects(
        demo_db_url: str, app_server_factory: Callable[..., LiveServer], driver: Any, tmp_path: Path) -> None:
    """Each refresh mounts the team desk's tables afresh (Dash renders a callback's children anew),
    and Chromium keeps one media-query object for every laid-out `<table>` with a `<thead>`, never
    freed: an all-day open desk page grew by one per table per refresh. The pages' tables carry
    their head row in a `<tbody>` of their own (layouts/table.py)."""
    server = app_server_factory(_copy_demo(demo_db_url, tmp_path), {"POLL_INTERVAL_S": 1})
    state = server.app.server.extensions["dashboard"]
    assert make_refresher(state).run() == "published"
    with session_scope(state.sessions) as session:
        team_id = session.scalar(select(func.min(Case.team_id)))
    _open(driver, server, f"/team/{team_id}")
    tables = driver.execute_script("return document.querySelectorAll('.page table > .t-head').length")
    assert tables >= 1

    def refresh(n: int) -> None:
        for _ in range(n):
            driver.execute_script(_MARK_TABLES)
            _write_and_refresh(server, lambda session: None)
            wait_until(lambda: driver.execute_script(_TABLES_NEW), 90, "tables rendered anew")
        wait_for_dash(driver, 60)

    refresh(1)
    before = heap_object_counts(driver, "blink::MediaQuerySet")["blink::MediaQuerySet"]
    refresh(_REFRESHES)
    after = heap_object_counts(driver, "blink::MediaQuerySet")["blink::MediaQuerySet"]
    print(f"blink::MediaQuerySet {before} -> {after} after {_REFRESHES} refreshes, {tables} tables a refresh")
    assert before > 0
    assert after - before < _REFRESHES // 2, (before, after)
    assert console_errors(driver) == []


def test_an_open_supervision_order_stays_open_through_a_refresh(
        demo_db_url: str, app_server_factory: Callable[..., LiveServer], driver: Any, tmp_path: Path) -> None:
    server = app_server_factory(_copy_demo(demo_db_url, tmp_path), {"POLL_INTERVAL_S": 1})
    state = server.app.server.extensions["dashboard"]
    assert make_refresher(state).run() == "published"
    with session_scope(state.sessions) as session:
        order_id = session.scalar(select(func.min(SupervisionOrder.id)))
    assert order_id is not None
    _open(driver, server, f"/supervision?order={order_id}")
    detail = wait_until(lambda: driver.find_element(By.ID, ids.Supervision.DETAIL).text, 60, "order detail open")
    grid = ids.Supervision.GRID
    driver.execute_script("dash_ag_grid.getApi(arguments[0]).applyColumnState("
                          "{state: [{colId: 'due_on', sort: 'desc'}], defaultState: {sort: null}});", grid)
    grid_before = driver.execute_script(_GRID_STATE, grid)
    before = _stamp(driver, ids.Supervision.ASOF)

    def touch(session: Any) -> None:
        case = session.scalars(select(Case).order_by(Case.id)).first()
        case.cause = (case.cause or "") + "（更正）"

    _write_and_refresh(server, touch)
    after = wait_until(lambda: (s := _stamp(driver, ids.Supervision.ASOF)) != before and s, 90, "refreshed")
    assert after[0] != before[0], (before, after)  # the data changed two hours later than before
    assert driver.find_element(By.ID, ids.Supervision.DETAIL).text == detail  # still open, same order
    assert f"order={order_id}" in driver.current_url
    grid_after = driver.execute_script(_GRID_STATE, grid)
    assert grid_after["sort"] == grid_before["sort"] == '[["due_on","desc"]]'


def test_every_desk_page_shows_its_data_time(demo_server: LiveServer, driver: Any) -> None:
    engine = make_engine(demo_server.db_url)
    with session_scope(make_session_factory(engine)) as session:
        _version, changed = data_version(session)
        team_id = session.scalar(select(func.min(Case.team_id)))
        officer_id = session.scalar(select(func.min(Case.officer_id)))
    engine.dispose()
    zone = ZoneInfo(demo_server.app.server.extensions["dashboard"].settings["TIMEZONE"])
    local = changed.replace(tzinfo=dt.UTC).astimezone(zone)
    expected = {f"数据截至 {local:%H:%M}", f"数据截至 {local:%Y-%m-%d %H:%M}"}
    pages = {"/": ids.Home.ASOF, "/analysis": ids.Analysis.ASOF, f"/team/{team_id}": ids.Team.ASOF,
             f"/officer/{officer_id}": ids.Officer.ASOF, "/supervision": ids.Supervision.ASOF,
             f"/cases?node=overdue&scope=team&id={team_id}": ids.Cases.ASOF}
    for path, stamp_id in pages.items():
        _open(driver, demo_server, path)
        text = wait_until(lambda i=stamp_id: driver.find_element(By.ID, i).text, 30, f"{path} 数据截至")
        assert text in expected, (path, text)
        head = driver.find_element(By.ID, stamp_id).find_element(By.XPATH, "..")
        assert head.is_displayed()
    assert console_errors(driver) == []
