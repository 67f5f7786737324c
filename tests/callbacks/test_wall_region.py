"""A 中院's wall through /_dash-update-component: the 辖区 and 法院 screens join the rotation
only when the snapshot has a 辖区 part, and a wall token of a basic court gets its own court's
panel only (never the 中院's figures or another court's), whatever it asks for."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import dash
import pytest
from sqlalchemy import Engine

from dashboard.app import create_app
from db.auth.wall_tokens import issue_wall_token
from db.models import WallToken
from db.session import make_session_factory, session_scope
from db.snapshot.builder import build_snapshot, default_port
from db.snapshot.store import RefreshState, publish, write_state
from layouts import ids
from layouts.wall.params import resolve
from tests.auth_helpers import same_site
from tests.callbacks.test_access import payload, post
from tests.db.region_data import TODAY, TOP_CODE, seed_region
from tests.db.snapshot_data import seed

VERSION = 7
NAMES = {"内02": "包头市中级人民法院", "内0221": "包头市土默特右旗人民法院",
         "内0202": "包头市东河区人民法院", "内0203": "包头市昆都仑区人民法院"}


def _publish(app: dash.Dash, engine: Engine, code: str) -> dict[str, Any]:
    with session_scope(make_session_factory(engine)) as session:
        snap = build_snapshot(session, default_port(None), today=TODAY, court_code=code,
                              tz=ZoneInfo("Asia/Shanghai"))
    snap = json.loads(json.dumps(snap))
    snap.update(version=VERSION, computed_at="2026-11-20T04:00:00+00:00", status="ok")
    cache = app.server.extensions["dashboard"].extras["cache"]
    publish(cache, snap, RefreshState())
    write_state(cache, RefreshState(version=VERSION, checked_at="2026-11-20T04:00:00+00:00"))
    return snap


@pytest.fixture
def region_wall(sqlite_engine: Engine) -> Iterator[tuple[dash.Dash, Engine, dict[str, int], dict]]:
    with session_scope(make_session_factory(sqlite_engine)) as session:
        courts = {code: c.id for code, c in seed_region(session)["courts"].items()}
    url = sqlite_engine.url.render_as_string(hide_password=False)
    app = create_app({"DATABASE_URL": url, "CACHE_URL": "simple://", "SCHEDULER_ENABLED": False,
                      "COURT_CODE": TOP_CODE})
    snap = _publish(app, sqlite_engine, TOP_CODE)
    yield app, sqlite_engine, courts, snap
    app.server.extensions["dashboard"].engine.dispose()


def _wall_client(app: dash.Dash, engine: Engine, court_id: int | None) -> Any:
    """A browser signed in with a wall token of `court_id` (None: every court)."""
    with session_scope(make_session_factory(engine)) as session:
        token_id, plaintext = issue_wall_token(session, "测试大屏", None)
        session.get(WallToken, token_id).court_id = court_id
    client = app.server.test_client()
    same_site(client)
    assert client.get(f"/wall/token/{plaintext}").status_code == 302
    return client


def _screens(app: dash.Dash, client: Any) -> tuple[int, dict[str, Any], str]:
    body = payload(app, ids.Wall.TILES, {f"{ids.Wall.SHOWN}.data": VERSION})
    status, text = post(client, body)
    return status, json.loads(text) if status == 200 else {}, text


def _frame(app: dash.Dash, client: Any) -> str:
    body = payload(app, ids.Wall.COURT, {f"{ids.Shell.VERSION}.data": VERSION})
    status, text = post(client, body)
    assert status == 200
    return text


def _live(found: dict[str, Any]) -> dict[str, Any]:
    return found["response"][ids.Wall.LIVE]["data"]


def test_a_basic_courts_token_sees_its_own_panel_only(region_wall: tuple) -> None:
    app, engine, courts, snap = region_wall
    client = _wall_client(app, engine, courts["内0202"])
    status, found, text = _screens(app, client)
    assert status == 200
    assert _live(found) == {"campaign": False, "region": False, "courts": 1, "only": ["courts"]}
    panels = found["response"][ids.Wall.COURTS]["children"]
    assert [p["props"]["data-court"] for p in panels] == [str(courts["内0202"])]
    assert NAMES["内0202"] in text
    for other in ("内02", "内0221", "内0203"):
        assert NAMES[other] not in text  # not another court, not the 中院
    team_names = {t["name"] for t in snap["region"]["views"]["ytd"]["teams"]}
    assert "东河一团队" in text and not {n for n in team_names if n in text} - {"东河一团队", "东河二团队"}
    # not the 中院's own figures: its tiles, trend, teams, center, feed, campaign all empty
    court_ytd = snap["views"]["ytd"]["court"]["indicators"]["closure_rate"]["display"]
    assert found["response"][ids.Wall.TILES]["children"][0]["props"]["children"] == "本屏不在您的权限范围内"
    assert "中院执行一团队" not in text and court_ytd not in json.dumps(
        found["response"][ids.Wall.TILES], ensure_ascii=False)
    frame = _frame(app, client)
    assert NAMES["内0202"] in frame and NAMES["内02"] not in frame


def test_the_intermediate_courts_token_sees_everything(region_wall: tuple) -> None:
    app, engine, courts, _snap = region_wall
    for court_id in (courts[TOP_CODE], None):
        client = _wall_client(app, engine, court_id)
        status, found, text = _screens(app, client)
        assert status == 200
        assert _live(found) == {"campaign": False, "region": True, "courts": 4}
        assert all(name in text for name in NAMES.values())
        rows = found["response"][ids.Wall.REGION]["children"]
        assert rows and "辖区法院排名" in json.dumps(rows, ensure_ascii=False)
        assert NAMES["内02"] in _frame(app, client)


def test_a_token_of_another_court_sees_nothing(region_wall: tuple) -> None:
    """A token of a court outside the 辖区 (another 中院): no panel, no figures."""
    app, engine, _courts, _snap = region_wall
    with session_scope(make_session_factory(engine)) as session:
        from db.models import Court

        other = Court(code="内03", name="乌海市中级人民法院", short_name="乌海中院",
                      level="intermediate")
        session.add(other)
        session.flush()
        other_id = other.id
    client = _wall_client(app, engine, other_id)
    status, found, text = _screens(app, client)
    assert status == 200 and _live(found)["courts"] == 0
    assert not any(name in text for name in NAMES.values())


def test_rotation_joins_with_a_region_and_leaves_without(sqlite_engine: Engine) -> None:
    with session_scope(make_session_factory(sqlite_engine)) as session:
        seed(session)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    app = create_app({"DATABASE_URL": url, "CACHE_URL": "simple://", "SCHEDULER_ENABLED": False})
    try:
        _publish(app, sqlite_engine, "")
        client = _wall_client(app, sqlite_engine, None)
        status, found, _text = _screens(app, client)
        assert status == 200
        live = _live(found)
        assert live["region"] is False and live["courts"] == 0 and "only" not in live
    finally:
        app.server.extensions["dashboard"].engine.dispose()


def test_the_setting_leaves_the_court_panels_out() -> None:
    on = resolve({}, {"WALL_SCREENS": "overview,teams"})
    off = resolve({}, {"WALL_SCREENS": "overview,teams", "WALL_COURT_SCREENS": False})
    assert on["optional"] == ["campaign", "region", "courts"]
    assert off["optional"] == ["campaign", "region"]
    listed = resolve({}, {"WALL_SCREENS": "总览,辖区,法院"})
    assert listed["screens"] == ["overview", "region", "courts"] and listed["optional"] == ["campaign"]
