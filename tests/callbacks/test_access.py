"""Authorization attacks, role by role: pages, crafted callback POSTs, exports, masking, audit.

Every request goes through the real app with a signed-in Flask test client (tests/auth_helpers),
so the sign-in gate, the guard (dashboard/guard.py) and the scope checks inside the desk data
functions (callbacks/authz.py) all take part. Callback payloads are built from `app.callback_map`,
as a browser (or an attacker with a browser's devtools) would send them.
"""
from __future__ import annotations

import base64
import io
import json
from typing import Any

import dash
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.auth.wall_tokens import issue_wall_token
from db.models.auth import AuditEntry
from db.session import make_session_factory, session_scope
from layouts.access import PAGE_RULES, SHELL_PREFIXES, rule_for_component
from tests.auth_helpers import login, make_user, same_site
from tests.db.test_case_queries import number

A, B = "简案一组", "保全组"
CASE_A = "case:2022执2"  # team A, officer 乙助理; parties 张三丰 / 包头市某某建材有限公司
PERIOD = {"start": "2022-01-01", "end": "2022-06-30"}


def client_as(app: dash.Dash, engine: Engine, role: str, ids: dict[str, Any]) -> Any:
    """A test client signed in as `role`: lead of 简案一组, officer 乙助理, or a wall token."""
    client = app.server.test_client()
    if role == "wall":
        with session_scope(make_session_factory(engine)) as session:
            _id, token = issue_wall_token(session, "测试大屏", None)
        same_site(client)
        assert client.get(f"/wall/token/{token}").status_code == 302
        return client
    binding = {"lead": {"team_id": ids[A]}, "officer": {"officer_id": ids["乙助理"]}}.get(role, {})
    user = make_user(engine, role, **binding)
    assert login(client, user.username, user.password).status_code == 302
    return client


# ---------------------------------------------------------------- crafted callback payloads

def _key(app: dash.Dash, output_id: str) -> str:
    return next(k for k in app.callback_map if f"..{output_id}." in k or k.startswith(f"{output_id}."))


def payload(app: dash.Dash, output_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """The body Dash's renderer would POST for the callback with this output; `values` are the
    inputs and states by "id.property" (missing ones are None)."""
    key = _key(app, output_id)
    spec = app.callback_map[key]
    outs = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
    outputs = [{"id": o.component_id, "property": o.component_property.split("@")[0]} for o in outs]

    def part(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")}
                for i in items]

    inputs = part(spec["inputs"])
    changed = [i for i in inputs if i["value"] is not None] or inputs[:1]  # the inputs "clicked"
    return {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0], "inputs": inputs,
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in changed],
            "state": part(spec.get("state", []))}


def post(client: Any, body: dict[str, Any]) -> tuple[int, str]:
    response = client.post("/_dash-update-component", json=body)
    text = response.get_data(as_text=True)
    if response.is_json and text:  # Dash escapes non-ASCII: compare readable text
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return response.status_code, text


def router(path: str) -> dict[str, Any]:
    """Dash's page router asked to render `path` (how client-side navigation loads a page)."""
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def denied_entries(engine: Engine, actor_prefix: str = "") -> list[AuditEntry]:
    with Session(engine) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "denied")).all()
    return [r for r in rows if r.actor.startswith(actor_prefix)]


def audit_count(engine: Engine, action: str) -> int:
    with Session(engine) as session:
        return len(session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all())


# ---------------------------------------------------------------- the expectations, per role

PAGES = ("/", "/wall", "/analysis", "/meeting", "/team/{A}", "/team/{B}", "/officer/{乙助理}", "/officer/{丙法官}",
         "/case/{case}", "/cases", "/admin/users", "/admin/tokens", "/admin/audit", "/admin/rules",
         "/admin/sources", "/admin/import", "/supervision", "/triage", "/admin/triage-rules")
ALLOWED_PAGES = {
    "admin": {"/", "/wall", "/analysis", "/meeting", "/team/{A}", "/team/{B}", "/officer/{乙助理}", "/officer/{丙法官}",
              "/case/{case}", "/cases", "/admin/users", "/admin/tokens", "/admin/audit", "/admin/rules",
              "/admin/sources", "/admin/import", "/triage", "/admin/triage-rules"},
    "center": {"/", "/wall", "/analysis", "/meeting", "/team/{A}", "/team/{B}", "/officer/{乙助理}", "/officer/{丙法官}",
               "/case/{case}", "/cases", "/supervision", "/triage"},
    "leader": {"/", "/wall", "/analysis", "/meeting", "/team/{A}", "/team/{B}", "/officer/{乙助理}", "/officer/{丙法官}",
               "/case/{case}", "/cases"},
    "lead": {"/", "/wall", "/analysis", "/meeting", "/team/{A}", "/officer/{乙助理}", "/case/{case}", "/cases",
             "/supervision"},
    "officer": {"/", "/analysis", "/officer/{乙助理}", "/case/{case}", "/cases", "/supervision"},
    "wall": {"/wall"},
}
ROLES = tuple(ALLOWED_PAGES)


def _fill(path: str, ids: dict[str, Any]) -> str:
    return path.format(A=ids[A], B=ids[B], 乙助理=ids["乙助理"], 丙法官=ids["丙法官"], case=ids[CASE_A])


@pytest.mark.parametrize("role", ROLES)
def test_pages_open_only_for_roles_that_may_see_them(court, role: str) -> None:
    """GET of every page, and Dash's router asked for it: allowed → 200, else 403 (never the
    page); every refusal is in the audit log with action "denied" and the role's user."""
    app, ids, engine = court
    client = client_as(app, engine, role, ids)
    before = len(denied_entries(engine))
    refused = 0
    for template in PAGES:
        path = _fill(template, ids)
        response = client.get(path)
        status, body = post(client, router(path))
        if template in ALLOWED_PAGES[role]:
            assert response.status_code == 200, (role, path, response.status_code)
            assert status == 200, (role, path, body[:200])
        else:
            expected = {302} if (role == "wall" and path == "/") else {403}
            assert response.status_code in expected, (role, path, response.status_code)
            assert response.status_code == 302 or "无权查看" in response.get_data(as_text=True)
            assert status == 403 and "无权查看" in body, (role, path, status)
            refused += 1 + (response.status_code == 403)
    entries = denied_entries(engine)[before:]
    assert len(entries) == refused
    assert all(e.outcome == "denied" and e.actor_role == role and e.actor for e in entries)


def test_every_callback_of_the_app_belongs_to_a_page_rule(court) -> None:
    """A callback no rule covers would be refused for everyone; this catches a new page whose
    IDs were not added to layouts/access.py."""
    app, _, _ = court
    uncovered = []
    for key, spec in app.callback_map.items():
        outs = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
        for out in outs:
            name = str(out.component_id)
            if not name.startswith(SHELL_PREFIXES) and rule_for_component(name) is None:
                uncovered.append(key)
    assert not uncovered
    assert {r.key for r in PAGE_RULES} >= {"wall", "analysis", "team", "officer", "cases", "case",
                                           "admin_users", "admin_tokens", "admin_audit", "supervision"}


# Callback attacks: (label, output id, values, roles that get the data, a string of the data)
def _attacks(ids: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], set[str], str]]:
    team_b = {"analysis-query.data": PERIOD | {"preset": "custom", "team": str(ids[B])}}
    return [
        ("court analysis", "analysis-crumbs", {"analysis-query.data": PERIOD | {"preset": "custom"}},
         {"admin", "center", "leader"}, "保全组"),
        ("other team's officers", "analysis-crumbs", team_b, {"admin", "center", "leader"}, "丙法官"),
        ("other team's desk", "team-crumbs", {"team-query.data": {"path_id": str(ids[B]), "query": {}}},
         {"admin", "center", "leader"}, "丙法官"),
        ("another officer's desk", "officer-crumbs",
         {"officer-query.data": {"path_id": str(ids["甲法官"]), "query": {}}},
         {"admin", "center", "leader", "lead"}, "甲法官"),
        ("other team's case list", "cases-title",
         {"cases-query.data": PERIOD | {"indicator": "accepted", "part": "numerator", "scope": "team",
                                        "id": str(ids[B])}},
         {"admin", "center", "leader"}, number("2022执保1")),
        ("another officer's cases", "cases-title",
         {"cases-query.data": PERIOD | {"indicator": "accepted", "part": "numerator", "scope": "officer",
                                        "id": str(ids["甲法官"])}},
         {"admin", "center", "leader", "lead"}, number("2021执1")),
        ("a case outside the scope", "case-title",
         {"case-query.data": {"path_id": str(ids["case:2022执保1"])}},
         {"admin", "center", "leader"}, number("2022执保1")),
        ("user list", "admin-users-table", {"admin-users-rev.data": 0}, {"admin"}, "用户名"),
        ("add an admin", "admin-users-msg",
         {"admin-users-add.n_clicks": 1, "admin-users-username.value": "mallory",
          "admin-users-password.value": "Strong#pass-2026x", "admin-users-role.value": "admin"},
         {"admin"}, "已新增用户"),
        ("issue a wall token", "admin-tokens-issued",
         {"admin-tokens-issue.n_clicks": 1, "admin-tokens-screen.value": "偷看屏"}, {"admin"}, "/wall/token/"),
        ("issue an event-API token", "admin-sources-issued",
         {"admin-sources-issue.n_clicks": 1, "admin-sources-name.value": "伪造来源"}, {"admin"}, "Bearer"),
        ("event sources", "admin-sources-table", {"admin-sources-rev.data": 0}, {"admin"}, "伪造来源"),
        ("import history", "admin-import-history", {"admin-import-rev.data": 0}, {"admin"}, "还没有导入过数据"),
        ("upload a workbook", "admin-import-file",
         {"admin-import-upload.contents": "data:text/csv;base64," + base64.b64encode(
             "案号,立案日期\n".encode()).decode(), "admin-import-upload.filename": "案件.csv"},
         {"admin"}, "案件.csv"),
        ("undo an import", "admin-import-undo-msg", {"admin-import-undo.n_clicks": 1,
                                                     "admin-import-pick.value": 1}, {"admin"}, "批次"),
        ("audit search", "admin-audit-table", {"admin-audit-apply.n_clicks": 1}, {"admin"}, "越权访问被拒"),
        ("分流台 queue", "triage-queue", {"triage-rev.data": 0}, {"admin", "center"}, "规则建议"),
        ("分流台 action", "triage-msg", {"triage-primary.n_clicks": 1, "triage-selected.data": {"id": -1}},
         {"admin", "center"}, "不在分流队列中"),
        ("edit the 分流 rules", "admin-triage-msg",
         {"admin-triage-save.n_clicks": 1, "admin-triage-pick.value": "new", "admin-triage-name.value": "越权规则",
          "admin-triage-track.value": "simple", "admin-triage-reason.value": "全部简案",
          "admin-triage-conditions.value": "{}", "admin-triage-active.value": ["on"]}, {"admin"}, "已保存规则"),
        ("other team's 分流 outcome", "cases-title",
         {"cases-query.data": PERIOD | {"indicator": "simple_share", "part": "denominator",
                                        "scope": "team", "id": str(ids[B])}},
         {"admin", "center", "leader"}, ""),
        ("wall figures", "wall-tiles", {"wall-shown-version.data": 1}, {"admin", "center", "leader", "lead",
                                                                        "wall"}, ""),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_crafted_callback_posts_get_nothing_outside_the_scope(court, role: str) -> None:
    app, ids, engine = court
    client = client_as(app, engine, role, ids)
    client.get("/")  # Dash sets up its page router on the first request
    for label, output, values, allowed, secret in _attacks(ids):
        before = len(denied_entries(engine))
        status, body = post(client, payload(app, output, values))
        if role in allowed:
            assert status in (200, 204), (role, label, status, body[:300])
            assert secret in body, (role, label, body[:300])
            continue
        assert status in (200, 403), (role, label, status)
        if secret:
            assert secret not in body, (role, label)
        if label == "court analysis" and role in ("lead", "officer"):
            continue  # /analysis without a team opens the own level instead (see below)
        assert "无权查看" in body, (role, label, body[:300])
        entries = denied_entries(engine)[before:]
        assert entries and all(e.actor_role == role for e in entries), (role, label)
    with Session(engine) as session:
        made = session.scalars(select(AuditEntry).where(AuditEntry.action == "user_change",
                                                        AuditEntry.target == "mallory")).all()
    assert len(made) == (1 if role == "admin" else 0)


def test_in_scope_views_work_for_lead_and_officer(court) -> None:
    """Positive side of the scope: a lead sees the own team and its officers, an officer the own
    desk and cases; /analysis without parameters opens the own level, not the court."""
    app, ids, engine = court
    lead = client_as(app, engine, "lead", ids)
    lead.get("/")
    status, body = post(lead, payload(app, "analysis-crumbs", {"analysis-query.data": PERIOD | {"preset": "custom"}}))
    assert status == 200 and "简案一组" in body and "乙助理" in body and "无权查看" not in body
    assert "保全组" not in body and "测试法院" not in body  # neither the court's figures nor its grid
    status, body = post(lead, payload(app, "team-crumbs", {"team-query.data": {"path_id": str(ids[A]), "query": {}}}))
    assert status == 200 and "甲法官" in body and "无权查看" not in body
    officer = client_as(app, engine, "officer", ids)
    officer.get("/")
    status, body = post(officer, payload(app, "analysis-crumbs", {"analysis-query.data": {}}))
    assert status == 200 and "乙助理" in body and "甲法官" not in body and "无权查看" not in body
    status, body = post(officer, payload(app, "cases-title", {"cases-query.data": PERIOD | {
        "indicator": "accepted", "part": "numerator", "scope": "officer", "id": str(ids["乙助理"])}}))
    assert status == 200 and number("2022执2") in body and number("2021执1") not in body


def test_names_are_masked_in_lists_and_full_only_on_an_in_scope_case_page(court) -> None:
    app, ids, engine = court
    officer = client_as(app, engine, "officer", ids)
    officer.get("/")
    query = PERIOD | {"indicator": "accepted", "part": "numerator", "scope": "officer", "id": str(ids["乙助理"])}
    _, listing = post(officer, payload(app, "cases-title", {"cases-query.data": query}))
    assert "张**" in listing and "张三丰" not in listing and "包头***有限公司" in listing
    views = audit_count(engine, "case_view")
    _, page = post(officer, payload(app, "case-title", {"case-query.data": {"path_id": str(ids[CASE_A])}}))
    assert "张三丰" in page and "包头市某某建材有限公司" in page
    assert audit_count(engine, "case_view") == views + 1
    other = client_as(app, engine, "lead", ids)  # a lead of the case's team sees it too
    other.get("/")
    assert "张三丰" in post(other, payload(app, "case-title", {"case-query.data": {"path_id": str(ids[CASE_A])}}))[1]
    with session_scope(make_session_factory(engine)) as session:
        from db.auth.users import create_user
        create_user(session, "lead-b", "Test#pass-2026", "lead", team_id=ids[B])
    outsider = app.server.test_client()
    login(outsider, "lead-b", "Test#pass-2026")
    outsider.get("/")
    status, body = post(outsider, payload(app, "case-title", {"case-query.data": {"path_id": str(ids[CASE_A])}}))
    assert "无权查看" in body and "张三丰" not in body and "张**" not in body
    export = officer.get("/export/cases.xlsx?" + "&".join(f"{k}={v}" for k, v in query.items()))
    assert export.status_code == 200
    cells = [str(c.value) for row in load_workbook(io.BytesIO(export.data)).active.iter_rows() for c in row]
    assert "张**" in cells and "张三丰" not in " ".join(cells)


EXPORTS = {
    "team B analysis": ("/export/analysis.xlsx?preset=custom&start=2022-01-01&end=2022-06-30&team={B}",
                        {"admin", "center", "leader"}),
    "officer 甲 analysis": ("/export/analysis.xlsx?preset=custom&start=2022-01-01&end=2022-06-30"
                           "&officer={甲法官}", {"admin", "center", "leader", "lead"}),
    "team A analysis": ("/export/analysis.xlsx?preset=custom&start=2022-01-01&end=2022-06-30&team={A}",
                        {"admin", "center", "leader", "lead"}),
    "team B cases": ("/export/cases.xlsx?indicator=accepted&part=numerator&scope=team&id={B}"
                     "&start=2022-01-01&end=2022-06-30", {"admin", "center", "leader"}),
    "officer 乙 cases": ("/export/cases.xlsx?indicator=accepted&part=numerator&scope=officer&id={乙助理}"
                        "&start=2022-01-01&end=2022-06-30", {"admin", "center", "leader", "lead", "officer"}),
    "audit log": ("/export/audit.xlsx", {"admin"}),
    "import template": ("/export/import-template.xlsx", {"admin"}),
}


@pytest.mark.parametrize("role", ROLES)
def test_exports_follow_the_scope_and_are_audited(court, role: str) -> None:
    app, ids, engine = court
    client = client_as(app, engine, role, ids)
    for label, (template, allowed) in EXPORTS.items():
        url = template.format(A=ids[A], B=ids[B], 乙助理=ids["乙助理"], 甲法官=ids["甲法官"])
        exports, denials = audit_count(engine, "export"), len(denied_entries(engine))
        response = client.get(url)
        if role in allowed:
            assert response.status_code == 200, (role, label, response.get_data(as_text=True)[:200])
            assert audit_count(engine, "export") == exports + 1
        else:
            assert response.status_code == 403, (role, label, response.status_code)
            assert "无权查看" in response.get_data(as_text=True)
            assert audit_count(engine, "export") == exports
            assert len(denied_entries(engine)) == denials + 1


def test_navigation_and_home_cards_show_only_what_the_role_may_open(court) -> None:
    app, ids, engine = court
    for role, present, absent in (
        ("officer", ["会商分析"], ["用户管理", "指挥中心大屏", "督办团队", "会议模式"]),
        ("admin", ["用户管理", "会商分析", "会议模式"], []),
        ("lead", ["会商分析", "督办", "会议模式"], ["用户管理"]),
    ):
        client = client_as(app, engine, role, ids)
        shell = client.get("/_dash-layout").get_data(as_text=True)
        nav = json.loads(shell)
        text = json.dumps(nav, ensure_ascii=False)
        for name in present:
            assert f'"children": "{name}"' in text, (role, name)
        for name in absent:
            assert f'"children": "{name}"' not in text, (role, name)
        status, body = post(client, payload(app, "home-sections", {"home-load.n_intervals": 0}))
        cards = {s for s in ("wall", "analysis", "team", "supervision") if f'"data-section": "{s}"' in body}
        expected = {"officer": {"analysis", "supervision"}, "admin": {"wall", "analysis", "team"},
                    "lead": {"wall", "analysis", "team", "supervision"}}[role]
        assert status == 200 and cards == expected, (role, cards)
        if role == "lead":
            assert "保全组" not in body and "简案一组" in body  # own team only on the home page


def test_the_callback_key_cannot_be_hidden_behind_harmless_outputs(court) -> None:
    """Dash runs the callback named by `output`; listing only shell outputs must not smuggle a
    court-level render past the guard, and a body without a callback key is refused."""
    app, ids, engine = court
    wall = client_as(app, engine, "wall", ids)
    wall.get("/wall")
    body = payload(app, "cases-title", {"cases-query.data": PERIOD | {
        "indicator": "accepted", "part": "numerator", "scope": "court"}})
    body["outputs"] = [{"id": "shell-root", "property": "className"}]
    status, text = post(wall, body)
    assert status == 403 and "无权查看" in text and number("2021执1") not in text
    status, text = post(wall, {"outputs": {"id": "shell-root", "property": "className"}, "inputs": []})
    assert status == 403
    swapped = router("/wall")  # the router's inputs go by position: a path hidden in "search"
    swapped["inputs"][1]["value"] = "/cases"
    swapped["inputs"].reverse()
    status, text = post(wall, swapped)
    assert status == 403 and "/cases" in text
    assert len(denied_entries(engine, "大屏")) == 3
    for odd in ("//admin/users", "/Admin/users", "/admin//users", "/./admin/users", "/wall/../admin/users",
                "/%61dmin/users", "/admin/users/"):
        assert post(wall, router(odd))[0] == 403, odd
        assert wall.get(odd).status_code in (302, 403), odd  # never the page (302: "//x" names a host)
