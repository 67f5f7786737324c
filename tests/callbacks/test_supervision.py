"""/supervision through its callbacks: issue, answer, close, send back with server-side permission
refusals; filters in the URL; the export equals the screen; the officer page's list."""
from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import parse_qsl

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from callbacks.desk import supervision as cb
from callbacks.desk import supervision_data as data
from callbacks.desk.supervision_data import supervision_workbook
from db.auth import audit
from db.auth.access import Principal
from db.models import SupervisionOrder, SupervisionStep
from tests.auth_helpers import make_user
from tests.db.test_case_queries import TODAY, number

DUE = (TODAY + dt.timedelta(days=7)).isoformat()


def principal_of(user: Any) -> Principal:
    return Principal(user.id, user.username, user.username, user.role, user.team_id, user.officer_id)


@pytest.fixture
def court(desk_app, sqlite_engine) -> dict[str, Any]:
    """The desk court with one user per role that matters here."""
    _app, ids = desk_app
    users = {
        "center": make_user(sqlite_engine, "center", username="zhihui"),
        "leader": make_user(sqlite_engine, "leader", username="lingdao"),
        "lead_a": make_user(sqlite_engine, "lead", username="zuzhang", team_id=ids["简案一组"]),
        "yi": make_user(sqlite_engine, "officer", username="yi", officer_id=ids["乙助理"], team_id=ids["简案一组"]),
        "bing": make_user(sqlite_engine, "officer", username="bing", officer_id=ids["丙法官"],
                          team_id=ids["保全组"]),
    }
    return {"ids": ids, "users": users, "engine": sqlite_engine}


def as_user(court: dict[str, Any], who: str | None) -> None:
    g.principal = principal_of(court["users"][who]) if who else None


def issue(kind: str = "case", **form: Any) -> tuple[Any, Any]:
    fields = {"case_number": number("2022执2"), "node": None, "team": None, "officer": None,
              "subject": "执行通知书超期未发出", "due": DUE, "reason": "节点超期"} | form
    return cb.submit_issue(1, kind, fields["case_number"], fields["node"], fields["team"], fields["officer"],
                           fields["subject"], fields["due"], fields["reason"], {})


def new_id(search: str) -> int:
    return int(dict(parse_qsl(search.lstrip("?")))["order"])


def act(action: str, order_id: int, note: str = "已处理") -> str:
    msg, rev, cleared = cb.run_action(action, note, {"order": str(order_id)}, 0)
    assert (rev, cleared) == ((1, "") if msg.className == "sv-ok" else (cb.no_update, cb.no_update))
    return msg.children


def steps(court: dict[str, Any], order_id: int) -> list[tuple[str, int | None]]:
    with Session(court["engine"]) as s:
        return [(x.status, x.actor_id) for x in s.scalars(
            select(SupervisionStep).where(SupervisionStep.order_id == order_id).order_by(SupervisionStep.id))]


def test_issue_answer_send_back_close_through_the_callbacks(court) -> None:
    u = court["users"]
    as_user(court, "center")
    msg, search = issue("node", node="notice")
    assert msg.children.startswith("已下发督办")
    oid = new_id(search)
    with Session(court["engine"]) as s:
        order = s.get(SupervisionOrder, oid)
        assert (order.issued_by, order.node_key, order.officer_id) == (u["center"].id, "notice", court["ids"]["乙助理"])
    as_user(court, "yi")  # addressed to 乙助理: may answer
    assert act("answer", oid, "已于当日发出执行通知书") == "已反馈，当前状态：已反馈"
    as_user(court, "center")
    assert act("send_back", oid, "请补充送达回证") == "已退回重办，当前状态：已下发"
    as_user(court, "lead_a")  # the team lead answers for the team
    assert act("answer", oid, "已补充送达回证") == "已反馈，当前状态：已反馈"
    as_user(court, "center")
    assert act("close", oid, "同意办结") == "已办结，当前状态：已办结"
    assert steps(court, oid) == [("issued", u["center"].id), ("answered", u["yi"].id), ("issued", u["center"].id),
                                 ("answered", u["lead_a"].id), ("closed", u["center"].id)]
    facts, history, *styles = cb.render_detail({"order": str(oid)})
    text = str(history)
    assert "同意办结" in text and "zuzhang" in text and "zhihui" in text
    assert styles == [cb.HIDDEN] * 3  # closed: nothing left to do
    with Session(court["engine"]) as s:
        logged = [(e["action"], e["outcome"]) for e in audit.search(s, text=f"督办 {oid}")]
    assert ("supervision_issue", "ok") in logged and ("supervision_close", "ok") in logged


def test_permission_refusals_are_enforced_on_the_server(court) -> None:
    as_user(court, "center")
    oid = new_id(issue("officer", officer=str(court["ids"]["乙助理"]), case_number="")[1])
    before = steps(court, oid)

    as_user(court, "leader")  # 领导: read only
    msg, search = issue()
    assert "无权下发督办" in msg.children and search is cb.no_update
    as_user(court, None)
    assert "请先登录" in issue()[0].children
    as_user(court, "bing")  # another team's officer: not his order, and not in his scope
    assert "不在您的查看范围内" in act("answer", oid)
    as_user(court, "lead_a")  # a lead may answer for the team, but not close
    assert act("answer", oid, "已约谈") == "已反馈，当前状态：已反馈"
    assert "无权办结督办" in act("close", oid)
    assert "无权退回督办" in act("send_back", oid)
    as_user(court, "yi")
    assert "不能反馈" in act("answer", oid)  # already answered: the life cycle refuses
    assert steps(court, oid) == [*before, ("answered", court["users"]["lead_a"].id)]
    with Session(court["engine"]) as s:
        denied = [e for e in audit.search(s, text=f"督办 {oid}") if e["outcome"] == "denied"]
    assert {e["action"] for e in denied} == {"supervision_answer", "supervision_close", "supervision_return"}


def test_form_validation_names_the_field(court) -> None:
    as_user(court, "center")
    assert "案号“（2099）内0221执9号”不存在" in issue(case_number="（2099）内0221执9号")[0].children
    assert "请填写办理期限" in issue(due="")[0].children
    assert "不能早于今天" in issue(due="2022-08-01")[0].children
    assert "节点督办请选择节点" in issue("node")[0].children
    assert "督办事项不能为空" in issue(subject="  ")[0].children
    assert "请选择团队" in issue("team", case_number="")[0].children
    with Session(court["engine"]) as s:
        assert s.scalar(select(SupervisionOrder.id)) is None


def _seed_orders(court: dict[str, Any]) -> dict[str, int]:
    ids = court["ids"]
    as_user(court, "center")
    made = {
        # answered now (real clock) and due in 2030: closed on time whatever the pinned TODAY
        "case": new_id(issue(subject="长期未结 约谈申请人", due="2030-01-01")[1]),
        "team_b": new_id(issue("team", team=str(ids["保全组"]), case_number="", subject="保全率偏低")[1]),
        "officer": new_id(issue("officer", officer=str(ids["甲法官"]), case_number="", subject="案款未发放",
                                due=TODAY.isoformat())[1]),
    }
    as_user(court, "yi")
    act("answer", made["case"], "已约谈")
    return made


def grid_ids(query: dict[str, Any]) -> list[int]:
    error, _stats, _summary, rows, _href = cb.render_list(query)
    assert error is None
    return [r["id"] for r in rows]


def test_filters_from_the_url(court) -> None:
    made = _seed_orders(court)
    as_user(court, "center")
    assert grid_ids({}) == [made["officer"], made["team_b"], made["case"]]
    assert grid_ids({"status": "answered"}) == [made["case"]]
    assert grid_ids({"status": "open"}) == [made["officer"], made["team_b"], made["case"]]
    assert grid_ids({"team": str(court["ids"]["保全组"])}) == [made["team_b"]]
    assert grid_ids({"officer": str(court["ids"]["甲法官"])}) == [made["officer"]]
    assert grid_ids({"kind": "team"}) == [made["team_b"]]
    assert grid_ids({"q": "约谈"}) == [made["case"]]
    assert grid_ids({"q": "2022）内0221执2"}) == [made["case"]]
    assert grid_ids({"dfrom": TODAY.isoformat(), "dto": TODAY.isoformat()}) == [made["officer"]]
    issued_today = court_today_issued()
    assert grid_ids({"ifrom": issued_today, "ito": issued_today}) == [made["officer"], made["team_b"], made["case"]]
    assert grid_ids({"ito": "2000-01-01"}) == []
    error = cb.render_list({"status": "late"})[0]
    assert "状态“late”无效" in str(error)
    assert "晚于" in str(cb.render_list({"dfrom": "2022-09-01", "dto": "2022-08-01"})[0])
    # apply writes exactly the typed filters to the URL
    search = cb.apply_filters(1, "open", "3", None, "case", None, None, "2022-08-01", None, " 约谈 ", {"case": "7"})
    assert dict(parse_qsl(search.lstrip("?"))) == {"status": "open", "team": "3", "case": "7", "kind": "case",
                                                   "dfrom": "2022-08-01", "q": "约谈"}


def court_today_issued() -> str:
    """Orders are issued now (real clock); their court-local date is today's in Asia/Shanghai."""
    return dt.datetime.now(data.zone()).date().isoformat()


def test_scope_narrows_list_statistics_and_detail(court) -> None:
    made = _seed_orders(court)
    as_user(court, "lead_a")
    assert grid_ids({}) == [made["officer"], made["case"]]  # 简案一组 only
    assert {r["name"] for r in data.team_statistics()} == {"简案一组"}
    error = cb.render_detail({"order": str(made["team_b"])})[0]
    assert "不在您的查看范围内" in str(error)
    as_user(court, "yi")
    assert grid_ids({}) == [made["case"]]
    as_user(court, None)
    assert grid_ids({}) == []


def test_statistics_per_team(court) -> None:
    made = _seed_orders(court)
    as_user(court, "center")
    act("close", made["case"], "办结")
    stats = {r["name"]: r for r in data.team_statistics()}
    a = stats["简案一组"]
    assert (a["total"], a["open"], a["closed"], a["closed_on_time"], a["on_time_rate"]) == (2, 1, 1, 1, "100.00%")
    assert stats["保全组"]["open"] == 1 and stats["合计"]["total"] == 3


def test_export_rows_equal_screen_rows(court, desk_app) -> None:
    _seed_orders(court)
    as_user(court, "center")
    app, _ids = desk_app
    for query in ({}, {"status": "open", "kind": "case"}, {"q": "案款"}):
        _e, _s, _m, rows, href = cb.render_list(query)
        assert href.startswith("/export/supervision.xlsx")
        body, name = supervision_workbook(query)
        assert name.endswith(".xlsx")
        sheet = load_workbook(io.BytesIO(body)).active
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        head = values.index(["编号", "状态", "督办事项", "对象", "案号", "节点", "团队", "承办人", "下发人", "下发时间",
                             "办理期限", "剩余天数", "理由"])
        exported = [r for r in values[head + 1:] if isinstance(r[0], int)]
        assert [(r[0], r[1], r[2], r[7] or "", f"{r[9]:%Y-%m-%d %H:%M}", r[11]) for r in exported] == [
            (x["id"], x["status_label"], x["subject"], x["officer_name"], x["issued_at"], x["days_left"])
            for x in rows]
        assert all(isinstance(r[10], dt.datetime) for r in exported)  # dates stay dates
        assert all(isinstance(r[9], dt.datetime) for r in exported)  # … and times are times
    with app.server.test_client() as client:
        assert client.get("/export/supervision.xlsx?status=bogus").status_code in (400, 401, 403)


def test_officer_page_lists_the_officers_orders(court) -> None:
    made = _seed_orders(court)
    as_user(court, "center")
    rows = cb.officer_orders({"path_id": str(court["ids"]["甲法官"])})
    assert [r["id"] for r in rows] == [made["officer"]]
    assert rows[0]["id__href"].endswith(f"order={made['officer']}")
    assert cb.officer_orders({"path_id": "abc"}) == []


def test_choices_and_prefilled_case(court) -> None:
    as_user(court, "center")
    out = cb.render_choices({"new": "node", "case": str(court["ids"]["case:2022执2"]), "node": "notice"})
    status, teams, officers, kinds, _k, nodes, _t, _o, case_number, *prefill = out
    assert prefill == ["node", "notice", None, None]  # 对象 and 节点 from the link that opened the form
    assert [s["value"] for s in status] == ["open", "issued", "answered", "overdue", "closed"]
    assert {t["label"] for t in teams} == {"简案一组", "保全组", "繁案空组"}
    assert "戊退休" not in str(officers) and {k["value"] for k in kinds} == {"node", "case", "officer", "team"}
    assert "notice" in {n["value"] for n in nodes} and case_number == number("2022执2")


def test_prefill_follows_the_link_that_opened_the_form(court) -> None:
    ids = court["ids"]
    as_user(court, "center")
    team = str(ids["简案一组"])
    assert cb.render_choices({"new": "team", "team": team})[-4:] == ("team", None, team, None)
    officer = str(ids["乙助理"])
    assert cb.render_choices({"new": "officer", "officer": officer})[-4:] == ("officer", None, None, officer)
    assert cb.render_choices({"new": "case", "case": str(ids["case:2022执2"])})[-4:] == ("case", None, None, None)
    # an unknown node or kind is not offered as a value the dropdown does not hold
    assert cb.render_choices({"new": "bogus", "node": "nope"})[-4:] == ("case", None, None, None)
    assert cb.render_choices({"status": "open"})[-4:] == (cb.no_update,) * 4  # no form asked for: untouched


@pytest.mark.parametrize(("who", "shown"), [("center", True), ("leader", False), ("lead_a", False),
                                            ("yi", False)])
def test_issue_form_and_link_only_for_who_may_issue(court, who: str, shown: bool) -> None:
    as_user(court, who)
    link, form = cb.issue_access({"new": "node", "node": "notice"})
    assert (link == "btn", form == {}) == (shown, shown), (who, link, form)
    assert cb.issue_access({})[1] == {"display": "none"}  # no ?new: the form stays closed for everyone
