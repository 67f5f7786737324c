"""Live desk pages through the Dash endpoint: the version check, what a refresh sends, outages,
scope (callbacks/desk/live.py).

A refresh is the page's callback fired by the shell's snapshot version (`Shell.VERSION`) with the
page's `SHOWN` data version as state, as the browser sends it when the refresher published.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import OperationalError

from callbacks.desk import live
from dashboard.app import create_app
from db.models import Case
from db.session import (
    bump_data_version,
    data_version,
    make_session_factory,
    session_scope,
)
from layouts import ids
from tests.callbacks.test_access import A, B, client_as, payload
from tests.db.test_case_queries import seed_desk

TEAM = ids.Team
VERSION = f"{ids.Shell.VERSION}.data"


def _team_body(app: dash.Dash, team_id: int, shown: int | None, refresh: bool) -> dict[str, Any]:
    body = payload(app, TEAM.ASOF, {f"{TEAM.QUERY}.data": {"path_id": str(team_id), "query": {}},
                                    VERSION: 7, f"{TEAM.SHOWN}.data": shown})
    body["changedPropIds"] = [VERSION] if refresh else [f"{TEAM.QUERY}.data"]
    return body


def _post(client: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = client.post("/_dash-update-component", json=body)
    text = response.get_data(as_text=True)
    return response.status_code, (json.loads(text)["response"] if response.status_code == 200 else {})


@pytest.fixture
def statements(court: tuple[dash.Dash, dict[str, Any], Engine]) -> Iterator[list[str]]:
    """SQL text of every statement the app's engine runs."""
    app = court[0]
    seen: list[str] = []
    engine = app.server.extensions["dashboard"].engine

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def _version(engine: Engine) -> int:
    with session_scope(make_session_factory(engine)) as session:
        return data_version(session)[0]


def _close_a_case(engine: Engine, team_id: int, on: dt.date) -> str:
    """Close one open case of the team (a writer's transaction: case row + data version)."""
    with session_scope(make_session_factory(engine)) as session:
        case = session.scalars(select(Case).where(Case.team_id == team_id, Case.closed_on.is_(None))
                               .order_by(Case.id)).first()
        assert case is not None
        case.closed_on, case.closing_method = on, "completed"
        bump_data_version(session)
        return case.case_number


def _indicator_cells(response: dict[str, Any]) -> str:
    return json.dumps(response[TEAM.INDICATORS]["children"], ensure_ascii=False)


def test_a_refresh_with_the_shown_version_reads_the_version_only_and_sends_nothing(
        court: tuple[dash.Dash, dict[str, Any], Engine], statements: list[str]) -> None:
    app, ids_, engine = court
    client = client_as(app, engine, "center", ids_)
    status, first = _post(client, _team_body(app, ids_[A], None, refresh=False))
    assert status == 200
    shown = first[TEAM.SHOWN]["data"]
    assert shown == _version(engine)
    assert json.dumps(first[TEAM.ASOF], ensure_ascii=False).count("数据截至") == 1
    statements.clear()
    status, _ = _post(client, _team_body(app, ids_[A], shown, refresh=True))
    assert status == 204  # PreventUpdate: nothing sent, nothing re-rendered
    page_reads = [s for s in statements if "data_state" in s]
    assert len(page_reads) == 1, statements  # the version check, nothing else of the page's data
    assert not [s for s in statements if " cases" in s], statements


def test_a_refresh_after_a_write_sends_only_the_data_outputs(
        court: tuple[dash.Dash, dict[str, Any], Engine]) -> None:
    app, ids_, engine = court
    client = client_as(app, engine, "center", ids_)
    _status, first = _post(client, _team_body(app, ids_[A], None, refresh=False))
    shown = first[TEAM.SHOWN]["data"]
    # the full render sends the frame too
    assert {TEAM.CRUMBS, TEAM.TITLE, TEAM.OFFICERS} <= set(first)
    assert "columnDefs" in first[TEAM.OFFICERS]
    _close_a_case(engine, ids_[A], dt.date(2022, 8, 15))
    status, fresh = _post(client, _team_body(app, ids_[A], shown, refresh=True))
    assert status == 200
    assert fresh[TEAM.SHOWN]["data"] == shown + 1
    # figures, lists and 数据截至 only: crumbs, title, column definitions and grid size stay
    assert set(fresh) == {TEAM.QUEUE_COUNTS, TEAM.INDICATORS, TEAM.OFFICERS, TEAM.SUPERVISION,
                          TEAM.ASOF, TEAM.SHOWN}
    assert set(fresh[TEAM.OFFICERS]) == {"rowData"}
    assert _indicator_cells(fresh) != _indicator_cells(first)
    for grid in (TEAM.OFFICERS, TEAM.SUPERVISION):
        if not fresh[grid]["rowData"]:
            continue
        rids = [row[live.ROW_ID] for row in fresh[grid]["rowData"]]
        assert rids and len(set(rids)) == len(rids), grid
        assert rids == sorted(rids, key=rids.index)  # stable: same order as the rows
    old_rids = {row[live.ROW_ID] for row in first[TEAM.OFFICERS]["rowData"]}
    assert {row[live.ROW_ID] for row in fresh[TEAM.OFFICERS]["rowData"]} == old_rids  # same officers, same ids


def test_the_work_list_refreshes_its_rows_in_place(court: tuple[dash.Dash, dict[str, Any], Engine]) -> None:
    """今日待办 has its own callback: on a new snapshot it sends rows (each with a `_rid`), not columns."""
    app, ids_, engine = court
    client = client_as(app, engine, "center", ids_)
    body = payload(app, TEAM.QUEUE, {f"{TEAM.QUERY}.data": {"path_id": str(ids_[A]), "query": {}}, VERSION: 7})
    body["changedPropIds"] = [f"{TEAM.QUERY}.data"]
    status, first = _post(client, body)
    assert status == 200 and "columnDefs" in first[TEAM.QUEUE]
    body["changedPropIds"] = [VERSION]
    status, fresh = _post(client, body)
    assert status == 200
    assert set(fresh[TEAM.QUEUE]) == {"rowData"}  # columns stay as the user arranged them
    rids = [row[live.ROW_ID] for row in fresh[TEAM.QUEUE]["rowData"]]
    assert rids and len(set(rids)) == len(rids)


def test_a_refresh_during_an_outage_keeps_the_last_figures(
        court: tuple[dash.Dash, dict[str, Any], Engine], monkeypatch: pytest.MonkeyPatch) -> None:
    app, ids_, engine = court
    client = client_as(app, engine, "center", ids_)

    def down() -> tuple[int, None]:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(live, "data_state", down)
    status, _ = _post(client, _team_body(app, ids_[A], 1, refresh=True))
    assert status == 204  # no 500, no empty page: the shell's banner greys the last figures


def test_a_refresh_during_an_outage_before_anything_is_shown_renders_the_page(
        court: tuple[dash.Dash, dict[str, Any], Engine], monkeypatch: pytest.MonkeyPatch) -> None:
    """A page loaded during an outage whose first call comes from the shell's version: nothing is on
    screen to keep, so the page renders (its own outage handling) instead of staying 「正在读取」."""
    app, ids_, engine = court
    client = client_as(app, engine, "center", ids_)

    def down() -> tuple[int, None]:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(live, "data_state", down)
    status, body = _post(client, _team_body(app, ids_[A], None, refresh=True))
    assert status == 200
    assert {TEAM.CRUMBS, TEAM.TITLE, TEAM.OFFICERS} <= set(body)  # the whole page, not only data


def test_a_refresh_is_scoped_like_the_page(court: tuple[dash.Dash, dict[str, Any], Engine]) -> None:
    """A team lead crafting a refresh of another team's page gets the refusal, never its rows."""
    app, ids_, engine = court
    client = client_as(app, engine, "lead", ids_)  # lead of team A
    mine = _post(client, _team_body(app, ids_[A], None, refresh=True))[1]
    assert mine[TEAM.OFFICERS]["rowData"]
    for shown in (None, 0):
        status, other = _post(client, _team_body(app, ids_[B], shown, refresh=True))
        text = json.dumps(other, ensure_ascii=False)
        assert status in (200, 204, 403)
        if status == 200:
            assert "无权查看" in text
            assert other[TEAM.OFFICERS]["rowData"] == []
    body = payload(app, TEAM.QUEUE, {f"{TEAM.QUERY}.data": {"path_id": str(ids_[B]), "query": {}}, VERSION: 7})
    body["changedPropIds"] = [VERSION]  # the work list's own refresh, crafted for another team
    status, other = _post(client, body)
    assert status in (204, 403) or other[TEAM.QUEUE]["rowData"] == []


def test_row_ids_are_unique_and_stable() -> None:
    rows = [{"id": 3, "node": "续封"}, {"id": 3, "node": "查控"}, {"id": 3, "node": "续封"},
            {"name": "甲", "role": "法官", "team": "一组"}, {"case_id": 9, "kind": "unpaid"}]
    first = [r[live.ROW_ID] for r in live.row_ids(rows)]
    assert len(set(first)) == len(first)
    assert first == [r[live.ROW_ID] for r in live.row_ids(rows)]
    assert first[0] == "3|续封" and first[2] == "3|续封#2"
    assert live.row_ids(rows)[0]["node"] == "续封"  # the row itself is kept


def test_as_of_text_in_the_court_zone(desk_app: tuple[dash.Dash, dict[str, Any]]) -> None:
    changed = dt.datetime(2022, 8, 15, 1, 30)  # stored naive UTC → 09:30 in Asia/Shanghai
    assert live.as_of_text(changed, dt.date(2022, 8, 15)) == "数据截至 09:30"
    assert live.as_of_text(changed, dt.date(2022, 8, 16)) == "数据截至 2022-08-15 09:30"
    assert live.as_of_text(None) == "数据截至 —"


@pytest.fixture
def cached_court(sqlite_engine: Engine, migrated_urls: dict[str, str]) -> Iterator[tuple[dash.Dash, dict[str, Any], Engine]]:
    """The crafted desk court served with an in-process cache (the memo and `desk:recent` kept)."""
    ids_ = seed_desk(sqlite_engine)
    app = create_app({"DATABASE_URL": migrated_urls["sqlite"], "CACHE_URL": "simple://",
                      "SCHEDULER_ENABLED": False, "TODAY": "2022-08-15"})
    yield app, ids_, sqlite_engine
    app.server.extensions["dashboard"].engine.dispose()


def test_the_refresher_prewarms_the_views_opened_so_refreshes_read_the_memo(
        cached_court: tuple[dash.Dash, dict[str, Any], Engine]) -> None:
    app, ids_, engine = cached_court
    client = client_as(app, engine, "center", ids_)
    _status, first = _post(client, _team_body(app, ids_[A], None, refresh=False))
    with app.server.app_context():
        recent = live.recent_views()
    assert [(e["page"], e["inputs"]) for e in recent] == [
        ("callbacks.desk.team.render_team", [{"path_id": str(ids_[A]), "query": {}}])]
    _close_a_case(engine, ids_[A], dt.date(2022, 8, 15))
    assert live.prewarm(app.server) == 1
    seen: list[str] = []
    app_engine = app.server.extensions["dashboard"].engine
    note = lambda *a: seen.append(a[2])  # noqa: E731
    event.listen(app_engine, "before_cursor_execute", note)
    try:
        status, fresh = _post(client, _team_body(app, ids_[A], first[TEAM.SHOWN]["data"], refresh=True))
    finally:
        event.remove(app_engine, "before_cursor_execute", note)
    assert status == 200 and _indicator_cells(fresh) != _indicator_cells(first)
    assert not [s for s in seen if "FROM cases" in s], seen  # every query came from the prewarmed memo


def test_a_version_that_comes_with_the_outage_banner_is_a_full_render(
        court: tuple[dash.Dash, dict[str, Any], Engine], monkeypatch: pytest.MonkeyPatch) -> None:
    """首页 listens to the banner too: when the banner and the version change in the same round, the
    page renders (its outage view with the last kept figures) instead of keeping what it shows."""
    app, ids_, engine = court
    client = client_as(app, engine, "center", ids_)

    def down() -> tuple[int, None]:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(live, "data_state", down)
    banner = f"{ids.Shell.BANNER}.children"
    body = payload(app, ids.Home.ASOF, {f"{ids.Home.LOAD}.n_intervals": 1, banner: "数据库暂不可用，显示 10:00 的数据",
                                        VERSION: 8, f"{ids.Home.SHOWN}.data": 7})
    body["changedPropIds"] = [VERSION, banner]
    status, both = _post(client, body)
    assert status == 200 and ids.Home.SUMMARY in both
    body["changedPropIds"] = [VERSION]  # the version alone: the page keeps its figures
    assert _post(client, body)[0] == 204
