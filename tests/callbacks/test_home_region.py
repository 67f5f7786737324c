"""The start page on a 中院's installation, through /_dash-update-component: a user of a basic
court sees its own court's card and teams from the snapshot's 辖区 part (never the 中院's or
another court's figures); a 中院 user sees every court's card ranked, besides today's panel."""
from __future__ import annotations

import json
from typing import Any

import dash
from sqlalchemy import Engine

from db.models import User
from db.session import make_session_factory, session_scope
from layouts import ids
from tests.auth_helpers import login, make_user
from tests.callbacks.test_access import payload, post
from tests.callbacks.test_wall_region import NAMES, region_wall  # noqa: F401 - the fixture


def _client(app: dash.Dash, engine: Engine, court_id: int | None, role: str = "center") -> Any:
    user = make_user(engine, role)
    with session_scope(make_session_factory(engine)) as session:
        session.get(User, user.id).court_id = court_id
    client = app.server.test_client()
    assert login(client, user.username, user.password).status_code == 302
    return client


def _home(app: dash.Dash, client: Any) -> tuple[dict[str, Any], str]:
    status, text = post(client, payload(app, ids.Home.SUMMARY, {f"{ids.Home.LOAD}.n_intervals": 1}))
    assert status == 200, text
    return json.loads(text)["response"], text


def _cards(summary: Any) -> list[str]:
    text = json.dumps(summary, ensure_ascii=False)
    return [part.split('"')[0] for part in text.split('"data-court": "')[1:]]


def test_a_basic_court_user_sees_its_court_only(region_wall) -> None:  # noqa: F811
    app, engine, courts, snap = region_wall
    client = _client(app, engine, courts["内0202"])
    response, text = _home(app, client)
    assert _cards(response[ids.Home.SUMMARY]["children"]) == [str(courts["内0202"])]
    assert NAMES["内0202"] in text and "东河一团队" in text and "东河二团队" in text
    for other in ("内02", "内0221", "内0203"):
        assert NAMES[other] not in text
    assert "中院执行一团队" not in text and "昆区一团队" not in text
    mine = next(r for r in snap["region"]["views"]["ytd"]["courts"] if r["id"] == courts["内0202"])
    assert mine["indicators"]["closure_rate"]["display"] in text


def test_the_intermediate_court_user_sees_the_region_ranked(region_wall) -> None:  # noqa: F811
    app, engine, courts, snap = region_wall
    for court_id in (courts["内02"], None):
        response, text = _home(app, _client(app, engine, court_id))
        ranked = [str(e["id"]) for e in snap["region"]["views"]["ytd"]["ranking"]]
        assert _cards(response[ids.Home.SUMMARY]["children"]) == ranked
        assert "辖区法院排名" in text and all(name in text for name in NAMES.values())
        # today's panel: the 中院's own court card (its counts) stays, the courts below are cards
        assert text.count('"court-card"') == 1


def test_a_team_lead_sees_no_court_cards(region_wall) -> None:  # noqa: F811
    app, engine, courts, _snap = region_wall
    from db.models import Team

    with session_scope(make_session_factory(engine)) as session:
        team = session.query(Team).filter(Team.court_id == courts["内0202"]).first().id
    user = make_user(engine, "lead", team_id=team)
    with session_scope(make_session_factory(engine)) as session:
        session.get(User, user.id).court_id = courts["内0202"]
    client = app.server.test_client()
    assert login(client, user.username, user.password).status_code == 302
    response, text = _home(app, client)
    assert _cards(response[ids.Home.SUMMARY]["children"]) == []
    assert "辖区法院排名" not in text and NAMES["内02"] not in text
