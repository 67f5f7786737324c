"""专项行动 through the app: launch/edit/end through `/_dash-update-component` (指挥中心 and 管理员
only, audited; every other role refused), the wall screen joining and leaving the rotation with
the snapshot, and the 战报 (HTML and xlsx) showing the figures of the page and the wall."""
from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from callbacks.desk import campaign as page
from callbacks.desk import campaign_data
from callbacks.wall import wall
from dashboard.app import create_app
from dashboard.scheduler import make_refresher
from db.auth.access import Principal
from db.campaigns import edit
from db.campaigns.figures import MEASURES
from db.models import AuditEntry, Campaign, Case, Court
from db.snapshot import store
from layouts.desk.campaign_parts import fmt_value
from layouts.wall.params import resolve
from tests.callbacks.test_access import client_as, payload, post
from tests.db.nodes_factory import add_event
from tests.db.test_case_queries import TODAY, seed_desk

CENTER = Principal(user_id=None, username="center-test", display_name="指挥中心（测试）", role="center")
FORM = {"campaigns-name.value": "夏季攻坚", "campaigns-start.value": "2022-08-01",
        "campaigns-end.value": "2022-08-31", "campaigns-on-wall.value": ["on"],
        "campaigns-livelihood.value": "any", "campaigns-enterprise.value": "any",
        "campaigns-target-closed.value": "20", "campaigns-target-recovered.value": "100000",
        "campaigns-target-ind-closure-rate.value": "60"}


def _save(app, client, query: dict[str, Any] | None = None, **fields: Any) -> tuple[int, str]:
    values = {"campaigns-save.n_clicks": 1, "campaigns-query.data": query or {}, **FORM, **fields}
    return post(client, payload(app, "campaigns-nav", values))


def _end(app, client, campaign_id: int) -> tuple[int, str]:
    return post(client, payload(app, "campaign-ended", {
        "campaign-end-confirm.submit_n_clicks": 1, "campaign-query.data": {"campaign_id": str(campaign_id)}}))


def _campaigns(engine) -> list[tuple[str, dt.date]]:
    with Session(engine) as s:
        return list(s.execute(select(Campaign.name, Campaign.ended_on).order_by(Campaign.id)).all())


@pytest.mark.parametrize("role", ["center", "admin"])
def test_center_and_admin_launch_edit_and_end(court, role: str) -> None:
    app, ids, engine = court
    client = client_as(app, engine, role, ids)
    status, body = _save(app, client, **{"campaigns-end.value": "2022-07-01"})
    assert status == 200 and "结束日期 2022-07-01 早于开始日期 2022-08-01" in body and _campaigns(engine) == []
    status, body = _save(app, client)
    assert status == 200 and "已保存" in body
    (campaign_id,) = [c for (c,) in Session(engine).execute(select(Campaign.id))]
    assert f"/campaigns/{campaign_id}" in body
    status, body = _save(app, client, {"edit": str(campaign_id)}, **{"campaigns-name.value": "夏季攻坚（二）"})
    assert status == 200 and "已保存" in body
    status, body = _end(app, client, campaign_id)
    assert status == 200 and "行动已结束" in body
    assert _campaigns(engine) == [("夏季攻坚（二）", TODAY)]
    with Session(engine) as s:  # the registry indicator's target was saved with the measures'
        saved = json.loads(s.scalar(select(Campaign.targets)))
    assert saved == {"closed": 20.0, "recovered": 100000.0, "ind.closure_rate": 60.0}
    with Session(engine) as s:
        audited = s.execute(select(AuditEntry.action, AuditEntry.actor_role)
                            .where(AuditEntry.action.like("campaign_%")).order_by(AuditEntry.id)).all()
    assert audited == [("campaign_create", role), ("campaign_edit", role), ("campaign_end", role)]


@pytest.mark.parametrize("role", ["leader", "lead", "officer", "wall"])
def test_other_roles_cannot_launch_edit_or_end(court, role: str) -> None:
    app, ids, engine = court
    with Session(engine) as s:
        court_id = s.scalar(select(Court.id))
        existing = edit.create(s, CENTER, court_id, edit.parse_form(
            {"name": "已有行动", "started_on": "2022-08-01", "ended_on": "2022-08-31",
             "targets": {"ind.closure_rate": "50"}}))
        s.commit()
    client = client_as(app, engine, role, ids)
    for status, body in (_save(app, client), _save(app, client, {"edit": str(existing)}),
                         _end(app, client, existing)):
        if role == "leader":  # may read the page, may not change anything
            assert status == 200 and "无权查看" in body, body
        else:
            assert status == 403 and "无权查看" in body, (status, body)
    assert _campaigns(engine) == [("已有行动", dt.date(2022, 8, 31))]
    report = client.get(f"/export/campaign/{existing}/report")
    assert (report.status_code == 200) == (role == "leader")
    # the cases behind a registry-indicator target: the page's scope (全院 data), nobody else's
    status, body = post(client, payload(app, "campaign-explain", {
        "campaign-explain-key.value": "ind.closure_rate", "campaign-query.data": {"campaign_id": str(existing)}}))
    if role == "leader":
        assert status == 200 and "结案率 · 分子" in body and "（20" in body, body[:300]
    else:
        assert status == 403 and "无权查看" in body and "结案率 · 分子" not in body, (status, body[:300])


def test_bad_campaign_ids_get_chinese_messages(court) -> None:
    app, ids, engine = court
    client = client_as(app, engine, "center", ids)
    for path in ("/export/campaign/abc/report", "/export/campaign/999/report", "/export/campaign/0.xlsx"):
        response = client.get(path)
        assert response.status_code == 400 and "专项行动" in response.get_data(as_text=True), path
    status, body = post(client, payload(app, "campaign-body", {"campaign-query.data": {"campaign_id": "999"}}))
    assert status == 200 and "专项行动“999”不存在" in body
    status, body = post(client, payload(app, "campaign-explain", {
        "campaign-explain-key.value": "nope", "campaign-query.data": {"campaign_id": "1"}}))
    assert status == 200 and "无法显示" in body


def _snapshot(state, day: dt.date) -> dict[str, Any]:
    refresher = make_refresher(state)
    refresher.clock = lambda: dt.datetime.combine(day, dt.time(4), tzinfo=dt.UTC)
    assert refresher.run() == "published"
    return store.current_snapshot(state.extras["cache"])


def _text(components: Any) -> str:
    return json.dumps(components, default=lambda c: c.to_plotly_json(), ensure_ascii=False)


def test_wall_joins_and_leaves_and_the_report_equals_the_screens(sqlite_engine, migrated_urls) -> None:
    seed_desk(sqlite_engine)
    with Session(sqlite_engine) as s:
        court_id = s.scalar(select(Court.id))
        cases = s.scalars(select(Case).where(Case.closed_on.is_(None)).limit(3)).all()
        for case in cases:  # a few field measures inside the period, so every figure is non-zero
            add_event(s, case, "detention", dt.date(2022, 8, 10))
            add_event(s, case, "blacklist", TODAY)
        running = edit.create(s, CENTER, court_id, edit.parse_form(
            {"name": "夏季攻坚", "started_on": "2022-08-01", "ended_on": "2022-08-31",
             "targets": {"closed": "20", "detention": "6", "ind.closure_rate": "30",
                         "ind.pending": "200"}}))
        edit.create(s, CENTER, court_id, edit.parse_form(
            {"name": "秋季行动", "started_on": "2022-09-01", "ended_on": "2022-09-30"}))
        s.commit()
    # optional screens join the rotation only while live (the 辖区 ones: a 中院 installation)
    assert resolve({}, {})["optional"] == ["campaign", "region", "courts"]
    assert resolve({"screen": "总览"}, {})["optional"] == []
    app = create_app({"DATABASE_URL": migrated_urls["sqlite"], "CACHE_URL": "simple://",
                      "SCHEDULER_ENABLED": False, "TODAY": TODAY.isoformat()})
    state = app.server.extensions["dashboard"]
    try:
        with app.server.test_request_context():
            g.principal = CENTER
            snap = _snapshot(state, TODAY)
            screen, live = wall.SCREENS["campaign"](snap)
            assert live == {"campaign": True, "region": False, "courts": 0} and [r["name"] for r in snap["campaigns_live"]] == ["夏季攻坚"]
            shown = snap["campaigns_live"][0]
            # the page, the 战报 and its workbook, computed now, show the wall's figures
            report = campaign_data.fetch_report(running)
            title, body, error, *_ = page.render({"campaign_id": str(running)})
            html, _stamp = campaign_data.report_document(running)
            book = load_workbook(io.BytesIO(campaign_data.report_workbook(running)[0]), read_only=True)
            sheet = book["目标完成"]
            rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] in {m.label for m in
                                                                                  MEASURES.values()}]
            from_xlsx = {r[0]: float(r[2]) for r in rows}
            page_text, wall_text = _text(body), _text(screen)
            assert error is None and "夏季攻坚" in title
            for ours, theirs in zip(report["measures"], shown["measures"], strict=True):
                assert ours["value"] == theirs["value"] and ours["target"] == theirs["target"], ours["key"]
                assert from_xlsx[ours["label"]] == pytest.approx(ours["value"])
                text = fmt_value(ours["value"], ours["unit"])
                assert text in page_text and text in html, (ours["key"], text)
            # the registry indicators targeted: the same figure everywhere
            inds = book["指标目标"]
            xlsx_inds = {r[0]: r for r in inds.iter_rows(values_only=True) if r and r[0] in
                         {"结案率", "未结数"}}
            assert [f["indicator"] for f in report["indicators"]] == ["pending", "closure_rate"]
            assert report["indicators"] == shown["indicators"]
            for f in report["indicators"]:
                assert f["value"] is not None and f["display"] in page_text and f["display"] in html
                assert f["display"] in wall_text, f["key"]
                assert xlsx_inds[f["label"]][2] == pytest.approx(f["value"])
                assert xlsx_inds[f["label"]][3] == pytest.approx(float(f["numerator"]))
                assert xlsx_inds[f["label"]][6] == f["target"]
            rate = next(f for f in report["indicators"] if f["indicator"] == "closure_rate")
            listed = _text(page.show_explain("ind.closure_rate", {"campaign_id": str(running)}))
            assert f"分子：{rate['numerator']:,} 条" in listed and f"分母：{rate['denominator']:,} 条" in listed
            assert "不是本专项行动的指标目标" in _text(page.show_explain("ind.completion_rate",
                                                                     {"campaign_id": str(running)}))
            assert "不低于 30%" in html and "不高于 200 件" in html and "不低于 30%" in page_text
            by = {m["key"]: m["value"] for m in report["measures"]}
            assert by["detention"] == 3 and by["blacklist"] == 3
            assert f"{int(by['closed']):,}" in wall_text and f"{by['recovered'] / 10000:,.2f}" in wall_text
            # ended today: still on the wall today, gone tomorrow; nothing planned joins early
            with state.sessions() as s:
                edit.end(s, CENTER, running, TODAY)
                s.commit()
            assert wall.SCREENS["campaign"](_snapshot(state, TODAY))[1] == {"campaign": True, "region": False, "courts": 0}
            tomorrow = _snapshot(state, TODAY + dt.timedelta(days=1))
            assert tomorrow["campaigns_live"] == [] and wall.SCREENS["campaign"](tomorrow)[1] == {"campaign": False, "region": False, "courts": 0}
            assert "当前没有进行中的专项行动" in _text(wall.SCREENS["campaign"](tomorrow)[0])
            assert [r["name"] for r in _snapshot(state, dt.date(2022, 9, 1))["campaigns_live"]] == ["秋季行动"]
    finally:
        state.engine.dispose()
