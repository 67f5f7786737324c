"""The court hierarchy's desk side: /court/<code>, /region 辖区法院排名, the 辖区 drill on /analysis,
the court switcher and `indicators --children`, on a small tree (tests/region_data.py).

Callbacks are posted to /_dash-update-component by signed-in test clients, as a browser would,
so the sign-in gate, the guard and the scope checks all take part.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import dash
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.app import create_app
from dashboard.cli import cli
from db.indicators import Period, compute, load_indicator_settings
from db.models import Campaign
from db.models.auth import AuditEntry
from layouts import ids
from tests.auth_helpers import login, make_user
from tests.callbacks.test_access import payload, post
from tests.region_data import PERIOD, TODAY, bind_user, seed_region

ORDER = ["达茂旗法院", "土右旗法院", "包头中院（本院）", "固阳法院"]  # closure_rate 100, 60, 50, 25 %


@pytest.fixture
def region(engine: Engine, backend: str,
           migrated_urls: dict[str, str]) -> Iterator[tuple[dash.Dash, dict[str, Any], Engine]]:
    """(app, ids, engine) on the tree, on each of the three databases."""
    tree = seed_region(engine)
    app = create_app({"DATABASE_URL": migrated_urls[backend], "CACHE_URL": "null://",
                      "SCHEDULER_ENABLED": False, "TODAY": TODAY})
    yield app, tree, engine
    app.server.extensions["dashboard"].engine.dispose()


def _client(app: dash.Dash, engine: Engine, court_id: int | None, role: str = "center") -> Any:
    user = make_user(engine, role)
    bind_user(engine, user.id, court_id)
    client = app.server.test_client()
    assert login(client, user.username, user.password).status_code == 302
    return client


def _outputs(text: str) -> dict[str, Any]:
    body = json.loads(text)["response"]
    return {f"{cid}.{prop}": value for cid, props in body.items() for prop, value in props.items()}


def _region(app: dash.Dash, client: Any, query: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    status, text = post(client, payload(app, ids.Region.GRID, {f"{ids.Region.QUERY}.data": query}))
    return status, _outputs(text) if status == 200 else {}


def _analysis(app: dash.Dash, client: Any, query: dict[str, Any]) -> dict[str, Any]:
    status, text = post(client, payload(app, ids.Analysis.GRID, {f"{ids.Analysis.QUERY}.data": query}))
    assert status == 200, text
    return _outputs(text)


def _denials(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEntry.target).where(AuditEntry.action == "denied")))


def test_region_ranking_equals_compute(region) -> None:
    """The /region callback ranks 内02's 辖区 (its own cases as 本院) on 结案率 with compute()'s
    figures, comparison, change and status; 名次变化 against the comparison period's ranks."""
    app, tree, engine = region
    client = _client(app, engine, tree["内02"])
    status, out = _region(app, client, PERIOD | {"key": "closure_rate"})
    assert status == 200
    rows = out[f"{ids.Region.GRID}.rowData"]
    assert [r["name"] for r in rows] == ORDER
    assert [r["rank"] for r in rows] == [1, 2, 3, 4]
    with Session(engine) as session:
        wanted = compute(session, "court", ids=[tree[c] for c in ("内02", "内0221", "内0222", "内0223")],
                         period=Period.parse("2022-01-01:2022-06-30"),
                         settings=load_indicator_settings(None))
    by_id = {r["id"]: r["indicators"] for r in wanted}
    for row in rows:
        expected = by_id[row["id"]]
        for key in ("closure_rate", "accepted", "closed", "avg_days"):
            value = expected[key]["value"]
            assert row[key] == (None if value is None else float(Decimal(str(value)))), (row["name"], key)
            assert row[f"{key}__d"] == expected[key]["display"]
            assert row[f"{key}__s"] == expected[key]["status"]
        assert row["compare_display"] == (expected["closure_rate"]["compare_display"] or "—")
        assert row["delta_display"] == (expected["closure_rate"]["delta_display"] or "—")
    moves = {r["name"]: r["move"] for r in rows}
    assert moves == {"达茂旗法院": "新进", "土右旗法院": "＝ 持平", "包头中院（本院）": "新进",
                     "固阳法院": "▼ 降3位"}
    assert rows[0]["name__href"].startswith("/court/%E5%86%850223?next=/analysis")
    # 平均用时 is better when lower: the ranking follows the indicator's direction
    _status, by_days = _region(app, client, PERIOD | {"key": "avg_days"})
    days = [r["avg_days"] for r in by_days[f"{ids.Region.GRID}.rowData"] if r["avg_days"] is not None]
    assert days == sorted(days)


def test_other_intermediate_court_is_refused(region) -> None:
    """A 呼市中院 user never gets 内02's 辖区 or its courts through /region or /analysis."""
    app, tree, engine = region
    client = _client(app, engine, tree["内01"])
    status, own = _region(app, client, PERIOD)
    assert [r["name"] for r in own[f"{ids.Region.GRID}.rowData"]] == ["土左旗法院"]
    for court in ("内02", "内0221"):
        status, out = _region(app, client, PERIOD | {"court": tree[court]})
        assert status == 200 and out[f"{ids.Region.GRID}.rowData"] == []
        assert "无权查看" in json.dumps(out[f"{ids.Region.ERROR}.children"], ensure_ascii=False)
        analysis = _analysis(app, client, PERIOD | {"court": tree[court]})
        assert analysis[f"{ids.Analysis.GRID}.rowData"] == []
        assert "无权查看" in json.dumps(analysis[f"{ids.Analysis.ERROR}.children"], ensure_ascii=False)
        text = json.dumps(analysis, ensure_ascii=False)
        assert "土右旗" not in text and "包头" not in text
    assert _denials(engine).count("全院数据") >= 4
    # a team of the other 中院's court: refused too
    refused = _analysis(app, client, PERIOD | {"team": tree["team:内0221"]})
    assert "无权查看" in json.dumps(refused[f"{ids.Analysis.ERROR}.children"], ensure_ascii=False)


def test_court_route_selects_refuses_and_redirects(region) -> None:
    app, tree, engine = region
    client = _client(app, engine, tree["内02"])
    own = json.dumps(_analysis(app, client, PERIOD)[f"{ids.Analysis.CRUMBS}.children"], ensure_ascii=False)
    assert own.index("包头市中级人民法院辖区") < own.index('"包头市中级人民法院"')  # 辖区 › 本院
    chosen = client.get("/court/内0221?next=/region%3Fpreset%3Dytd")
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/region?preset=ytd"
    out = _analysis(app, client, PERIOD)  # the court level now shows 土右旗
    assert out[f"{ids.Analysis.TITLE}.children"] == "土默特右旗人民法院"
    assert [r["name"] for r in out[f"{ids.Analysis.GRID}.rowData"]] == ["土右旗法院执行一组"]
    crumbs = json.dumps(out[f"{ids.Analysis.CRUMBS}.children"], ensure_ascii=False)
    assert "包头市中级人民法院辖区" in crumbs and crumbs.index("包头市中级人民法院辖区") < crumbs.index("土默特右旗")
    # a court of another 中院: a Chinese 403, audited, and the selection stays
    refused = client.get("/court/内0121")
    assert refused.status_code == 403 and "无权查看" in refused.get_data(as_text=True)
    assert "法院 内0121" in _denials(engine)
    assert _analysis(app, client, PERIOD)[f"{ids.Analysis.TITLE}.children"] == "土默特右旗人民法院"
    missing = client.get("/court/内9999")
    assert missing.status_code == 404 and "未找到该法院" in missing.get_data(as_text=True)
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/login"):
        jump = client.get("/court/内0222", query_string={"next": evil})
        assert jump.status_code == 302 and jump.headers["Location"] == "/analysis", evil
    # a team lead sees no court as a whole: refused
    user = make_user(engine, "lead", team_id=tree["team:内0221"])
    lead = app.server.test_client()
    assert login(lead, user.username, user.password).status_code == 302
    assert lead.get("/court/内0221").status_code == 403


def test_court_switcher_lists_visible_courts(region) -> None:
    app, tree, engine = region
    client = _client(app, engine, tree["内02"])
    status, text = post(client, payload(app, ids.Shell.COURT, {f"{ids.URL}.pathname": "/region"}))
    assert status == 200
    out = _outputs(text)
    menu = json.dumps(out[f"{ids.Shell.COURT}.children"], ensure_ascii=False)
    assert out[f"{ids.Shell.COURT}.hidden"] is False
    assert "当前法院：包头市中级人民法院" in menu
    names = ["包头市中级人民法院", "土默特右旗人民法院", "固阳县人民法院", "达尔罕茂明安联合旗人民法院"]
    assert [menu.index(n) for n in names] == sorted(menu.index(n) for n in names)
    assert "呼和浩特" not in menu and "土默特左旗" not in menu
    assert "next=/region" in menu
    # one court only: no switcher
    single = _client(app, engine, tree["内0223"])
    _status, text = post(single, payload(app, ids.Shell.COURT, {f"{ids.URL}.pathname": "/analysis"}))
    assert _outputs(text)[f"{ids.Shell.COURT}.hidden"] is True


def test_region_explains_a_court_without_children(region) -> None:
    app, tree, engine = region
    client = _client(app, engine, tree["内0223"])
    status, out = _region(app, client, PERIOD)
    assert status == 200 and out[f"{ids.Region.GRID}.rowData"] == []
    assert "没有辖区法院" in json.dumps(out[f"{ids.Region.NOTE}.children"], ensure_ascii=False)


def test_cli_ranks_the_courts_of_a_region(region) -> None:
    app, tree, engine = region
    env = {"DASHBOARD_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "DASHBOARD_INDICATOR_SETTINGS": ""}
    args = ["indicators", "--period", "2022-01-01:2022-06-30", "--court", "内02", "--children"]
    table = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert table.exit_code == 0, table.output
    lines = [line for line in table.output.splitlines() if any(n in line for n in ORDER)]
    assert [next(n for n in ORDER if n in line) for line in lines] == ORDER
    assert "60.00%" in lines[1] and "▼ 降3位" in lines[3] and "包头市中级人民法院辖区法院排名" in table.output
    as_json = CliRunner().invoke(cli, [*args, "--format", "json"], env=env, catch_exceptions=False)
    ranking = json.loads(as_json.output)
    client = _client(app, engine, tree["内02"])
    _status, out = _region(app, client, PERIOD)
    page = out[f"{ids.Region.GRID}.rowData"]
    assert [(r["court_id"], r["rank"], r["display"], r["move"]) for r in ranking] == [
        (r["id"], r["rank"], r["closure_rate__d"], r["move"]) for r in page]
    one = CliRunner().invoke(cli, ["indicators", "--period", "2022-01-01:2022-06-30", "--court", "内0222",
                                   "--scope", "team", "--format", "json"], env=env, catch_exceptions=False)
    assert [t["name"] for t in json.loads(one.output)] == ["固阳法院执行一组"]
    bad = CliRunner().invoke(cli, ["indicators", "--period", "2022-01-01:2022-06-30", "--court", "内9"],
                             env=env)
    assert bad.exit_code != 0 and "不存在" in bad.output


def _meeting(app: dash.Dash, client: Any, focus: dict[str, Any] | None) -> dict[str, Any]:
    values = {f"{ids.Meeting.FOCUS}.data": focus, f"{ids.Meeting.QUERY}.data": PERIOD}
    status, text = post(client, payload(app, ids.Meeting.VIEW, values))
    assert status == 200, text
    return _outputs(text)


def test_meeting_starts_at_the_region(region) -> None:
    """会议模式 of a 中院 user opens at its 辖区: the courts, Enter on one opens it (its teams); a
    court of another 中院 is refused."""
    app, tree, engine = region
    client = _client(app, engine, tree["内02"])
    top = _meeting(app, client, {"level": "top"})
    body = json.dumps(top[f"{ids.Meeting.VIEW}.children"], ensure_ascii=False)
    assert "包头市中级人民法院辖区" in json.dumps(top[f"{ids.Meeting.TITLE}.children"], ensure_ascii=False)
    names = ["包头中院（本院）", "土右旗法院", "固阳法院", "达茂旗法院"]  # 辖区 order
    assert [body.index(n) for n in names] == sorted(body.index(n) for n in names)
    assert f'{{"level":"court","id":{tree["内0221"]}}}' in body.replace('\\"', '"')
    court = _meeting(app, client, {"level": "court", "id": tree["内0221"]})
    assert "土默特右旗人民法院" in json.dumps(court[f"{ids.Meeting.TITLE}.children"], ensure_ascii=False)
    view = json.dumps(court[f"{ids.Meeting.VIEW}.children"], ensure_ascii=False)
    assert "土右旗法院执行一组" in view and "固阳法院执行一组" not in view
    crumbs = json.dumps(court[f"{ids.Meeting.CRUMBS}.children"], ensure_ascii=False)
    assert crumbs.index("包头市中级人民法院辖区") < crumbs.index("土默特右旗人民法院")
    other = _client(app, engine, tree["内01"])
    refused = _meeting(app, other, {"level": "court", "id": tree["内0221"]})
    assert "无权查看" in json.dumps(refused[f"{ids.Meeting.ERROR}.children"], ensure_ascii=False)
    refused = _meeting(app, other, {"level": "region", "id": tree["内02"]})
    assert "无权查看" in json.dumps(refused[f"{ids.Meeting.ERROR}.children"], ensure_ascii=False)


def test_center_follows_the_selected_court(region) -> None:
    """/center shows the selected court (its title and its own 案款 and 分流 figures)."""
    app, tree, engine = region
    client = _client(app, engine, tree["内02"])
    values = {f"{ids.Center.QUERY}.data": {"path_id": None, "query": PERIOD}}
    status, text = post(client, payload(app, ids.Center.TITLE, values))
    assert status == 200 and "包头市中级人民法院 · 指挥中心" in json.dumps(_outputs(text), ensure_ascii=False)
    assert client.get("/court/内0222").status_code == 302
    status, text = post(client, payload(app, ids.Center.TITLE, values))
    title = json.dumps(_outputs(text)[f"{ids.Center.TITLE}.children"], ensure_ascii=False)
    assert "固阳县人民法院 · 指挥中心" in title


def test_campaign_of_another_intermediate_court_is_refused(region) -> None:
    """A campaign belongs to a court: its 战报 opens for users whose 辖区 holds the court only."""
    app, tree, engine = region
    with Session(engine) as session, session.begin():
        mine = Campaign(court_id=tree["内0221"], name="土右旗专项", started_on=dt.date(2022, 1, 1),
                        ended_on=dt.date(2022, 6, 30), description="", scope="{}", targets="{}")
        other = Campaign(court_id=tree["内0121"], name="土左旗专项", started_on=dt.date(2022, 1, 1),
                         ended_on=dt.date(2022, 6, 30), description="", scope="{}", targets="{}")
        session.add_all([mine, other])
        session.flush()
        ids_ = (mine.id, other.id)
    client = _client(app, engine, tree["内02"])
    assert client.get(f"/export/campaign/{ids_[0]}/report").status_code == 200
    refused = client.get(f"/export/campaign/{ids_[1]}/report")
    assert refused.status_code == 403 and "土左旗" not in refused.get_data(as_text=True)
    assert "全院数据" in _denials(engine)
