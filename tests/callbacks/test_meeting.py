"""会议模式 (/meeting) as functions on the crafted desk court: one number, one definition (the
meeting's figures are /analysis's and the wall's), the levels and their way up, the case's masked
facts, compare mode, the trail and the 会议材料 workbook and printable page."""
from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from callbacks.desk.meeting import export_material, render_meeting
from callbacks.desk.meeting_data import (
    LIST_KEYS,
    TRAIL_LIMIT,
    extend_trail,
    fetch_meeting,
)
from callbacks.desk.params import ParamError
from callbacks.desk.request import AnalysisRequest, Focus, MeetingRequest
from callbacks.desk.screens import fetch_analysis
from db.snapshot.builder import build_snapshot, default_port
from tests.db.test_case_queries import TODAY, number

ARTICLE = {"preset": "custom", "start": "2022-01-01", "end": "2022-06-30"}
A, B = "简案一组", "保全组"


def _view(focus: dict[str, Any] | None, query: dict[str, Any] | None = None) -> Any:
    return fetch_meeting(MeetingRequest.parse(query or {}, focus, TODAY), TODAY)


def _grid(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["id"], r["name"], *(r[f"{k}__d"] for k in LIST_KEYS)) for r in rows]


@pytest.mark.parametrize("query", [{}, ARTICLE, {"preset": "month", "cmp": "none"}])
def test_every_level_shows_the_figures_of_the_analysis_page(desk_app, query) -> None:
    _app, ids = desk_app
    request = AnalysisRequest.parse(query, TODAY)
    court, analysis = _view(None, query), fetch_analysis(request, TODAY)
    assert court.level == "court" and court.title == analysis.title
    assert court.kpis == analysis.kpis and court.indicators == analysis.indicators
    assert _grid(court.rows) == _grid(analysis.grid) and len(court.rows) >= 3
    for row in court.rows:
        team = _view({"level": "team", "id": row["id"]}, query)
        same = fetch_analysis(AnalysisRequest(request.choice, row["id"]), TODAY)
        assert (team.kpis, team.indicators, _grid(team.rows)) == (same.kpis, same.indicators, _grid(same.grid))
        assert team.up == {"level": "court"}
        for officer_row in team.rows:
            officer = _view({"level": "officer", "id": officer_row["id"]}, query)
            alone = fetch_analysis(AnalysisRequest(request.choice, row["id"], officer_row["id"]), TODAY)
            assert officer.kpis == alone.kpis and officer.indicators == alone.indicators
            assert officer.up == {"level": "team", "id": row["id"]}
    assert ids[A] in [r["id"] for r in court.rows]


def test_the_meeting_shows_the_walls_figures_for_the_same_period(desk_app, sqlite_engine: Engine) -> None:
    """本年至今 with the same period last year: the snapshot the wall shows has the same displays."""
    _app, ids = desk_app
    with Session(sqlite_engine) as session:
        snap = build_snapshot(session, default_port(None), today=TODAY)
    ytd = snap["views"]["ytd"]
    court = _view(None, {"preset": "ytd"})
    wall = ytd["court"]["indicators"]
    assert [(k["key"], k["display"], k["compare_display"]) for k in court.kpis] == [
        (k["key"], wall[k["key"]]["display"], wall[k["key"]].get("compare_display") or "") for k in court.kpis]
    by_team = {t["id"]: t["indicators"] for t in ytd["teams"]}
    for row in court.rows:
        assert all(row[f"{k}__d"] == by_team[row["id"]][k]["display"] for k in LIST_KEYS), row["name"]
    assert ids[A] in by_team


def test_drill_down_to_a_case_and_its_masked_facts(desk_app) -> None:
    _app, ids = desk_app
    officer = _view({"level": "officer", "id": ids["乙助理"]})
    assert officer.row_kind == "case" and officer.crumbs[-1]["label"] == "乙助理"
    assert [c["label"] for c in officer.crumbs][1:] == [A, "乙助理"]
    open_numbers = [r["name"] for r in officer.rows]
    assert number("2022执2") in open_numbers and "未结案件共" in officer.note
    case = _view({"level": "case", "id": ids["case:2022执2"]})
    facts = {f["label"]: f["value"] for f in case.facts}
    assert facts["案号"] == number("2022执2") and facts["申请执行人"] == "张**"
    assert "包头***有限公司" in facts["被执行人"] and "张三丰" not in str(case.plain())
    assert "法定执行期限" in facts and facts["承办人"] == "乙助理"
    assert [c["label"] for c in case.crumbs][1:] == [A, "乙助理", number("2022执2")]
    assert case.up == {"level": "officer", "id": ids["乙助理"]} and not case.rows


def test_compare_two_teams_marks_the_better_side(desk_app) -> None:
    _app, ids = desk_app
    shown = _view({"level": "compare", "kind": "team", "ids": [ids[A], ids[B]]}, ARTICLE)
    teams = {t: _view({"level": "team", "id": ids[t]}, ARTICLE) for t in (A, B)}
    assert shown.compare["names"] == [A, B] and shown.up == {"level": "court"}
    rows = {r["key"]: r for r in shown.compare["rows"]}
    for kpi in teams[A].kpis:  # the same figures as each team's own level
        assert rows[kpi["key"]]["a"] == kpi["display"]
    for kpi in teams[B].kpis:
        assert rows[kpi["key"]]["b"] == kpi["display"]
    closed = rows["closed"]  # 结案数: higher is better
    a, b = closed["a_value"], closed["b_value"]
    assert a != b and closed["better"] == ("a" if a > b else "b")
    assert closed["delta"].startswith("+" if a > b else "-")
    assert all(r["better"] == "" for r in shown.compare["rows"] if r["a_value"] == r["b_value"])


@pytest.mark.parametrize(("focus", "message"), [
    ({"level": "floor"}, "未知的会议层级"),
    ({"level": "team", "id": "x"}, "不是有效的编号"),
    ({"level": "team", "id": 2**40}, "不是有效的编号"),
    ({"level": "team"}, "缺少团队编号"),
    ({"level": "compare", "kind": "case", "ids": [1, 2]}, "两个团队或两个承办人"),
    ({"level": "compare", "kind": "team", "ids": [1]}, "请选择两个团队"),
    ({"level": "compare", "kind": "team", "ids": [3, 3]}, "两个不同的团队"),
    ("court", "会议位置无效"),
])
def test_a_bad_focus_gets_a_chinese_message(focus, message) -> None:
    with pytest.raises(ParamError, match=message):
        Focus.parse(focus)


def test_an_unknown_entity_is_a_message_on_the_page(desk_app) -> None:
    crumbs, _title, _period, error, view, trail = render_meeting({"level": "team", "id": 987654}, {}, [])
    assert "987654" in str(error) and view == [] and crumbs == []


def test_the_trail_records_each_visit_once_in_order(desk_app) -> None:
    _app, ids = desk_app
    trail: Any = None
    for focus in (None, {"level": "team", "id": ids[A]}, {"level": "team", "id": ids[A]}, {"level": "court"}):
        trail = render_meeting(focus, ARTICLE, trail)[-1]
    assert [t["focus"] for t in trail] == [{"level": "court"}, {"level": "team", "id": ids[A]}, {"level": "court"}]
    assert all(t["q"] == {"preset": "custom", "start": "2022-01-01", "end": "2022-06-30"} for t in trail)
    long = [{"focus": {"level": "team", "id": i}, "q": {}} for i in range(TRAIL_LIMIT + 5)]
    assert len(extend_trail(long, {"focus": {"level": "court"}, "q": {}})) == TRAIL_LIMIT
    assert extend_trail("junk", {"focus": {"level": "court"}, "q": {}}) == [{"focus": {"level": "court"}, "q": {}}]


def test_meeting_material_holds_the_path_and_its_figures(desk_app) -> None:
    _app, ids = desk_app
    trail: Any = None
    path = (None, {"level": "team", "id": ids[A]}, {"level": "officer", "id": ids["乙助理"]},
            {"level": "case", "id": ids["case:2022执2"]}, {"level": "compare", "kind": "team", "ids": [ids[A], ids[B]]})
    for focus in path:
        trail = render_meeting(focus, ARTICLE, trail)[-1]
    download, material, message, print_class = export_material(1, trail)
    assert "已导出会议材料（5 个层级" in str(message) and "is-hidden" not in print_class
    book = load_workbook(io.BytesIO(base64.b64decode(download["content"])))
    assert download["filename"].startswith("会议材料-") and download["filename"].endswith(".xlsx")
    sheet = book["会议路径"]
    table = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(table) if r[0] == "序号")
    header, rows = table[header_at], table[header_at + 1: header_at + 6]
    assert [r[1] for r in rows] == ["全院", "团队", "承办人", "案件", "对比"]
    assert [r[2] for r in rows][1:4] == [A, f"乙助理（{A}）", number("2022执2")]
    assert any(r[0] == "数据截至" for r in table[:header_at])
    team = _view({"level": "team", "id": ids[A]}, ARTICLE)
    closure = header.index("结案率（%）")
    kpi = next(k for k in team.kpis if k["key"] == "closure_rate")
    assert rows[1][closure] == pytest.approx(kpi["value"] / 100)  # 87.50% is stored as 0.875
    assert f"{rows[1][closure]:.2%}" == kpi["display"]
    assert len(book.sheetnames) == 6  # the path, then one sheet per visit
    case_sheet = book[book.sheetnames[4]]
    case_text = " ".join(str(c) for r in case_sheet.iter_rows(values_only=True) for c in r if c)
    assert "张**" in case_text and "张三丰" not in case_text
    compare_sheet = book[book.sheetnames[5]]
    compare_text = [r for r in compare_sheet.iter_rows(values_only=True)]
    assert any(r[:2] == ("指标", "单位") and A in r and B in r for r in compare_text)
    printed = str(material)
    assert "会议材料" in printed and "数据截至" in printed and number("2022执2") in printed
    assert "1. 全院" in printed and "5. 对比" in printed and kpi["display"] in printed


def test_meeting_material_needs_a_visit(desk_app) -> None:
    download, material, error, _cls = export_material(1, [])
    assert "还没有浏览任何层级" in str(error) and material == [] and not isinstance(download, dict)


def test_an_opening_link_names_the_level_until_a_key_moves(desk_app) -> None:
    _app, ids = desk_app
    opened = render_meeting({"level": "court"}, ARTICLE, [], {"team": str(ids[A])})
    assert A in str(opened[1]) and opened[-1][-1]["focus"] == {"level": "team", "id": ids[A]}
    officer = render_meeting(None, ARTICLE, [], {"team": str(ids[A]), "officer": str(ids["乙助理"])})
    assert "乙助理" in str(officer[1])
    bad = render_meeting(None, ARTICLE, [], {"team": "abc"})
    assert "不是有效的编号" in str(bad[3])
