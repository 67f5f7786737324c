"""会议模式 (/meeting) attacked through the callback endpoint: the browser keeps the focus and the
trail, so every crafted focus and every forged trail entry is checked against the principal's
scope on the server. 领导, 指挥中心, 管理员: the whole court; 团队长: the own team, its officers and
their cases (never the court level or another team); 承办人 and wall screens: not at all."""
from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.callbacks.test_access import A, B, client_as, denied_entries, payload, post
from tests.db.test_case_queries import number

RENDER = "meeting-view"  # the render callback (crumbs, title, …, view, trail)
EXPORT = "meeting-download"  # 会议材料


def _render(client: Any, app: Any, focus: Any, query: dict[str, Any] | None = None,
            open_at: dict[str, Any] | None = None) -> tuple[int, str]:
    return post(client, payload(app, RENDER, {"meeting-focus.data": focus, "meeting-query.data": query or {},
                                              "meeting-trail.data": [], "meeting-open-at.data": open_at}))


def _export(client: Any, app: Any, trail: list[dict[str, Any]]) -> tuple[int, str]:
    return post(client, payload(app, EXPORT, {"meeting-export.n_clicks": 1, "meeting-trail.data": trail}))


def _foci(ids: dict[str, Any]) -> dict[str, Any]:
    return {
        "court": {"level": "court"},
        "team B": {"level": "team", "id": ids[B]},
        "officer of B": {"level": "officer", "id": ids["丙法官"]},
        "case of B": {"level": "case", "id": ids["case:2022执保1"]},
        "teams A and B": {"level": "compare", "kind": "team", "ids": [ids[A], ids[B]]},
        "officers of A and B": {"level": "compare", "kind": "officer", "ids": [ids["乙助理"], ids["丙法官"]]},
    }


def test_a_team_lead_gets_nothing_outside_the_own_team(desk_court) -> None:
    app, ids, engine = desk_court
    client = client_as(app, engine, "lead", ids)
    client.get("/")
    before = len(denied_entries(engine))
    for label, focus in _foci(ids).items():
        status, body = _render(client, app, focus)
        assert status == 200 and "无权查看" in body, (label, body[:300])
        assert "丙法官" not in body.split("无权查看")[0] or label == "officer of B", label
        assert number("2022执保1") not in body and '"meeting-trail"' not in body, label
        status, body = _export(client, app, [{"focus": focus, "q": {}}])
        assert status == 200 and "无权查看" in body and '"content"' not in body, (label, body[:300])
    for open_at in ({"team": str(ids[B])}, {"officer": str(ids["丙法官"])}):  # /meeting?team=… as a link
        status, body = _render(client, app, None, open_at=open_at)
        assert status == 200 and "无权查看" in body and '"meeting-trail"' not in body, open_at
    assert len(denied_entries(engine)) >= before + 2 * len(_foci(ids)) + 2


def test_a_team_lead_meets_on_the_own_team(desk_court) -> None:
    app, ids, engine = desk_court
    client = client_as(app, engine, "lead", ids)
    client.get("/")
    assert client.get("/meeting").status_code == 200
    status, body = _render(client, app, None)  # the top is the own team, without the court crumb
    assert status == 200 and A in body and "甲法官" in body and "乙助理" in body and "无权查看" not in body
    assert '\\"level\\":\\"court\\"' not in body and B not in body
    own = {"level": "compare", "kind": "officer", "ids": [ids["甲法官"], ids["乙助理"]]}
    status, body = _render(client, app, own)
    assert status == 200 and "无权查看" not in body and "甲法官 对比 乙助理" in body
    status, body = _render(client, app, {"level": "case", "id": ids["case:2022执2"]})
    assert status == 200 and number("2022执2") in body and "张**" in body and "张三丰" not in body
    trail = [{"focus": {"level": "team", "id": ids[A]}, "q": {}}, {"focus": own, "q": {}}]
    status, body = _export(client, app, trail)
    assert status == 200 and '"content"' in body
    content = json.loads(body)["response"]["meeting-download"]["data"]["content"]
    book = load_workbook(io.BytesIO(base64.b64decode(content)))
    assert book.sheetnames[0] == "会议路径" and len(book.sheetnames) == 3


@pytest.mark.parametrize("role", ["leader", "center", "admin"])
def test_court_roles_see_every_level(desk_court, role: str) -> None:
    app, ids, engine = desk_court
    client = client_as(app, engine, role, ids)
    client.get("/")
    assert client.get("/meeting").status_code == 200
    for label, focus in _foci(ids).items():
        status, body = _render(client, app, focus)
        assert status == 200 and "无权查看" not in body, (role, label, body[:300])
    status, body = _export(client, app, [{"focus": f, "q": {}} for f in _foci(ids).values()])
    assert status == 200 and '"content"' in body, role


@pytest.mark.parametrize("role", ["officer", "wall"])
def test_officers_and_wall_screens_may_not_use_the_meeting(desk_court, role: str) -> None:
    app, ids, engine = desk_court
    client = client_as(app, engine, role, ids)
    assert client.get("/meeting").status_code == 403
    for focus in (None, {"level": "officer", "id": ids["乙助理"]}):
        status, body = _render(client, app, focus)
        assert status == 403 and "乙助理" not in body, (role, body[:200])
    status, body = _export(client, app, [{"focus": {"level": "officer", "id": ids["乙助理"]}, "q": {}}])
    assert status == 403 and '"content"' not in body


def test_forged_trails_and_foci_get_messages_not_errors(desk_court) -> None:
    app, ids, engine = desk_court
    client = client_as(app, engine, "center", ids)
    client.get("/")
    for focus in ({"level": "team", "id": "1 OR 1=1"}, {"level": ["x"]}, "court", 7, {"level": "case", "id": -1},
                  {"level": "compare", "kind": "team", "ids": "12"}):
        status, body = _render(client, app, focus)
        assert status == 200 and "无法显示" in body, (focus, body[:300])
    for trail in ("x", [1, 2], [{"focus": {"level": "team", "id": "x"}}], [{"focus": None, "q": {"preset": "bad"}}],
                  [{"focus": None, "q": {}}] * 101,
                  [{"focus": None, "q": {"preset": "custom", "start": f"2022-01-0{d}", "end": "2022-02-01"}}
                   for d in range(1, 9)]):
        status, body = _export(client, app, trail)
        assert status == 200 and "无法显示" in body and '"content"' not in body, (trail if len(str(trail)) < 99 else "long")


@pytest.mark.parametrize(("role", "shown"), [("leader", True), ("lead", True), ("officer", False)])
def test_the_analysis_page_offers_the_meeting_only_to_who_may_open_it(desk_court, role: str, shown: bool) -> None:
    app, ids, engine = desk_court
    client = client_as(app, engine, role, ids)
    client.get("/")
    status, body = post(client, payload(app, "analysis-meeting", {"analysis-query.data": {}}))
    assert status == 200 and ("is-hidden" not in body) == shown, (role, body)
