"""Desk pages as functions: drill-down, links whose lists equal their numbers, bad URLs, round trips."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import g

from callbacks.desk import analysis, case, cases, officer, team, worklist
from callbacks.desk.lists import case_list
from callbacks.desk.params import ParamError, parse_period
from callbacks.desk.screens import analysis_screen, team_screen
from callbacks.desk.supervision_data import order_list
from tests.callbacks.conftest import COURT_VIEWER
from tests.db.test_case_queries import TODAY

HALF = {"preset": "custom", "start": "2022-01-01", "end": "2022-06-30"}


def query_of(href: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(href).query))


def listed(href: str, today: dt.date = TODAY) -> list[dict[str, Any]]:
    """The rows the link's page lists: a case list, or the 督办 list (as the court sees it)."""
    if urlsplit(href).path == "/supervision":
        return order_list(query_of(href), who=COURT_VIEWER).rows
    assert urlsplit(href).path == "/cases"
    return case_list(query_of(href), today).rows


def assert_lists_match(indicator_rows: list[dict[str, Any]]) -> int:
    """Every numerator/denominator link lists as many rows as the number (or sums to it)."""
    checked = 0
    for row in indicator_rows:
        for part in ("numerator", "denominator"):
            href, number = row[f"{part}__href"], row[part]
            if not href:
                continue
            rows = listed(href)
            if rows and "value" in rows[0]:
                assert sum(Decimal(str(r["value"])) for r in rows) == Decimal(str(number)), (row["key"], part)
            else:
                assert len(rows) == number, (row["key"], part, len(rows), number)
            checked += 1
        if row["compare__href"]:
            part = query_of(row["compare__href"])["part"]
            rows = listed(row["compare__href"])
            if not rows or "value" not in rows[0]:
                assert len(rows) == row[f"compare_{part}"], (row["key"], "compare", part)
                checked += 1
    return checked


def test_court_level_kpis_grid_and_every_link(desk_app) -> None:
    screen = analysis_screen(HALF, TODAY)
    assert screen.level == "court" and screen.title == "测试法院"
    assert [r["name"] for r in screen.grid] == ["简案一组", "保全组", "繁案空组"]
    assert {k["key"] for k in screen.kpis} >= {"closure_rate", "completion_rate"}
    closure = next(r for r in screen.indicators if r["key"] == "closure_rate")
    assert (closure["display"], closure["numerator"], closure["denominator"]) == ("70.00%", 7, 10)
    assert closure["delta_display"] == "+70.00个百分点"
    assert assert_lists_match(screen.indicators) >= 40
    assert screen.outlook and screen.outlook[0]["key"] == "closure_rate"
    for item in screen.outlook:
        assert len(listed(item["numerator__href"])) == item["numerator"]
        assert len(listed(item["denominator__href"])) == item["denominator"]


def test_every_team_grid_number_opens_as_many_cases(desk_app) -> None:
    screen = analysis_screen(HALF, TODAY)
    for row in screen.grid:
        drilled = analysis_screen(query_of(row["name__href"]), TODAY)
        assert drilled.level == "team" and drilled.focus_id == row["id"]
        assert_lists_match(drilled.indicators)
        by_key = {r["key"]: r for r in drilled.indicators}
        for key in ("accepted", "closed", "completed", "long_pending"):
            assert row[key] == by_key[key]["value"]
            assert len(listed(row[f"{key}__href"])) == by_key[key]["numerator"]
        for officer_row in drilled.grid:
            deeper = analysis_screen(query_of(officer_row["name__href"]), TODAY)
            assert deeper.level == "officer" and [c[0] for c in deeper.crumbs][-1] == officer_row["name"]
            assert_lists_match(deeper.indicators)


def test_render_analysis_outputs(desk_app) -> None:
    out = analysis.render_analysis(HALF | {"team": str(desk_app[1]["简案一组"])})
    crumbs, title, _period, error, kpis, _outlook, columns, rows, style, grid_title, table, size, printed = out
    assert "甲法官" in str(printed)
    assert size["height"] == f"{58 + 44 * 3}px"
    assert title == "简案一组" and error is None and style == {}
    assert [c["headerName"] for c in columns][:3] == ["承办人", "受理数", "结案数"]
    assert {r["name"] for r in rows} == {"甲法官", "乙助理", "戊退休"}
    assert "各承办人" in grid_title and len(kpis) == 8


@pytest.mark.parametrize("query, message", [
    ({"team": "99"}, "团队编号 99 不存在"),
    ({"team": "abc"}, "团队“abc”不是有效的编号"),
    ({"officer": "4242"}, "承办人编号 4242 不存在"),
    ({"preset": "custom", "start": "2022-09-30", "end": "2022-01-01"}, "晚于结束日期"),
    ({"preset": "custom", "start": "2022-13-01", "end": "2022-12-31"}, "格式不正确"),
    ({"start": "yesterday"}, "格式不正确"),
    ({"preset": "decade"}, "未知的期间预设"),
    ({"cmp": "custom", "cstart": "2021-01-01"}, "缺少对比期间结束日期"),
])
def test_bad_analysis_urls_show_a_chinese_message(desk_app, query, message) -> None:
    out = analysis.render_analysis(query)
    error = out[3]
    assert error is not None and message in str(error.children[1])


def test_bad_urls_on_other_pages(desk_app) -> None:
    assert "团队编号 77 不存在" in str(team.render_team({"path_id": "77", "query": {}})[2].children)
    assert "承办人编号 77 不存在" in str(officer.render_officer({"path_id": "77", "query": {}})[2].children)
    assert "案件编号 123456 不存在" in str(case.render_case({"path_id": "123456"})[1].children)
    assert "未知的指标" in str(cases.render_cases({"indicator": "nope", "start": "2022-01-01",
                                                    "end": "2022-02-01"})[1].children)
    assert "numerator" in str(cases.render_cases({"indicator": "closed", "part": "half", "scope": "court",
                                                  "start": "2022-01-01", "end": "2022-02-01"})[1].children)
    assert "未知的待办类型" in str(cases.render_cases({"queue": "x", "scope": "team", "id": "1"})[1].children)
    assert "请指定" in str(cases.render_cases({})[1].children)


def test_period_choice_round_trips_through_the_url() -> None:
    today = dt.date(2022, 8, 15)
    for query in ({}, {"preset": "month"}, {"preset": "quarter", "cmp": "none"}, {"preset": "last_year"},
                  HALF | {"cmp": "custom", "cstart": "2020-01-01", "cend": "2020-06-30"}):
        choice = parse_period(query, today)
        assert parse_period(choice.query(), today) == choice
    assert parse_period({"preset": "quarter"}, today).period.start == dt.date(2022, 7, 1)
    assert parse_period({"preset": "last_year"}, today).period == parse_period({}, today).compare
    with pytest.raises(ParamError):
        parse_period({"cmp": "sometimes"}, today)


def test_crumbs_round_trip_to_the_same_view(desk_app) -> None:
    ids = desk_app[1]
    deep = analysis_screen(HALF | {"cmp": "none", "officer": str(ids["乙助理"])}, TODAY)
    assert [c[0] for c in deep.crumbs] == ["测试法院", "简案一组", "乙助理"]
    for (label, href), level in zip(deep.crumbs, ("court", "team", "officer"), strict=True):
        again = analysis_screen(query_of(href), TODAY)
        assert again.level == level and again.choice == deep.choice
        assert again.crumbs[-1][0] == label


def test_team_page_queue_and_officers(desk_app) -> None:
    ids = desk_app[1]
    screen = team_screen(str(ids["简案一组"]), {}, TODAY)
    counts = {c["key"]: c["count"] for c in screen.queue_counts}
    assert list(counts) == ["overdue", "due_soon", "unpaid", "long12", "long6", "near_termination",
                            "supervision"]
    assert counts | {"overdue": 0, "due_soon": 0} == {
        "overdue": 0, "due_soon": 0, "unpaid": 1, "long12": 1, "long6": 1, "near_termination": 1,
        "supervision": 0}
    assert counts["overdue"] > 0  # the crafted cases miss national node deadlines
    for c in screen.queue_counts:
        assert len(listed(c["href"])) == c["count"], c["key"]
    out = team.render_team({"path_id": str(ids["简案一组"]), "query": HALF})
    options, _cols, rows, stale, title, note = worklist.render_worklist("team", {"path_id": str(ids["简案一组"]), "query": HALF})
    days = [r["days_left"] for r in rows]
    overdue = [d for d in days if d < 0]
    assert overdue and days[: len(overdue)] == sorted(overdue)  # overdue first, most overdue first
    assert days[len(overdue):] == sorted(days[len(overdue):])  # then due soonest
    assert {r["kind"] for r in rows} >= {"node", "payment", "termination"}
    assert all(r["item__href"].startswith(f"/case/{r['case_id']}#case-") for r in rows)
    assert all(r["tone"] == "bad" for r in rows if r["days_left"] < 0)
    pays = [r for r in rows if r["kind"] == "payment"]  # one row per receipt waiting to be paid out
    assert sum(p["amount"] for p in pays) == 200.0  # the case's unpaid 案款 (the 待办统计 card's case)
    assert all(p["status_text"] == f"已到账 {p['waiting_days']} 天未发放" and p["waiting_days"] > 0 for p in pays)
    assert options[0]["label"] == f"全部 {len(rows)}" and "已无法处理/需核实" in title
    assert all(r["stale"] for r in stale) and "30 天" in note
    assert {r["name"] for r in out[6]} == {"甲法官", "乙助理", "戊退休"}
    assert all(r["name__href"].startswith("/officer/") for r in out[6])


def test_officer_page_deadlines(desk_app) -> None:
    ids = desk_app[1]
    out = officer.render_officer({"path_id": str(ids["乙助理"]), "query": {}})
    deadlines = out[5]
    assert [d["remaining"] for d in deadlines][1] == 26 and deadlines[1]["deadline"] == "2022-09-10"


def test_case_page_shows_full_names_and_lists_mask_them(desk_app) -> None:
    ids = desk_app[1]
    cid = ids["case:2022执2"]
    out = case.render_case({"path_id": str(cid)})
    assert "张三丰" in str(out[3]) and len(out[4]) >= 5
    assert "流程节点" in str(out[5])
    queue = cases.render_cases({"queue": "long6", "scope": "team", "id": str(ids["简案一组"])})
    (row,) = queue[4]
    assert row["applicant"] == "张**" and "张三丰" not in str(queue)
    assert row["case_number__href"] == f"/case/{cid}"


def test_repeated_views_are_served_from_the_cache_until_the_data_changes(sqlite_engine, migrated_urls) -> None:
    from sqlalchemy import event

    from dashboard.app import create_app
    from db.session import bump_data_version, make_session_factory, session_scope
    from tests.db.test_case_queries import seed_desk

    seed_desk(sqlite_engine)
    app = create_app({"DATABASE_URL": migrated_urls["sqlite"], "CACHE_URL": "simple://",
                      "SCHEDULER_ENABLED": False, "TODAY": TODAY.isoformat()})
    statements: list[str] = []
    engine = app.server.extensions["dashboard"].engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with app.server.test_request_context():
        g.principal = COURT_VIEWER
        first = analysis.render_analysis(HALF)
        cold = len(statements)
        statements.clear()
        again = analysis.render_analysis(HALF)
        warm = list(statements)
        with session_scope(make_session_factory(sqlite_engine)) as session:
            bump_data_version(session)
        statements.clear()
        analysis.render_analysis(HALF)
        changed = len(statements)
    assert str(again) == str(first)
    assert all("data_state" in s for s in warm), warm  # only the cheap version checks
    assert cold > 3 * len(warm) and changed >= cold
    engine.dispose()


def test_unreachable_database_shows_a_chinese_message_not_a_traceback() -> None:
    from dashboard.app import create_app

    app = create_app({"DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/nothing_here",
                      "CACHE_URL": "null://",
                      "SCHEDULER_ENABLED": False})
    with app.server.test_request_context():
        g.principal = COURT_VIEWER
        error = analysis.render_analysis({})[3]
        case_error = case.render_case({"path_id": "1"})[1]
    assert "数据库暂时无法访问" in str(error.children[1])
    assert "数据库暂时无法访问" in str(case_error.children[1])


def test_team_page_lists_its_supervision_orders_open_first(desk_app, sqlite_engine) -> None:
    from sqlalchemy.orm import Session

    from db.models import User
    from db.supervision import orders as supervision

    ids = desk_app[1]
    with Session(sqlite_engine) as session, session.begin():
        user = User(username="lead", role="lead")
        session.add(user)
        session.flush()
        now = dt.datetime(2022, 8, 1, 2)
        common = {"target_kind": "case", "actor_id": user.id, "case_id": ids["case:2022执2"], "now": now}
        late = supervision.issue(session, subject="限期办结", due_on=dt.date(2022, 8, 10), **common)
        done = supervision.issue(session, subject="核查财产", due_on=dt.date(2022, 8, 20), **common)
        supervision.answer(session, done, "已核查", user.id, now=now)
        supervision.close(session, done, "办结", user.id, now=now)
    rows = team.render_team({"path_id": str(ids["简案一组"]), "query": {}})[8]
    assert [(r["subject"], r["status"]) for r in rows] == [("限期办结", "overdue"), ("核查财产", "closed")]
    assert rows[0]["id"] == late and rows[0]["case_number__href"] == f"/case/{ids['case:2022执2']}"


def test_case_list_breadcrumbs_lead_back_up_the_drill_path(desk_app) -> None:
    ids = desk_app[1]
    found = case_list({"indicator": "closed", "part": "numerator", "scope": "officer",
                       "id": str(ids["甲法官"])} | HALF, TODAY)
    labels = [c[0] for c in found.crumbs]
    assert labels == ["测试法院", "简案一组", "甲法官", "结案数·分子"]
    levels = [analysis_screen(query_of(href), TODAY) for _, href in found.crumbs[:3]]
    assert [s.level for s in levels] == ["court", "team", "officer"]
    assert all(s.choice.period.start == dt.date(2022, 1, 1) for s in levels)
    queue = case_list({"queue": "long6", "scope": "team", "id": str(ids["简案一组"])}, TODAY)
    assert queue.crumbs[1] == ("简案一组", f"/team/{ids['简案一组']}")
