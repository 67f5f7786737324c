"""Court hierarchy attacks (issue #21): users of one court never reach another court's data.

Two 中院 on the three databases: 甲 (A) with the basic courts 甲一 (A1) and 甲二 (A2), and 乙 (B)
with 乙一 (B1); each court has a team, an officer, a case with parties and a 督办. The attackers
are a 中院-A 指挥中心 user, a 领导 and an admin of A (they attack B), and a 指挥中心 user of the
basic court A1 (it attacks A2 and B). Every request goes through the real app with a signed-in
test client: page URLs, crafted callback POSTs (tests/callbacks/test_access.py helpers), the xlsx
exports, the 督办 list, pickers and actions, and the admin pages. Each attack must be refused
(Chinese message, audited like the existing refusals) and its answer must hold none of the
target's names, case numbers or 督办 subjects.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.app import create_app
from db.auth.users import create_user
from db.auth.wall_tokens import issue_wall_token
from db.models import (
    Campaign,
    Case,
    CaseParty,
    Court,
    Officer,
    SupervisionOrder,
    Team,
    User,
)
from db.models.auth import AuditEntry, WallToken
from db.models.imports import ImportBatch
from db.session import make_session_factory, session_scope
from db.supervision import orders as sv
from tests.auth_helpers import PASSWORD, login
from tests.callbacks.test_access import denied_entries, payload, post, router
from tests.db.test_case_queries import TODAY

PERIOD = {"start": "2022-01-01", "end": "2022-06-30"}
# tag: (code, name, level, parent tag)
COURTS = {
    "A": ("内02", "甲市中级人民法院", "intermediate", None),
    "A1": ("内0221", "甲一区人民法院", "basic", "A"),
    "A2": ("内0222", "甲二县人民法院", "basic", "A"),
    "B": ("内05", "乙市中级人民法院", "intermediate", None),
    "B1": ("内0521", "乙一区人民法院", "basic", "B"),
}
TREE = {"A": ("A", "A1", "A2"), "A1": ("A1",), "B": ("B", "B1")}


def team_name(tag: str) -> str:
    return f"执行{tag}组"


def officer_name(tag: str) -> str:
    return f"承办{tag}法官"


def case_number(tag: str) -> str:
    return f"（2022）{COURTS[tag][0]}执{len(tag)}号"


def new_number(tag: str) -> str:
    """A new case of the court not yet 分案 (the 分流台's queue)."""
    return f"（2022）{COURTS[tag][0]}执10{len(tag)}号"


def campaign(tag: str) -> str:
    return f"专项{tag}行动"


def subject(tag: str) -> str:
    return f"督办{tag}事项"


def applicant(tag: str) -> str:
    return f"申请人{tag}某某"


def secrets(tag: str) -> list[str]:
    """What must never reach a user who may not see court `tag`."""
    return [team_name(tag), officer_name(tag), case_number(tag), subject(tag), applicant(tag), new_number(tag),
            campaign(tag)]


def seed_region(engine: Engine) -> dict[str, Any]:
    """The two 中院 and their courts; ids by "court:A", "team:A", "officer:A", "case:A", "order:A"."""
    ids: dict[str, Any] = {}
    with session_scope(make_session_factory(engine)) as s:
        for order, (tag, (code, name, level, parent)) in enumerate(COURTS.items()):
            court = Court(code=code, name=name, short_name=name[:4], level=level,
                          parent_id=ids[f"court:{parent}"] if parent else None, sort_order=order)
            s.add(court)
            s.flush()
            team = Team(court_id=court.id, name=team_name(tag), kind="simple", active=True)
            s.add(team)
            s.flush()
            officer = Officer(court_id=court.id, team_id=team.id, name=officer_name(tag), role="judge")
            s.add(officer)
            s.flush()
            case = Case(court_id=court.id, case_number=case_number(tag), year=2022, court_code=code,
                        type_code="执", serial=len(tag), category="first", filed_on=dt.date(2022, 3, 1),
                        team_id=team.id, officer_id=officer.id, track="simple")
            s.add(case)
            s.flush()
            s.add(CaseParty(case_id=case.id, role="applicant", kind="natural", name=applicant(tag)))
            s.add(Case(court_id=court.id, case_number=new_number(tag), year=2022, court_code=code, type_code="执",
                       serial=100 + len(tag), category="first", filed_on=dt.date(2022, 8, 1), track="simple"))
            drive = Campaign(court_id=court.id, name=campaign(tag), started_on=dt.date(2022, 7, 1),
                             ended_on=dt.date(2022, 9, 30), scope="{}", targets="{}")
            s.add(drive)
            s.flush()
            ids[f"campaign:{tag}"] = drive.id
            ids |= {f"court:{tag}": court.id, f"team:{tag}": team.id, f"officer:{tag}": officer.id,
                    f"case:{tag}": case.id}
        root = create_user(s, "region-root", PASSWORD, "admin")
        s.flush()
        for tag in COURTS:
            ids[f"order:{tag}"] = sv.issue(s, target_kind="case", subject=subject(tag),
                                           due_on=TODAY + dt.timedelta(days=30), actor_id=root.id,
                                           case_id=ids[f"case:{tag}"], today=TODAY)
        users = {"centerA": ("center", "A"), "leaderA": ("leader", "A"), "adminA": ("admin", "A"),
                 "centerA1": ("center", "A1"), "centerAll": ("center", None), "userB": ("leader", "B"),
                 "userA2": ("leader", "A2")}
        for name, (role, tag) in users.items():
            create_user(s, name, PASSWORD, role, court_id=ids[f"court:{tag}"] if tag else None)
        for tag in ("A", "B"):
            ids[f"token:{tag}"] = issue_wall_token(s, f"{tag}大屏", None, ids[f"court:{tag}"])[0]
    return ids


@pytest.fixture
def region(engine: Engine, backend: str, migrated_urls: dict[str, str]
           ) -> Iterator[tuple[dash.Dash, dict[str, Any], Engine]]:
    ids = seed_region(engine)
    app = create_app({"DATABASE_URL": migrated_urls[backend], "CACHE_URL": "null://",
                      "SCHEDULER_ENABLED": False, "TODAY": TODAY.isoformat()})
    yield app, ids, engine
    app.server.extensions["dashboard"].engine.dispose()


def signed_in(app: dash.Dash, username: str) -> Any:
    client = app.server.test_client()
    assert login(client, username).status_code == 302, username
    client.get("/")  # Dash sets up its page router on the first request
    return client


# attacker → (the courts it attacks, the courts it must see)
ATTACKERS = {
    "centerA": (("B", "B1"), ("A", "A1", "A2")),
    "leaderA": (("B", "B1"), ("A", "A1", "A2")),
    "adminA": (("B", "B1"), ("A", "A1", "A2")),
    "centerA1": (("A2", "B", "B1"), ("A1",)),
}


def _clean(body: str, tags: tuple[str, ...], where: str) -> None:
    leaked = [s for tag in tags for s in secrets(tag) if s in body]
    assert not leaked, (where, leaked, body[:300])


def _audited(engine: Engine, before: int, username: str, where: str) -> int:
    entries = denied_entries(engine)
    assert len(entries) > before and all(e.actor == username for e in entries[before:]), where
    return len(entries)


@pytest.mark.parametrize("username", ATTACKERS)
def test_page_urls_of_other_courts_are_refused_and_audited(region, username: str) -> None:
    app, ids, engine = region
    client = signed_in(app, username)
    targets, own = ATTACKERS[username]
    for tag in targets:
        for kind in ("team", "officer", "case"):
            path = f"/{kind}/{ids[f'{kind}:{tag}']}"
            before = len(denied_entries(engine))
            response = client.get(path)
            text = response.get_data(as_text=True)
            assert response.status_code == 403 and "无权查看" in text, (username, path, response.status_code)
            _clean(text, targets, path)
            status, body = post(client, router(path))
            assert status == 403 and "无权查看" in body, (username, path, status)
            _clean(body, targets, path)
            _audited(engine, before, username, path)
    for tag in own:  # … and the own courts' pages open
        for kind in ("team", "officer", "case"):
            path = f"/{kind}/{ids[f'{kind}:{tag}']}"
            assert client.get(path).status_code == 200, (username, path)


def _callbacks(ids: dict[str, Any], tag: str) -> list[tuple[str, str, dict[str, Any]]]:
    team, officer, case = (str(ids[f"{k}:{tag}"]) for k in ("team", "officer", "case"))
    return [
        ("team desk", "team-crumbs", {"team-query.data": {"path_id": team, "query": {}}}),
        ("officer desk", "officer-crumbs", {"officer-query.data": {"path_id": officer, "query": {}}}),
        ("case page", "case-title", {"case-query.data": {"path_id": case}}),
        ("team analysis", "analysis-crumbs", {"analysis-query.data": PERIOD | {"preset": "custom", "team": team}}),
        ("team case list", "cases-title", {"cases-query.data": PERIOD | {
            "indicator": "accepted", "part": "numerator", "scope": "team", "id": team}}),
        ("officer case list", "cases-title", {"cases-query.data": PERIOD | {
            "indicator": "accepted", "part": "numerator", "scope": "officer", "id": officer}}),
    ]


@pytest.mark.parametrize("username", ATTACKERS)
def test_crafted_callbacks_for_other_courts_get_nothing(region, username: str) -> None:
    app, ids, engine = region
    client = signed_in(app, username)
    targets, own = ATTACKERS[username]
    for tag in targets:
        for label, output, values in _callbacks(ids, tag):
            before = len(denied_entries(engine))
            status, body = post(client, payload(app, output, values))
            assert status in (200, 403) and "无权查看" in body, (username, tag, label, body[:300])
            _clean(body, targets, f"{tag} {label}")
            _audited(engine, before, username, f"{tag} {label}")
    for label, output, values in _callbacks(ids, own[-1]):  # the own court's answer has the data
        status, body = post(client, payload(app, output, values))
        assert status == 200 and "无权查看" not in body, (username, label, body[:300])


@pytest.mark.parametrize("username", ATTACKERS)
def test_exports_of_other_courts_are_refused(region, username: str) -> None:
    app, ids, engine = region
    client = signed_in(app, username)
    targets, own = ATTACKERS[username]
    for tag in targets:
        team, officer = ids[f"team:{tag}"], ids[f"officer:{tag}"]
        for url in (f"/export/analysis.xlsx?preset=custom&start=2022-01-01&end=2022-06-30&team={team}",
                    f"/export/cases.xlsx?indicator=accepted&part=numerator&scope=team&id={team}"
                    "&start=2022-01-01&end=2022-06-30",
                    f"/export/cases.xlsx?indicator=accepted&part=numerator&scope=officer&id={officer}"
                    "&start=2022-01-01&end=2022-06-30"):
            before = len(denied_entries(engine))
            response = client.get(url)
            text = response.get_data(as_text=True)
            assert response.status_code == 403 and "无权查看" in text, (username, url, response.status_code)
            _clean(text, targets, url)
            _audited(engine, before, username, url)
    own_team = ids[f"team:{own[-1]}"]
    response = client.get(f"/export/cases.xlsx?indicator=accepted&part=numerator&scope=team&id={own_team}"
                          "&start=2022-01-01&end=2022-06-30")
    assert response.status_code == 200
    cells = _cells(response.data)
    assert case_number(own[-1]) in cells
    _clean(cells, targets, "own export")


def _cells(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return " ".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
                    for c in row if c.value is not None)


SUPERVISORS = ("centerA", "centerA1")


@pytest.mark.parametrize("username", SUPERVISORS)
def test_supervision_list_pickers_and_export_hold_only_the_own_courts(region, username: str) -> None:
    app, ids, engine = region
    client = signed_in(app, username)
    targets, own = ATTACKERS[username]
    status, listing = post(client, payload(app, "supervision-summary", {"supervision-query.data": {}}))
    assert status == 200
    assert all(subject(tag) in listing for tag in own), listing[:500]
    _clean(listing, targets, "supervision list")
    status, pickers = post(client, payload(app, "supervision-f-status", {"supervision-query.data": {}}))
    assert status == 200 and all(team_name(tag) in pickers and officer_name(tag) in pickers for tag in own)
    _clean(pickers, targets, "supervision pickers")
    for tag in targets:  # a filter on another court's team, officer or case shows nothing of it
        for key in ("team", "officer", "case"):
            query = {key: str(ids[f"{key}:{tag}"])}
            status, body = post(client, payload(app, "supervision-summary", {"supervision-query.data": query}))
            assert status == 200
            _clean(body, targets, f"filter {key}")
        status, body = post(client, payload(app, "supervision-f-status", {"supervision-query.data": {
            "new": "1", "case": str(ids[f"case:{tag}"])}}))
        _clean(body, targets, "issue form pre-fill")
    export = client.get("/export/supervision.xlsx")
    assert export.status_code == 200
    cells = _cells(export.data)
    assert all(subject(tag) in cells for tag in own)
    _clean(cells, targets, "supervision export")


def _orders(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(SupervisionOrder)) or 0


def _issue(ids: dict[str, Any], kind: str, tag: str) -> dict[str, Any]:
    form = {"supervision-new-submit.n_clicks": 1, "supervision-new-kind.value": kind,
            "supervision-new-subject.value": "越权督办", "supervision-new-due.date": (TODAY + dt.timedelta(days=9)).isoformat(),
            "supervision-new-reason.value": "测试", "supervision-query.data": {}}
    if kind == "case":
        form["supervision-new-case.value"] = case_number(tag)
    else:
        form[f"supervision-new-{kind}.value"] = str(ids[f"{kind}:{tag}"])
    return form


def _refusals(engine: Engine, action: str) -> list[AuditEntry]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action,
                                                             AuditEntry.outcome == "denied")))


@pytest.mark.parametrize("username", SUPERVISORS)
def test_supervision_actions_on_other_courts_are_refused(region, username: str) -> None:
    app, ids, engine = region
    client = signed_in(app, username)
    targets, own = ATTACKERS[username]
    before = _orders(engine)
    for tag in targets:
        for kind in ("case", "team", "officer"):
            refused = len(_refusals(engine, "supervision_issue"))
            status, body = post(client, payload(app, "supervision-new-msg", _issue(ids, kind, tag)))
            assert status == 200 and "不存在" in body and "已下发" not in body, (username, tag, kind, body[:300])
            assert len(_refusals(engine, "supervision_issue")) == refused + 1, (tag, kind)
        for button in ("supervision-close", "supervision-send-back", "supervision-answer"):
            refused = len(_refusals(engine, "supervision_close")) + len(_refusals(engine, "supervision_return")) \
                + len(_refusals(engine, "supervision_answer"))
            status, body = post(client, payload(app, "supervision-action-msg", {
                f"{button}.n_clicks": 1, "supervision-note.value": "越权",
                "supervision-query.data": {"order": str(ids[f"order:{tag}"])}}))
            assert status == 200 and "不在您的查看范围内" in body, (username, tag, button, body[:300])
            _clean(body, targets, button)
            after = len(_refusals(engine, "supervision_close")) + len(_refusals(engine, "supervision_return")) \
                + len(_refusals(engine, "supervision_answer"))
            assert after == refused + 1
        status, body = post(client, payload(app, "supervision-detail", {
            "supervision-query.data": {"order": str(ids[f"order:{tag}"])}}))
        _clean(body, targets, "order detail")
    assert _orders(engine) == before  # nothing was issued
    status, body = post(client, payload(app, "supervision-new-msg", _issue(ids, "case", own[-1])))
    assert "已下发督办" in body, body[:300]
    assert _orders(engine) == before + 1


def _user(engine: Engine, username: str) -> User:
    with Session(engine) as session:
        found = session.scalars(select(User).where(User.username == username)).one()
        session.expunge(found)
        return found


def _admin_form(**values: Any) -> dict[str, Any]:
    return {f"admin-users-{k}.value" if k != "add" and k != "save" else f"admin-users-{k}.n_clicks": v
            for k, v in values.items()}


def test_an_admin_of_a_court_manages_only_its_courts_users_and_tokens(region) -> None:
    app, ids, engine = region
    client = signed_in(app, "adminA")
    status, table = post(client, payload(app, "admin-users-table", {"admin-users-rev.data": 0}))
    assert status == 200 and "userA2" in table and "centerA1" in table and "甲二县人民法院" in table
    assert "userB" not in table and "centerAll" not in table and "乙市中级人民法院" not in table
    assert "region-root" not in table and "本系统全部法院" not in table  # not offered to a court's admin
    status, filled = post(client, payload(app, "admin-users-username", {"admin-users-pick.value": "userB"}))
    assert status == 204 or ("乙" not in filled and "leader" not in filled), filled[:300]  # no_update
    attacks = [
        ("edit a B user", _admin_form(save=1, pick="userB", role="center", court=ids["court:A"])),
        ("move a user to B", _admin_form(save=1, pick="userA2", role="leader", court=ids["court:B"])),
        ("make a user of every court", _admin_form(save=1, pick="userA2", role="leader", court="")),
        ("create a B user", _admin_form(add=1, username="mallory", password="Strong#pass-2026x",
                                        role="admin", court=ids["court:B"])),
        ("create a user of every court", _admin_form(add=1, username="mallory", password="Strong#pass-2026x",
                                                     role="admin", court=None)),
        ("reset a B password", {"admin-users-reset.n_clicks": 1, "admin-users-pick.value": "userB",
                                "admin-users-password.value": "Strong#pass-2026x"}),
        ("disable a B user", {"admin-users-disable.n_clicks": 1, "admin-users-pick.value": "userB"}),
    ]
    for label, values in attacks:
        before = len(denied_entries(engine))
        status, body = post(client, payload(app, "admin-users-msg", values))
        assert status == 200 and "不在您可管理的法院范围内" in body, (label, body[:300])
        assert "乙市" not in body
        _audited(engine, before, "adminA", label)
    b_user = _user(engine, "userB")
    assert (b_user.role, b_user.court_id, b_user.active) == ("leader", ids["court:B"], True)
    assert _user(engine, "userA2").court_id == ids["court:A2"]
    with Session(engine) as session:
        assert session.scalar(select(User.id).where(User.username == "mallory")) is None
    status, body = post(client, payload(app, "admin-users-msg", _admin_form(
        add=1, username="clerkA1", password="Strong#pass-2026x", role="leader", court=ids["court:A1"])))
    assert "已新增用户" in body and _user(engine, "clerkA1").court_id == ids["court:A1"]
    with Session(engine) as session:
        detail = session.scalars(select(AuditEntry.detail).where(AuditEntry.target == "clerkA1")).one()
    assert "甲一区人民法院" in detail  # the audit entry names the court
    # wall tokens: the list, issuing and revoking
    status, tokens = post(client, payload(app, "admin-tokens-table", {"admin-tokens-rev.data": 0}))
    assert "A大屏" in tokens and "B大屏" not in tokens
    before = len(denied_entries(engine))
    status, body = post(client, payload(app, "admin-tokens-issued", {
        "admin-tokens-issue.n_clicks": 1, "admin-tokens-screen.value": "偷看屏", "admin-tokens-court.value": ids["court:B"]}))
    assert "不在您可管理的法院范围内" in body and "/wall/token/" not in body
    status, body = post(client, payload(app, "admin-tokens-msg", {
        "admin-tokens-revoke.n_clicks": 1, "admin-tokens-pick.value": ids["token:B"]}))
    assert "不在您可管理的法院范围内" in body and "B大屏" not in body
    _audited(engine, before, "adminA", "tokens")
    with Session(engine) as session:
        assert session.get(WallToken, ids["token:B"]).revoked_at is None
        assert session.scalar(select(WallToken.id).where(WallToken.screen == "偷看屏")) is None
    status, body = post(client, payload(app, "admin-tokens-issued", {
        "admin-tokens-issue.n_clicks": 1, "admin-tokens-screen.value": "甲一屏", "admin-tokens-court.value": ids["court:A1"]}))
    assert "/wall/token/" in body


def test_the_court_options_are_the_admins_courts_indented_by_level(region) -> None:
    app, ids, engine = region
    court_admin = signed_in(app, "adminA")
    _, body = post(court_admin, payload(app, "admin-users-table", {"admin-users-rev.data": 0}))
    assert "\u3000甲一区人民法院" in body and "甲市中级人民法院" in body and "乙" not in body
    with session_scope(make_session_factory(engine)) as s:
        create_user(s, "rootadmin", PASSWORD, "admin")
    root = signed_in(app, "rootadmin")
    _, body = post(root, payload(app, "admin-users-table", {"admin-users-rev.data": 0}))
    assert "本系统全部法院" in body and "\u3000乙一区人民法院" in body and "userB" in body


def test_a_court_user_sees_its_courts_and_an_unrestricted_user_sees_all(region) -> None:
    app, ids, engine = region
    centre = signed_in(app, "centerA")
    for tag in ("A", "A1", "A2"):
        assert centre.get(f"/case/{ids[f'case:{tag}']}").status_code == 200
        status, body = post(centre, payload(app, "case-title", {"case-query.data": {"path_id": str(ids[f"case:{tag}"])}}))
        assert case_number(tag) in body and applicant(tag) in body
    everyone = signed_in(app, "centerAll")
    for tag in COURTS:
        status, body = post(everyone, payload(app, "case-title", {"case-query.data": {"path_id": str(ids[f"case:{tag}"])}}))
        assert case_number(tag) in body, tag
    status, listing = post(everyone, payload(app, "supervision-summary", {"supervision-query.data": {}}))
    assert all(subject(tag) in listing for tag in COURTS)


def test_changing_a_users_court_ends_its_sessions(region) -> None:
    app, ids, engine = region
    victim = signed_in(app, "userA2")
    assert victim.get("/_dash-dependencies").status_code == 200
    admin = signed_in(app, "adminA")
    status, body = post(admin, payload(app, "admin-users-msg", _admin_form(
        save=1, pick="userA2", role="leader", court=ids["court:A1"])))
    assert "已保存" in body, body[:300]
    assert victim.get("/_dash-dependencies").status_code != 200
    assert signed_in(app, "userA2").get(f"/case/{ids['case:A2']}").status_code == 403  # now A1 only


def test_the_triage_desk_lists_and_acts_on_the_own_courts_only(region) -> None:
    app, ids, engine = region
    client = signed_in(app, "centerA1")
    targets, own = ATTACKERS["centerA1"]
    status, queue = post(client, payload(app, "triage-queue", {"triage-rev.data": 0}))
    assert status == 200 and new_number("A1") in queue, queue[:300]
    _clean(queue, targets, "triage queue")
    for tag in targets:
        status, body = post(client, payload(app, "triage-detail", {"triage-selected.data": {"id": ids[f"case:{tag}"]}}))
        _clean(body, targets, "triage detail")
        status, body = post(client, payload(app, "triage-msg", {"triage-primary.n_clicks": 1,
                                                                "triage-selected.data": {"id": ids[f"case:{tag}"]}}))
        assert "不在分流队列中" in body, body[:300]
        _clean(body, targets, "triage action")


@pytest.mark.parametrize("username", ("centerA", "centerA1"))
def test_campaigns_of_other_courts_are_neither_listed_nor_opened(region, username: str) -> None:
    app, ids, engine = region
    client = signed_in(app, username)
    targets, own = ATTACKERS[username]
    status, listing = post(client, payload(app, "campaigns-list", {"campaigns-query.data": {}}))
    assert status == 200 and campaign(own[0]) in listing, listing[:300]
    _clean(listing, targets, "campaign list")
    for tag in targets:
        raw = str(ids[f"campaign:{tag}"])
        status, body = post(client, payload(app, "campaign-title", {"campaign-query.data": {"campaign_id": raw}}))
        assert "不存在" in body, body[:300]
        _clean(body, targets, "campaign page")
        for url in (f"/export/campaign/{raw}.xlsx", f"/export/campaign/{raw}/report"):
            response = client.get(url)
            assert response.status_code in (400, 403, 404), (url, response.status_code)
            _clean(response.get_data(as_text=True), targets, url)
    status, body = post(client, payload(app, "campaign-title", {"campaign-query.data": {
        "campaign_id": str(ids[f"campaign:{own[0]}"])}}))
    assert campaign(own[0]) in body


def test_an_admin_of_a_court_reads_only_its_courts_users_in_the_audit_log(region) -> None:
    app, ids, engine = region
    outsider = signed_in(app, "userB")  # a B user's refused request: an audit entry naming A's case
    assert outsider.get(f"/case/{ids['case:A']}").status_code == 403
    insider = signed_in(app, "userA2")
    assert insider.get(f"/case/{ids['case:B']}").status_code == 403
    admin = signed_in(app, "adminA")
    status, body = post(admin, payload(app, "admin-audit-table", {"admin-audit-apply.n_clicks": 1}))
    assert status == 200 and "userA2" in body and "userB" not in body, body[:300]
    export = admin.get("/export/audit.xlsx")
    assert export.status_code == 200
    cells = _cells(export.data)
    assert "userA2" in cells and "userB" not in cells and "centerAll" not in cells
    with session_scope(make_session_factory(engine)) as s:
        create_user(s, "rootadmin", PASSWORD, "admin")
    status, body = post(signed_in(app, "rootadmin"), payload(app, "admin-audit-table", {"admin-audit-apply.n_clicks": 1}))
    assert "userB" in body and "userA2" in body


def test_an_admin_of_a_court_sees_and_undoes_only_its_courts_import_batches(region) -> None:
    app, ids, engine = region
    with session_scope(make_session_factory(engine)) as s:
        for tag in ("A1", "B"):
            batch = ImportBatch(court_id=ids[f"court:{tag}"], actor="region-root", file_name=f"{tag}案件.xlsx",
                                started_at=dt.datetime(2022, 8, 1), finished_at=dt.datetime(2022, 8, 1), status="done")
            s.add(batch)
            s.flush()
            ids[f"batch:{tag}"] = batch.id
    admin = signed_in(app, "adminA")
    status, body = post(admin, payload(app, "admin-import-history", {"admin-import-rev.data": 0}))
    assert status == 200 and "A1案件.xlsx" in body and "B案件.xlsx" not in body, body[:300]
    before = len(denied_entries(engine))
    status, body = post(admin, payload(app, "admin-import-undo-msg", {
        "admin-import-undo.n_clicks": 1, "admin-import-pick.value": ids["batch:B"]}))
    assert "无权查看" in body and "B案件" not in body, body[:300]
    _audited(engine, before, "adminA", "undo")
    with Session(engine) as session:
        assert session.get(ImportBatch, ids["batch:B"]).status == "done"


def test_the_supervision_list_follows_the_court_switcher(region) -> None:
    """/supervision lists the 督办 of the court the desk pages show and the courts below it
    (list, team statistics, pickers and export alike), says so, and never widens the scope."""
    app, ids, engine = region
    centre = signed_in(app, "centerA")

    def listed(client: Any) -> tuple[str, str, str]:
        status, listing = post(client, payload(app, "supervision-summary", {"supervision-query.data": {}}))
        assert status == 200
        _, pickers = post(client, payload(app, "supervision-f-status", {"supervision-query.data": {}}))
        export = client.get("/export/supervision.xlsx")
        assert export.status_code == 200
        return listing, pickers, _cells(export.data)

    before = listed(centre)  # its own 中院: the whole 辖区, as before
    assert all(subject(tag) in part for tag in ("A", "A1", "A2") for part in (before[0], before[2]))
    assert centre.get(f"/court/{COURTS['A1'][0]}").status_code == 302
    listing, pickers, cells = listed(centre)
    assert subject("A1") in listing and subject("A1") in cells and team_name("A1") in pickers
    for text in (listing, pickers, cells):
        _clean(text, ("A", "A2", "B", "B1"), "switched to A1")
    assert "范围：甲一区人民法院的督办" in listing and "范围：甲一区人民法院的督办" in cells
    assert centre.get(f"/court/{COURTS['A'][0]}").status_code == 302
    assert "范围：甲市中级人民法院及其辖区法院的督办" in listed(centre)[0]
    # an order of another court of the 辖区 still opens by its link (the scope, not the list)
    centre.get(f"/court/{COURTS['A1'][0]}")
    status, body = post(centre, payload(app, "supervision-detail", {
        "supervision-query.data": {"order": str(ids["order:A2"])}}))
    assert status == 200 and subject("A2") in body
    everyone = signed_in(app, "centerAll")  # a user of every court narrows by switching
    assert all(subject(tag) in listed(everyone)[0] for tag in COURTS)
    assert everyone.get(f"/court/{COURTS['B'][0]}").status_code == 302
    listing = listed(everyone)[0]
    assert subject("B") in listing and subject("B1") in listing
    _clean(listing, ("A", "A1", "A2"), "everyone switched to B")
    basic = signed_in(app, "centerA1")  # a basic court's user cannot widen by the switcher
    assert basic.get(f"/court/{COURTS['A'][0]}").status_code == 403
    listing = listed(basic)[0]
    assert subject("A1") in listing
    _clean(listing, ("A", "A2", "B", "B1"), "basic court after a refused switch")
