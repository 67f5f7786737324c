"""The admin pages' callbacks through the real endpoint: user changes, token issue/revoke, audit
search filters with Chinese messages, and the audit export equal to the search."""
from __future__ import annotations

import io
import json

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.auth.users import authenticate
from db.models import User
from db.models.auth import AuditEntry, WallToken
from tests.callbacks.test_access import client_as, payload, post

U = "admin-users-"


def _users_action(app, client, button: str, **fields) -> str:
    values = {f"{U}{button}.n_clicks": 1, f"{U}rev.data": 0}
    values |= {f"{U}{k}.value": v for k, v in fields.items()}
    status, body = post(client, payload(app, f"{U}msg", values))
    assert status == 200, body
    return body


def test_admin_user_changes(court) -> None:
    app, ids, engine = court
    admin = client_as(app, engine, "admin", ids)
    admin.get("/")
    body = _users_action(app, admin, "add", username="qian", password="Strong#pw-2026x", role="officer")
    assert "干警：承办人必须绑定干警" in body
    body = _users_action(app, admin, "add", username="qian", password="Strong#pw-2026x", role="officer",
                         officer=ids["乙助理"], display="钱承办")
    assert "已新增用户“qian”" in body
    assert "选择用户：请先" in _users_action(app, admin, "reset", password="Other#pass-2026y")
    assert "已重设" in _users_action(app, admin, "reset", pick="qian", password="Other#pass-2026y")
    assert "已保存" in _users_action(app, admin, "save", pick="qian", role="lead", team=ids["保全组"])
    assert "已停用" in _users_action(app, admin, "disable", pick="qian")
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.username == "qian")).one()
        assert (user.role, user.team_id, user.active) == ("lead", ids["保全组"], False)
        assert authenticate(session, "qian", "Other#pass-2026y") is None  # disabled
        me = session.scalars(select(User).where(User.role == "admin")).first().username
    assert "不能停用自己" in _users_action(app, admin, "disable", pick=me)
    assert "已启用" in _users_action(app, admin, "enable", pick="qian")
    with Session(engine) as session:
        assert authenticate(session, "qian", "Other#pass-2026y") is not None
    with Session(engine) as session:  # every admin change is in the audit log, with where it came from
        changes = session.scalars(select(AuditEntry).where(AuditEntry.action == "user_change",
                                                           AuditEntry.target == "qian")).all()
    assert len(changes) >= 5 and all(c.actor == me and c.ip == "127.0.0.1" for c in changes)
    status, filled = post(admin, payload(app, f"{U}username", {f"{U}pick.value": "qian"}))
    assert status == 200 and '"钱承办"' in filled and '"lead"' in filled and str(ids["保全组"]) in filled
    status, table = post(admin, payload(app, f"{U}table", {f"{U}rev.data": 1}))
    assert status == 200 and "钱承办" in table and "团队长" in table and "保全组" in table


def test_tokens_are_shown_once_and_revoked(court) -> None:
    app, ids, engine = court
    admin = client_as(app, engine, "admin", ids)
    admin.get("/")
    status, body = post(admin, payload(app, "admin-tokens-issued",
                                       {"admin-tokens-issue.n_clicks": 1, "admin-tokens-screen.value": "大厅"}))
    assert status == 200 and "/wall/token/" in body
    token = body.split("/wall/token/")[1].split('"')[0]
    _, listing = post(admin, payload(app, "admin-tokens-table", {"admin-tokens-rev.data": 1}))
    assert "大厅" in listing and token not in listing
    with Session(engine) as session:
        token_id = session.scalars(select(WallToken.id).where(WallToken.screen == "大厅")).one()
    wall = app.server.test_client()
    assert wall.get(f"/wall/token/{token}").status_code == 302
    status, body = post(admin, payload(app, "admin-tokens-msg",
                                       {"admin-tokens-revoke.n_clicks": 1, "admin-tokens-pick.value": token_id}))
    assert "已吊销令牌" in body
    _, again = post(admin, payload(app, "admin-tokens-msg",
                                   {"admin-tokens-revoke.n_clicks": 1, "admin-tokens-pick.value": token_id}))
    assert "已于" in again and "吊销" in again  # the store's message, not a traceback
    fresh = app.server.test_client()
    assert fresh.get(f"/wall/token/{token}").status_code == 403


def _search(app, client, **filters) -> str:
    values = {"admin-audit-apply.n_clicks": 1} | {f"admin-audit-{k}.{'date' if k in ('since', 'until') else 'value'}": v
                                                  for k, v in filters.items()}
    status, body = post(client, payload(app, "admin-audit-table", values))
    assert status == 200
    response = json.loads(body)["response"]  # the table, count and message; not the option lists
    return json.dumps([response[k] for k in ("admin-audit-table", "admin-audit-count", "admin-audit-msg")],
                      ensure_ascii=False)


def test_audit_search_filters_and_export(court) -> None:
    app, ids, engine = court
    admin = client_as(app, engine, "admin", ids)
    lead = client_as(app, engine, "lead", ids)
    lead.get(f"/team/{ids['保全组']}")  # refused → one "denied" entry
    admin.get("/")
    everything = _search(app, admin)
    assert "越权访问被拒" in everything and "登录成功" in everything
    denied = _search(app, admin, action=["denied"])
    assert "越权访问被拒" in denied and "登录成功" not in denied and "团队长" in denied
    assert "保全组" not in denied  # the refusal names the id, never the team's data
    assert f"团队 {ids['保全组']}" in denied
    assert "登录成功" not in _search(app, admin, text="不存在的文字")
    assert "起始日期 2030-01-02 晚于截止日期 2030-01-01" in _search(app, admin, since="2030-01-02", until="2030-01-01")
    assert "没有符合条件的记录" in _search(app, admin, since="2030-01-01")
    response = admin.get("/export/audit.xlsx?action=denied")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(cells) if row[0] == "时间")
    rows = []
    for row in cells[header + 1:]:
        if not row[0]:
            break
        rows.append(row)
    assert rows and all(r[3] == "越权访问被拒" for r in rows)
    bad = admin.get("/export/audit.xlsx?action=steal")
    assert bad.status_code == 400 and "动作：未知的审计动作“steal”" in bad.get_data(as_text=True)
    assert "导出" in _search(app, admin, action=["export"])  # the export itself is audited


def test_event_source_tokens_are_shown_once_work_and_are_revoked(court) -> None:
    """Issue on /admin/sources, call the event API with the token, revoke, and the API refuses."""
    from db.models import EventSource

    app, ids, engine = court
    admin = client_as(app, engine, "admin", ids)
    admin.get("/")
    status, body = post(admin, payload(app, "admin-sources-issued",
                                       {"admin-sources-issue.n_clicks": 1, "admin-sources-name.value": "执行110"}))
    assert status == 200 and "Bearer" in body
    token = json.loads(body)["response"]["admin-sources-issued"]["children"]["props"]["children"][1]["props"]["children"]
    _, listing = post(admin, payload(app, "admin-sources-table", {"admin-sources-rev.data": 1}))
    assert "执行110" in listing and token not in listing
    api = app.server.test_client()
    event = {"external_id": "1", "case_number": "不存在", "kind": "到场", "occurred_at": "2026-01-01T08:00:00"}
    assert api.post("/api/v1/events", json=event, headers={"Authorization": f"Bearer {token}"}).status_code == 400
    with Session(engine) as session:
        source_id = session.scalars(select(EventSource.id).where(EventSource.name == "执行110")).one()
    _, body = post(admin, payload(app, "admin-sources-msg",
                                  {"admin-sources-revoke.n_clicks": 1, "admin-sources-pick.value": source_id}))
    assert "已吊销事件来源" in body
    assert api.post("/api/v1/events", json=event, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    with Session(engine) as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("event_source_%"))).all()
    assert sorted(actions) == ["event_source_issue", "event_source_revoke"]
