"""分流台 through the Dash callback endpoint: confirm, override (reason required), 分案 and 转繁,
each audited; roles without the 分流 permission are refused and change nothing; a team lead
sees only the own team's 分流 outcomes."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.app import create_app
from db.models import AuditEntry, Case, CaseTriage, TriageRuleChange
from db.triage import confirm, refresh
from tests.auth_helpers import login, make_user
from tests.callbacks.test_access import payload, post
from tests.db import triage_data as data

TODAY = "2026-03-10"
PERIOD = {"start": "2026-03-01", "end": "2026-03-31", "preset": "custom"}


@pytest.fixture
def triage_court(sqlite_engine: Engine, migrated_urls: dict[str, str]) -> Iterator[tuple[dash.Dash, dict[str, Any], Engine]]:
    with Session(sqlite_engine) as session:
        ids = data.org(session)
        data.simple_rules(session)
        for key, filed, amount in (("small", "2026-03-02", 5000), ("other", "2026-03-03", 8000),
                                   ("big", "2026-03-05", 900000)):
            ids[key] = data.add_case(session, ids, filed, amount).id
        done = data.add_case(session, ids, "2026-03-01", 2000)
        ids["done"] = done.id
        refresh(session)
        confirm(session, data.CLERK, done.id, today=data.D("2026-03-02"))
        done.team_id, done.officer_id = ids["complex"], ids["yi"]  # a 繁案组 case (its 分流 outcome)
        session.commit()
    app = create_app({"DATABASE_URL": migrated_urls["sqlite"], "CACHE_URL": "null://",
                      "SCHEDULER_ENABLED": False, "TODAY": TODAY})
    yield app, ids, sqlite_engine
    app.server.extensions["dashboard"].engine.dispose()


def client_as(app: dash.Dash, engine: Engine, role: str, **binding: Any) -> tuple[Any, str]:
    user = make_user(engine, role, **binding)
    client = app.server.test_client()
    assert login(client, user.username, user.password).status_code == 302
    client.get("/")
    return client, user.username


def act(app: dash.Dash, client: Any, case_id: int, button: str = "primary", **states: Any) -> tuple[int, str]:
    values = {f"triage-{button}.n_clicks": 1, "triage-selected.data": {"id": case_id, "index": 0}}
    values.update({f"triage-{k}.value": v for k, v in states.items()})
    return post(client, payload(app, "triage-msg", values))


def triage_row(engine: Engine, case_id: int) -> CaseTriage:
    with Session(engine) as session:
        row = session.scalar(select(CaseTriage).where(CaseTriage.case_id == case_id))
        session.expunge(row)
        return row


def audit(engine: Engine, actor: str) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return [(e.action, e.target) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.actor == actor, AuditEntry.action != "login_ok")
            .order_by(AuditEntry.id))]


def number(engine: Engine, case_id: int) -> str:
    with Session(engine) as session:
        return session.get(Case, case_id).case_number


def test_queue_lists_suggestions_and_fired_rules(triage_court) -> None:
    app, ids, engine = triage_court
    client, _ = client_as(app, engine, "center")
    status, body = post(client, payload(app, "triage-queue", {"triage-rev.data": 0}))
    assert status == 200
    for key in ("small", "other", "big"):
        assert number(engine, ids[key]) in body
    assert number(engine, ids["done"]) not in body  # confirmed and 分案: out of the queue
    status, body = post(client, payload(app, "triage-detail", {"triage-selected.data": {"id": ids["small"]}}))
    assert status == 200 and "小额" in body and "标的 10 万以下" in body and "采纳建议：简案" in body


def test_confirm_override_assign_and_their_audit(triage_court) -> None:
    app, ids, engine = triage_court
    client, user = client_as(app, engine, "center")
    status, body = act(app, client, ids["small"])
    assert status == 200 and "已确认为简案" in body
    row = triage_row(engine, ids["small"])
    assert (row.status, row.track, row.overridden, row.confirmed_by) == ("confirmed", "simple", False, user)

    # an override needs a reason: refused in Chinese, nothing written
    status, body = act(app, client, ids["other"], "override", track="complex", reason="   ")
    assert status == 200 and "必须填写理由" in body
    assert triage_row(engine, ids["other"]).status == "pending"
    status, body = act(app, client, ids["other"], "override", track="complex", reason="被执行人下落不明")
    assert "改判" in body
    row = triage_row(engine, ids["other"])
    assert (row.track, row.overridden, row.override_reason) == ("complex", True, "被执行人下落不明")

    # 分案: the officer must belong to the team; then the case leaves the queue
    status, body = act(app, client, ids["small"], team=ids["simple"], officer=ids["yi"])
    assert "不属于" in body
    status, body = act(app, client, ids["small"], team=ids["simple"], officer=ids["jia"])
    assert "已分案" in body
    with Session(engine) as session:
        case = session.get(Case, ids["small"])
        assert (case.team_id, case.officer_id, case.track) == (ids["simple"], ids["jia"], "simple")
    status, body = act(app, client, ids["small"])
    assert "不在分流队列中" in body
    assert audit(engine, user) == [
        ("triage_confirm", number(engine, ids["small"])),
        ("triage_override", number(engine, ids["other"])),
        ("triage_assign", number(engine, ids["small"])),
    ]


def test_workload_hint_lists_the_teams_officers_by_open_cases(triage_court) -> None:
    app, ids, engine = triage_court
    client, _ = client_as(app, engine, "center")
    status, body = post(client, payload(app, "triage-officer", {"triage-team.value": ids["complex"]}))
    assert status == 200
    assert body.index("丙法官 · 在办 0 件") < body.index("乙法官 · 在办 1 件")
    assert f'"value": {ids["bing"]}' in body  # the least busy is preselected


@pytest.mark.parametrize("role", ["lead", "officer", "leader"])
def test_roles_without_the_triage_permission_change_nothing(triage_court, role: str) -> None:
    app, ids, engine = triage_court
    binding = {"lead": {"team_id": ids["simple"]}, "officer": {"officer_id": ids["jia"]}}.get(role, {})
    client, user = client_as(app, engine, role, **binding)
    assert client.get("/triage").status_code == 403
    for body_values in (
        {"triage-primary.n_clicks": 1, "triage-selected.data": {"id": ids["small"]}},
        {"triage-override.n_clicks": 1, "triage-selected.data": {"id": ids["other"]},
         "triage-track.value": "complex", "triage-reason.value": "越权"},
    ):
        status, body = post(client, payload(app, "triage-msg", body_values))
        assert status == 403 and "无权查看" in body
    status, body = post(client, payload(app, "triage-queue", {"triage-rev.data": 0}))
    assert status == 403 and number(engine, ids["small"]) not in body
    assert triage_row(engine, ids["small"]).status == "pending"
    assert triage_row(engine, ids["other"]).status == "pending"
    assert [a for a, _ in audit(engine, user)].count("denied") >= 4


def test_a_lead_sees_only_the_own_teams_triage_outcomes(triage_court) -> None:
    app, ids, engine = triage_court
    lead, _ = client_as(app, engine, "lead", team_id=ids["simple"])
    other = {"cases-query.data": PERIOD | {"indicator": "triage_avg_days", "part": "denominator",
                                           "scope": "team", "id": str(ids["complex"])}}
    status, body = post(lead, payload(app, "cases-title", other))
    assert status == 200 and "无权查看" in body and number(engine, ids["done"]) not in body
    court = {"cases-query.data": PERIOD | {"indicator": "triage_pending", "part": "numerator"}}
    status, body = post(lead, payload(app, "cases-title", court))
    assert number(engine, ids["small"]) not in body  # the court's waiting cases
    center, _ = client_as(app, engine, "center")
    status, body = post(center, payload(app, "cases-title", other))
    assert status == 200 and number(engine, ids["done"]) in body


def test_admin_edits_rules_with_history_and_audit(triage_court) -> None:
    app, ids, engine = triage_court
    client, user = client_as(app, engine, "admin")
    base = {"admin-triage-save.n_clicks": 1, "admin-triage-pick.value": "new",
            "admin-triage-name.value": "非诉", "admin-triage-track.value": "simple",
            "admin-triage-reason.value": "非诉执行案件", "admin-triage-active.value": ["on"],
            "admin-triage-position.value": 5}
    status, body = post(client, payload(app, "admin-triage-msg",
                                        base | {"admin-triage-conditions.value": "{\"non_litigation\": 1}"}))
    assert status == 200 and "未保存" in body and "非诉执行应为 true 或 false" in body
    status, body = post(client, payload(app, "admin-triage-msg",
                                        base | {"admin-triage-conditions.value": "{\"non_litigation\": true}"}))
    assert "已保存规则“非诉”" in body
    status, body = post(client, payload(app, "admin-triage-table", {"admin-triage-rev.data": 1}))
    assert "非诉执行 是" in body and "地方规定" in body and "修改记录" in body and user in body
    with Session(engine) as session:
        changes = session.scalars(select(TriageRuleChange).where(TriageRuleChange.rule_name == "非诉")).all()
    assert [(c.action, c.actor) for c in changes] == [("create", user)]
    assert ("triage_rule", "非诉") in audit(engine, user)
